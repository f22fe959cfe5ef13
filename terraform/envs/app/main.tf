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
  # ssm-tag: the pipeline writes the version it deploys to this parameter, and every plan reads
  # it, so the configuration always says the running tag (var.image_tag is then unused).
  image_tag = coalesce(one(data.aws_ssm_parameter.image_tag[*].insecure_value), var.image_tag)
}

data "aws_ssm_parameter" "image_tag" {
  count = var.strategy == "ssm-tag" ? 1 : 0

  name = "/${var.env}/image-tag"
}

module "app" {
  source = "../../modules/app"

  env         = var.env
  strategy    = var.strategy
  image       = "${var.image_repository}:${local.image_tag}"
  commands    = var.commands
  environment = var.web_environment

  log_retention_days       = var.log_retention_days
  web_health_check_grace_s = var.web_health_check_grace_s
  web_desired_count        = var.web_desired_count
  cpu                      = var.task_cpu
  memory                   = var.task_memory
  web_service_name         = var.web_service_name

  vpc_id                = local.base.vpc_id
  private_subnet_ids    = local.base.private_subnet_ids
  app_security_group_id = local.base.app_security_group_id
  listener_arn          = local.base.listener_arn
  alb_dns_name          = local.base.alb_dns_name
  assets_bucket_name    = local.base.assets_bucket_name
  assets_bucket_arn     = local.base.assets_bucket_arn
  database              = local.base.database
}
