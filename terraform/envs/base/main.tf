provider "aws" {
  region = var.region

  default_tags {
    tags = {
      base         = var.base
      "managed-by" = "terraform"
    }
  }
}

module "base" {
  source = "../../modules/base"

  base        = var.base
  db_password = var.db_password
}
