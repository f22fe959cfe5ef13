# No output reads a service's task_definition or desired_count: with ignore-changes those
# drift by design, and an output referencing them would make every plan report a change.

output "cluster_name" {
  value = aws_ecs_cluster.this.name
}

output "service_names" {
  value = sort([for service in merge(aws_ecs_service.plain, aws_ecs_service.ignore_changes) : service.name])
}

output "task_definition_families" {
  value = { for name, task in aws_ecs_task_definition.this : name => task.family }
}

output "target_group_arn" {
  value = aws_lb_target_group.web.arn
}

output "log_group_names" {
  value = { for name, group in aws_cloudwatch_log_group.this : name => group.name }
}
