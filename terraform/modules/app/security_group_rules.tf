# The "security group rule" change: this environment lets a CIDR reach the app port, as a rule
# on the base layer's app security group (the group every service runs in). The rule belongs to
# the environment, not to the shared base, so environments on one base never contend for it.
resource "aws_vpc_security_group_ingress_rule" "app" {
  count = var.app_ingress_cidr == null ? 0 : 1

  security_group_id = var.app_security_group_id
  description       = "${var.env}: app port from ${var.app_ingress_cidr}"
  ip_protocol       = "tcp"
  from_port         = var.app_port
  to_port           = var.app_port
  cidr_ipv4         = var.app_ingress_cidr
}
