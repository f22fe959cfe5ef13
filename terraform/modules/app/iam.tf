data "aws_caller_identity" "current" {}

data "aws_iam_policy_document" "ecs_tasks_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }
}

# Execution role: what ECS itself needs to start the containers (pull the image, write logs,
# read the database password).
# An inline policy rather than the AWS-managed AmazonECSTaskExecutionRolePolicy keeps the
# grant scoped to this environment's log groups.
resource "aws_iam_role" "execution" {
  name               = "${var.env}-ecs-execution"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

data "aws_iam_policy_document" "execution" {
  statement {
    actions = [
      "ecr:GetAuthorizationToken",
      "ecr:BatchCheckLayerAvailability",
      "ecr:GetDownloadUrlForLayer",
      "ecr:BatchGetImage",
    ]
    resources = ["*"]
  }

  # Built from names, not from the log groups' arn attributes: a data source that depends on
  # a resource with pending changes is read only at apply time, which would show this policy
  # as changing in every plan that touches a log group (the retention, say).
  statement {
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["arn:aws:logs:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:log-group:/ecs/${var.env}/*:*"]
  }

  # The containers' `secrets`: ECS fetches the database password with this role at task start
  # ("Required IAM permissions for Amazon ECS secrets", Amazon ECS Developer Guide).
  statement {
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [var.database.password_secret_arn]
  }
}

resource "aws_iam_role_policy" "execution" {
  name   = "${var.env}-ecs-execution"
  role   = aws_iam_role.execution.id
  policy = data.aws_iam_policy_document.execution.json
}

# Task role: what the Django code may do (collectstatic uploads to the assets bucket).
resource "aws_iam_role" "task" {
  name               = "${var.env}-ecs-task"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

data "aws_iam_policy_document" "task" {
  statement {
    actions   = ["s3:ListBucket"]
    resources = [var.assets_bucket_arn]
  }

  statement {
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
    resources = ["${var.assets_bucket_arn}/*"]
  }
}

resource "aws_iam_role_policy" "task" {
  name   = "${var.env}-ecs-task"
  role   = aws_iam_role.task.id
  policy = data.aws_iam_policy_document.task.json
}
