resource "aws_db_subnet_group" "this" {
  name       = "${var.base}-db"
  subnet_ids = aws_subnet.private[*].id
}

# The database password lives in Secrets Manager, as in the seed's rds module: the app's
# containers read it through their task definitions' `secrets` (valueFrom this secret's ARN),
# so it never appears in a task definition, an environment list or a plan.
resource "aws_secretsmanager_secret" "db_password" {
  name        = "${var.base}/db-password"
  description = "Master password of the ${var.base}-db Postgres instance"
  # Ad hoc environments: destroy deletes it at once (the default keeps it 30 days, and its
  # name could not be used again until then).
  recovery_window_in_days = 0
}

resource "aws_secretsmanager_secret_version" "db_password" {
  secret_id     = aws_secretsmanager_secret.db_password.id
  secret_string = var.db_password

  # The variable seeds the secret when it is created; after that the secret is the source of
  # truth (rotate it in Secrets Manager, not here), so later runs need not know the value.
  lifecycle {
    ignore_changes = [secret_string]
  }
}

resource "aws_db_instance" "this" {
  identifier             = "${var.base}-db"
  engine                 = "postgres"
  engine_version         = var.db_engine_version
  instance_class         = var.db_instance_class
  allocated_storage      = 20
  db_name                = var.db_name
  username               = var.db_username
  password               = aws_secretsmanager_secret_version.db_password.secret_string
  db_subnet_group_name   = aws_db_subnet_group.this.name
  vpc_security_group_ids = [aws_security_group.app.id]
  publicly_accessible    = false
  # Ad hoc environments: destroy must leave nothing behind, snapshots included.
  skip_final_snapshot = true
}

data "aws_caller_identity" "current" {}

resource "aws_s3_bucket" "assets" {
  # The account id keeps the name globally unique.
  bucket = "${var.base}-assets-${data.aws_caller_identity.current.account_id}"
  # collectstatic fills it; destroy must still remove it.
  force_destroy = true
}
