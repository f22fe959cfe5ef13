# Rules are separate resources (aws_vpc_security_group_*_rule), the provider's recommended
# form: inline rules and rule resources cannot be mixed on one group.

resource "aws_security_group" "alb" {
  name        = "${var.base}-alb-sg"
  description = "Application load balancer of ${var.base}"
  vpc_id      = aws_vpc.this.id

  tags = {
    Name = "${var.base}-alb-sg"
    role = "alb"
  }
}

resource "aws_vpc_security_group_ingress_rule" "alb_http" {
  security_group_id = aws_security_group.alb.id
  description       = "HTTP from anywhere"
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "alb_all" {
  security_group_id = aws_security_group.alb.id
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}

# The app group holds the ECS tasks of every app environment on this base, and the database.
resource "aws_security_group" "app" {
  name        = "${var.base}-app-sg"
  description = "ECS tasks and database of ${var.base}"
  vpc_id      = aws_vpc.this.id

  tags = {
    Name = "${var.base}-app-sg"
    role = "app"
  }
}

resource "aws_vpc_security_group_ingress_rule" "app_from_alb" {
  security_group_id            = aws_security_group.app.id
  description                  = "Web containers from the ALB"
  ip_protocol                  = "tcp"
  from_port                    = var.app_port
  to_port                      = var.app_port
  referenced_security_group_id = aws_security_group.alb.id
}

resource "aws_vpc_security_group_ingress_rule" "app_postgres" {
  security_group_id            = aws_security_group.app.id
  description                  = "Postgres from the app tasks"
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = aws_security_group.app.id
}

resource "aws_vpc_security_group_egress_rule" "app_all" {
  security_group_id = aws_security_group.app.id
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}

# The "security group rule" change: a base-layer change the services depend on (their group
# lets one more CIDR reach the app port). The app root module does not read it.
resource "aws_vpc_security_group_ingress_rule" "app_ingress" {
  count = var.app_ingress_cidr == null ? 0 : 1

  security_group_id = aws_security_group.app.id
  description       = "App port from ${var.app_ingress_cidr}"
  ip_protocol       = "tcp"
  from_port         = var.app_port
  to_port           = var.app_port
  cidr_ipv4         = var.app_ingress_cidr
}
