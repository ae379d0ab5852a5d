# PostgreSQL for payments-api (Amazon RDS). Apply once per environment (one AWS
# account per environment) from the infrastructure pipeline:
#   terraform init && terraform plan -var-file=<environment>.tfvars
# Credentials go to AWS Secrets Manager; k8s/external-secret.yaml turns them into the
# payments-api-database Kubernetes secret. Nobody copies a password by hand.

terraform {
  required_version = ">= 1.6"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.0"
    }
    random = {
      source  = "hashicorp/random"
      version = "~> 3.6"
    }
  }
}

variable "environment" {
  description = "staging or production."
  type        = string
}

variable "db_subnet_group_name" {
  description = "Existing DB subnet group in the private database subnets."
  type        = string
}

variable "vpc_security_group_ids" {
  description = "Security groups that allow 5432 from the cluster's node/pod security group only."
  type        = list(string)
}

variable "instance_class" {
  description = "Start small; the dashboard shows when to grow."
  type        = string
  default     = "db.t4g.small"
}

variable "allocated_storage_gb" {
  type    = number
  default = 20
}

locals {
  identifier = "payments-api-${var.environment}"
  tags = {
    service      = "payments-api"
    owner        = "payments"
    system       = "payments"
    environment  = var.environment
    "managed-by" = "terraform"
    "golden-path" = "api-service"
  }
}

resource "random_password" "app" {
  length  = 32
  special = false
}

resource "aws_db_parameter_group" "this" {
  name   = local.identifier
  family = "postgres17"

  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }
  parameter {
    # Log statements slower than one second: they show up in slow-route investigations.
    name  = "log_min_duration_statement"
    value = "1000"
  }

  tags = local.tags
}

resource "aws_db_instance" "this" {
  identifier     = local.identifier
  engine         = "postgres"
  engine_version = "17"
  instance_class = var.instance_class

  db_name  = "payments_api"
  username = "app"
  password = random_password.app.result
  port     = 5432

  allocated_storage     = var.allocated_storage_gb
  max_allocated_storage = var.allocated_storage_gb * 5
  storage_type          = "gp3"
  storage_encrypted     = true

  db_subnet_group_name   = var.db_subnet_group_name
  vpc_security_group_ids = var.vpc_security_group_ids
  publicly_accessible    = false
  parameter_group_name   = aws_db_parameter_group.this.name

  multi_az                   = var.environment == "production"
  backup_retention_period    = var.environment == "production" ? 14 : 3
  backup_window              = "02:00-03:00"
  maintenance_window         = "sun:03:30-sun:04:30"
  copy_tags_to_snapshot      = true
  auto_minor_version_upgrade = true
  apply_immediately          = false

  deletion_protection       = true
  skip_final_snapshot       = false
  final_snapshot_identifier = "${local.identifier}-final"

  performance_insights_enabled    = true
  enabled_cloudwatch_logs_exports = ["postgresql", "upgrade"]
  iam_database_authentication_enabled = true

  tags = local.tags
}

resource "aws_secretsmanager_secret" "database" {
  name        = "services/payments-api/database"
  description = "Connection details for payments-api (read by the ExternalSecret)."
  tags        = local.tags
}

resource "aws_secretsmanager_secret_version" "database" {
  secret_id = aws_secretsmanager_secret.database.id
  secret_string = jsonencode({
    host     = aws_db_instance.this.address
    port     = aws_db_instance.this.port
    dbname   = aws_db_instance.this.db_name
    username = aws_db_instance.this.username
    password = random_password.app.result
  })
}

output "database_endpoint" {
  value = aws_db_instance.this.address
}

output "database_secret_name" {
  value = aws_secretsmanager_secret.database.name
}
