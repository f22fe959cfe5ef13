provider "aws" {
  region = var.region

  default_tags {
    tags = merge({
      env          = var.env
      base         = var.base
      "managed-by" = "terraform"
    }, var.run_tags)
  }
}

data "terraform_remote_state" "base" {
  backend = "local"

  config = {
    path = var.base_state_path
  }
}

locals {
  base = data.terraform_remote_state.base.outputs
}

module "app" {
  source = "../../modules/app"

  env         = var.env
  strategy    = var.strategy
  image       = "${var.image_repository}:${var.image_tag}"
  commands    = var.commands
  environment = var.web_environment

  log_retention_days       = var.log_retention_days
  web_health_check_grace_s = var.web_health_check_grace_s

  vpc_id                = local.base.vpc_id
  private_subnet_ids    = local.base.private_subnet_ids
  app_security_group_id = local.base.app_security_group_id
  listener_arn          = local.base.listener_arn
  alb_dns_name          = local.base.alb_dns_name
  assets_bucket_name    = local.base.assets_bucket_name
  assets_bucket_arn     = local.base.assets_bucket_arn
  database              = local.base.database
}
