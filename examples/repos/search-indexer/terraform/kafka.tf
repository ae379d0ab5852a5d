# Kafka for the search-indexer worker: its dead-letter topic, a SCRAM user, and the
# ACLs that user needs (read catalog.item-changed as group search-indexer, write the
# dead-letter topic). The consumed topic belongs to its producer and is not created here.
# Uses the Mongey/kafka provider; the password goes to AWS Secrets Manager, where
# k8s/external-secret-kafka.yaml picks it up.

terraform {
  required_version = ">= 1.6"
  required_providers {
    kafka = {
      source  = "Mongey/kafka"
      version = "~> 0.13"
    }
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

locals {
  kafka_user     = "search-indexer"
  source_topic   = "catalog.item-changed"
  consumer_group = "search-indexer"
  dlq_topic      = "search-indexer.dlq"
}

resource "kafka_topic" "dlq" {
  name               = local.dlq_topic
  partitions         = 3
  replication_factor = 3

  config = {
    "cleanup.policy"      = "delete"
    "retention.ms"        = "1209600000" # 14 days: time to investigate and replay
    "min.insync.replicas" = "2"
  }
}

resource "random_password" "kafka" {
  length  = 32
  special = false
}

resource "kafka_user_scram_credential" "this" {
  username        = local.kafka_user
  scram_mechanism = "SCRAM-SHA-512"
  password        = random_password.kafka.result
}

resource "aws_secretsmanager_secret" "kafka" {
  name        = "services/search-indexer/kafka"
  description = "Kafka SCRAM credentials for search-indexer (read by the ExternalSecret)."
}

resource "aws_secretsmanager_secret_version" "kafka" {
  secret_id = aws_secretsmanager_secret.kafka.id
  secret_string = jsonencode({
    username = local.kafka_user
    password = random_password.kafka.result
  })
}

resource "kafka_acl" "source_read" {
  resource_name       = local.source_topic
  resource_type       = "Topic"
  acl_principal       = "User:${local.kafka_user}"
  acl_host            = "*"
  acl_operation       = "Read"
  acl_permission_type = "Allow"
}

resource "kafka_acl" "source_describe" {
  resource_name       = local.source_topic
  resource_type       = "Topic"
  acl_principal       = "User:${local.kafka_user}"
  acl_host            = "*"
  acl_operation       = "Describe"
  acl_permission_type = "Allow"
}

# Consumer group ACL: joining the group and committing offsets.
resource "kafka_acl" "consumer_group" {
  resource_name       = local.consumer_group
  resource_type       = "Group"
  acl_principal       = "User:${local.kafka_user}"
  acl_host            = "*"
  acl_operation       = "Read"
  acl_permission_type = "Allow"
}

resource "kafka_acl" "dlq_write" {
  resource_name       = kafka_topic.dlq.name
  resource_type       = "Topic"
  acl_principal       = "User:${local.kafka_user}"
  acl_host            = "*"
  acl_operation       = "Write"
  acl_permission_type = "Allow"
}

resource "kafka_acl" "dlq_describe" {
  resource_name       = kafka_topic.dlq.name
  resource_type       = "Topic"
  acl_principal       = "User:${local.kafka_user}"
  acl_host            = "*"
  acl_operation       = "Describe"
  acl_permission_type = "Allow"
}

resource "kafka_acl" "idempotent_write" {
  resource_name       = "kafka-cluster"
  resource_type       = "Cluster"
  acl_principal       = "User:${local.kafka_user}"
  acl_host            = "*"
  acl_operation       = "IdempotentWrite"
  acl_permission_type = "Allow"
}

output "dlq_topic" {
  value = kafka_topic.dlq.name
}
