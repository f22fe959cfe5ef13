resource "aws_db_subnet_group" "this" {
  name       = "${var.base}-db"
  subnet_ids = aws_subnet.private[*].id
}

resource "aws_db_instance" "this" {
  identifier             = "${var.base}-db"
  engine                 = "postgres"
  engine_version         = var.db_engine_version
  instance_class         = var.db_instance_class
  allocated_storage      = 20
  db_name                = var.db_name
  username               = var.db_username
  password               = var.db_password
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
