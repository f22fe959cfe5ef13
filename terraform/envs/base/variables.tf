variable "region" {
  type    = string
  default = "us-east-1"
}

variable "base" {
  description = "Name of the base layer (e.g. dev)."
  type        = string
}

variable "db_password" {
  description = "Master password of the RDS instance: seeds its Secrets Manager secret at creation, ignored afterwards."
  type        = string
  sensitive   = true
}

variable "run_tags" {
  description = "Tags on everything, beside the contract's (the harness's run id on a sandbox account)."
  type        = map(string)
  default     = {}
}

variable "app_ingress_cidr" {
  description = "A CIDR let in on the app port by a rule of the base's app security group (null: none)."
  type        = string
  default     = null
}
