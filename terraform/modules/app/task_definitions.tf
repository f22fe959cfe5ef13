locals {
  # What every container needs from the base layer; var.environment comes last so a caller
  # can override any of it.
  environment = merge(
    {
      POSTGRES_HOST      = var.database.host
      POSTGRES_PORT      = tostring(var.database.port)
      POSTGRES_DB        = var.database.name
      POSTGRES_USER      = var.database.username
      ASSETS_BUCKET_NAME = var.assets_bucket_name
      ALLOWED_HOSTS      = var.alb_dns_name
    },
    var.environment,
  )
  # Sorted by name: ECS returns the list sorted, and an unsorted one would show a diff forever.
  environment_list = [for name in sort(keys(local.environment)) : {
    name  = name
    value = local.environment[name]
  }]
  # The password is not an environment value: ECS reads it from Secrets Manager when it starts
  # the task, with the execution role (iam.tf), and hands it to the container as this variable.
  secrets = [{
    name      = "POSTGRES_PASSWORD"
    valueFrom = var.database.password_secret_arn
  }]
}

resource "aws_ecs_task_definition" "this" {
  for_each = local.components

  family                   = "${var.env}-${each.key}"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.cpu
  memory                   = var.memory
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task.arn
  # Read follows the family's latest ACTIVE revision instead of the one in state (provider
  # 5.37.0, hashicorp/terraform-provider-aws#30154).
  track_latest = var.strategy == "track-latest"

  # The contract: the application container is named after its component.
  container_definitions = jsonencode([{
    name        = each.key
    image       = var.image
    essential   = true
    command     = var.commands[each.key]
    environment = local.environment_list
    secrets     = local.secrets
    portMappings = each.key == "web" ? [{
      containerPort = var.app_port
      hostPort      = var.app_port
      protocol      = "tcp"
    }] : []
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.this[each.key].name
        awslogs-region        = data.aws_region.current.name
        awslogs-stream-prefix = each.key
      }
    }
  }])
}
