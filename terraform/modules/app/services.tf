# The strategy decides whether Terraform keeps owning the revision a service runs. Terraform
# cannot make lifecycle arguments conditional (they must be literal), so a strategy that needs
# ignore_changes has its own resource block and the variable selects which one has instances.
# Each keeps a stable address (aws_ecs_service.plain["web"], aws_ecs_service.ignore_changes["web"]);
# changing the strategy of a running environment replaces its services, which is why it is
# chosen at creation. Two blocks in one module rather than two service submodules: the
# arguments are shared through locals, and nothing else differs. "plain", "latest-revision",
# "track-latest" and "ssm-tag" share the plain block; they differ in what task_definition says
# and in the task definitions themselves.
locals {
  # latest-revision: the family's latest ACTIVE revision (the app-update script's, after an app
  # update) or Terraform's own when that is newer (hashicorp/terraform#13005). family:revision,
  # the form the provider reads the service's task_definition back in, so a plan stays clean.
  latest_revision = {
    for name, latest in data.aws_ecs_task_definition.latest : name =>
    "${aws_ecs_task_definition.this[name].family}:${max(aws_ecs_task_definition.this[name].revision, latest.revision)}"
  }
  service_settings = {
    for name in local.services : name => {
      task_definition = lookup(local.latest_revision, name, aws_ecs_task_definition.this[name].arn)
      web             = name == "web"
      name            = name == "web" && var.web_service_name != null ? var.web_service_name : "${var.env}-${name}"
    }
  }
}

data "aws_ecs_task_definition" "latest" {
  for_each = var.strategy == "latest-revision" ? local.services : toset([])

  task_definition = aws_ecs_task_definition.this[each.key].family
}

resource "aws_ecs_service" "plain" {
  for_each = var.strategy != "ignore-changes" ? local.service_settings : {}

  name            = each.value.name
  cluster         = aws_ecs_cluster.this.id
  task_definition = each.value.task_definition
  desired_count   = each.value.web ? var.web_desired_count : var.desired_count
  launch_type     = "FARGATE"

  health_check_grace_period_seconds = each.value.web ? var.web_health_check_grace_s : null

  network_configuration {
    subnets          = var.private_subnet_ids
    security_groups  = [var.app_security_group_id]
    assign_public_ip = false
  }

  dynamic "load_balancer" {
    for_each = each.value.web ? [aws_lb_target_group.web.arn] : []
    content {
      target_group_arn = load_balancer.value
      container_name   = "web"
      container_port   = var.app_port
    }
  }

  # ECS refuses a target group not yet attached to a load balancer.
  depends_on = [aws_lb_listener_rule.web, aws_iam_role_policy.execution]
}

resource "aws_ecs_service" "ignore_changes" {
  for_each = var.strategy == "ignore-changes" ? local.service_settings : {}

  name            = each.value.name
  cluster         = aws_ecs_cluster.this.id
  task_definition = each.value.task_definition
  desired_count   = each.value.web ? var.web_desired_count : var.desired_count
  launch_type     = "FARGATE"

  health_check_grace_period_seconds = each.value.web ? var.web_health_check_grace_s : null

  network_configuration {
    subnets          = var.private_subnet_ids
    security_groups  = [var.app_security_group_id]
    assign_public_ip = false
  }

  dynamic "load_balancer" {
    for_each = each.value.web ? [aws_lb_target_group.web.arn] : []
    content {
      target_group_arn = load_balancer.value
      container_name   = "web"
      container_port   = var.app_port
    }
  }

  # The app-update script deploys new revisions and autoscaling may set the count: neither
  # should be undone by the next apply.
  lifecycle {
    ignore_changes = [task_definition, desired_count]
  }

  depends_on = [aws_lb_listener_rule.web, aws_iam_role_policy.execution]
}
