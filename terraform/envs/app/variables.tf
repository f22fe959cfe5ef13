variable "region" {
  type    = string
  default = "us-east-1"
}

variable "env" {
  description = "Name of the app environment (e.g. alpha)."
  type        = string
}

variable "base" {
  description = "Name of the base layer this environment runs on."
  type        = string
}

variable "base_state_path" {
  description = "Path of the base layer's local state file."
  type        = string
}

variable "strategy" {
  description = "plain, ignore-changes, latest-revision, track-latest or ssm-tag (see modules/app/variables.tf)."
  type        = string
  default     = "ignore-changes"
}

variable "image_repository" {
  description = "Application image without tag."
  type        = string
}

variable "image_tag" {
  description = "Application version to deploy."
  type        = string
}

variable "log_retention_days" {
  type    = number
  default = 7
}

variable "web_health_check_grace_s" {
  type    = number
  default = 60
}

variable "web_desired_count" {
  type    = number
  default = 1
}

variable "task_cpu" {
  type    = number
  default = 256
}

variable "task_memory" {
  type    = number
  default = 512
}

variable "web_service_name" {
  description = "Name of the web service (null: ENV-web); a new name replaces the service (name is ForceNew)."
  type        = string
  default     = null
}

variable "web_environment" {
  description = "Extra environment of every app container."
  type        = map(string)
  default     = { DJANGO_LOG_LEVEL = "INFO" }
}

variable "commands" {
  description = "Container command per component; null keeps the module's defaults."
  type        = map(list(string))
  default     = null
}

variable "run_tags" {
  description = "Tags on everything, beside the contract's (the harness's run id on a sandbox account)."
  type        = map(string)
  default     = {}
}
