locals {
  services   = toset(["web", "worker", "beat"])
  components = setunion(local.services, ["backend-update"])
}

data "aws_region" "current" {}

resource "aws_ecs_cluster" "this" {
  name = "${var.env}-cluster"
}

resource "aws_cloudwatch_log_group" "this" {
  for_each = local.components

  name              = "/ecs/${var.env}/${each.key}"
  retention_in_days = var.log_retention_days
}
