# The app environments read these through terraform_remote_state.

output "base" {
  value = module.base.base
}

output "vpc_id" {
  value = module.base.vpc_id
}

output "public_subnet_ids" {
  value = module.base.public_subnet_ids
}

output "private_subnet_ids" {
  value = module.base.private_subnet_ids
}

output "alb_security_group_id" {
  value = module.base.alb_security_group_id
}

output "app_security_group_id" {
  value = module.base.app_security_group_id
}

output "alb_dns_name" {
  value = module.base.alb_dns_name
}

output "listener_arn" {
  value = module.base.listener_arn
}

output "database" {
  value = {
    host     = module.base.db_address
    port     = module.base.db_port
    name     = module.base.db_name
    username = module.base.db_username
    # Not the password: the ARN of the secret that holds it.
    password_secret_arn = module.base.db_password_secret_arn
  }
}

output "assets_bucket_name" {
  value = module.base.assets_bucket_name
}

output "assets_bucket_arn" {
  value = module.base.assets_bucket_arn
}
