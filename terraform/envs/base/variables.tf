variable "region" {
  type    = string
  default = "us-east-1"
}

variable "base" {
  description = "Name of the base layer (e.g. dev)."
  type        = string
}

variable "db_password" {
  description = "Master password of the RDS instance."
  type        = string
  sensitive   = true
}
