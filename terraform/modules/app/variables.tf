variable "env" {
  description = "Name of the app environment (e.g. alpha); every resource name starts with it."
  type        = string
}

variable "strategy" {
  description = <<-EOT
    How the ECS services relate to the task definitions Terraform registers:
    "plain" points them at the task definition resource, so every apply puts Terraform's
    revision back into service; "ignore-changes" creates them with it and then ignores
    task_definition and desired_count, so revisions deployed by the app-update script stay;
    "latest-revision" points them at family:max(resource revision, latest ACTIVE revision);
    "track-latest" sets track_latest on the task definitions (Read follows the latest ACTIVE
    revision); "ssm-tag" is "plain" with the image tag read from SSM by the caller.
  EOT
  type        = string
  default     = "ignore-changes"

  validation {
    condition     = contains(["plain", "ignore-changes", "latest-revision", "track-latest", "ssm-tag"], var.strategy)
    error_message = "strategy must be one of plain, ignore-changes, latest-revision, track-latest, ssm-tag."
  }
}

variable "image" {
  description = "Application image, REPOSITORY:TAG."
  type        = string
}

variable "commands" {
  description = "Container command per component (web, worker, beat, backend-update)."
  type        = map(list(string))
  nullable    = false
  default = {
    web            = ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000"]
    worker         = ["celery", "-A", "config", "worker", "-l", "INFO"]
    beat           = ["celery", "-A", "config", "beat", "-l", "INFO"]
    backend-update = ["python", "manage.py", "pre_update"]
  }
}

variable "environment" {
  description = "Extra environment variables of every app container (e.g. DJANGO_LOG_LEVEL)."
  type        = map(string)
  default     = {}
}

variable "log_retention_days" {
  type    = number
  default = 7
}

variable "web_health_check_grace_s" {
  description = "health_check_grace_period_seconds of the web service."
  type        = number
  default     = 60
}

variable "desired_count" {
  description = "Tasks per service at creation (ignored afterwards with strategy ignore-changes)."
  type        = number
  default     = 1
}

variable "web_desired_count" {
  description = "Tasks of the web service (ignored after creation with strategy ignore-changes)."
  type        = number
  default     = 1
}

variable "web_service_name" {
  description = "Name of the web service (null: ENV-web, the contract's); changing it replaces the service."
  type        = string
  default     = null
}

variable "cpu" {
  type    = number
  default = 256
}

variable "memory" {
  type    = number
  default = 512
}

variable "app_port" {
  type    = number
  default = 8000
}

variable "health_check_path" {
  type    = string
  default = "/api/health-check/"
}

variable "host_header" {
  description = "Host names the listener rule sends to this environment (default: ENV.*)."
  type        = list(string)
  default     = null
}

variable "listener_rule_priority" {
  description = "Priority of this environment's rule on the shared listener (null: next free one)."
  type        = number
  default     = null
}

# Read from the base layer.
variable "vpc_id" {
  type = string
}

variable "private_subnet_ids" {
  type = list(string)
}

variable "app_security_group_id" {
  type = string
}

variable "listener_arn" {
  type = string
}

variable "alb_dns_name" {
  type = string
}

variable "assets_bucket_name" {
  type = string
}

variable "assets_bucket_arn" {
  type = string
}

variable "database" {
  description = "Connection settings of the base's Postgres instance; the password stays in its secret."
  type = object({
    host                = string
    port                = number
    name                = string
    username            = string
    password_secret_arn = string
  })
}
