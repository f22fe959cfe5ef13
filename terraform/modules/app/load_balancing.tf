resource "aws_lb_target_group" "web" {
  name                 = "${var.env}-web-tg"
  port                 = var.app_port
  protocol             = "HTTP"
  target_type          = "ip" # awsvpc tasks register by IP
  vpc_id               = var.vpc_id
  deregistration_delay = 5

  health_check {
    path    = var.health_check_path
    matcher = "200-399"
  }
}

resource "aws_lb_listener_rule" "web" {
  listener_arn = var.listener_arn
  priority     = var.listener_rule_priority

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }

  condition {
    host_header {
      values = coalesce(var.host_header, ["${var.env}.*"])
    }
  }
}
