provider "aws" {
  region = var.region

  default_tags {
    tags = merge({
      base         = var.base
      "managed-by" = "terraform"
    }, var.run_tags)
  }
}

module "base" {
  source = "../../modules/base"

  base             = var.base
  db_password      = var.db_password
  app_ingress_cidr = var.app_ingress_cidr
}
