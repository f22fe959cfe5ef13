variable "base" {
  description = "Name of the base layer (e.g. dev); every resource name starts with it."
  type        = string
}

variable "vpc_cidr" {
  description = "CIDR block of the VPC; subnets are /24 slices of it."
  type        = string
  default     = "10.0.0.0/16"
}

variable "app_port" {
  description = "Port the web container listens on (the ALB forwards to it)."
  type        = number
  default     = 8000
}

variable "db_instance_class" {
  type    = string
  default = "db.t4g.micro"
}

variable "db_engine_version" {
  type    = string
  default = "16"
}

variable "db_name" {
  type    = string
  default = "app"
}

variable "db_username" {
  type    = string
  default = "app"
}

variable "db_password" {
  description = "Master password of the RDS instance, stored in Secrets Manager at creation (later values are ignored)."
  type        = string
  sensitive   = true
}

variable "app_ingress_cidr" {
  description = "A CIDR let in on the app port by a rule of the app security group (null: none): the 'security group rule' change."
  type        = string
  default     = null
}
