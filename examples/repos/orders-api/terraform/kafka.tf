# Kafka for orders-api: its event topic, a SCRAM user, and the ACLs that user needs
# (write and read on its own topic, its consumer group, idempotent writes). Uses the
# Mongey/kafka provider against the cluster's admin listener; the user's password goes to
# AWS Secrets Manager, where k8s/external-secret-kafka.yaml picks it up.

variable "kafka_partitions" {
  description = "Upper bound on consumer parallelism; can grow later, never shrink."
  type        = number
  default     = 6
}

locals {
  kafka_user     = "orders-api"
  events_topic   = "orders-api.events"
  consumer_group = "orders-api"
}

resource "kafka_topic" "events" {
  name               = local.events_topic
  partitions         = var.kafka_partitions
  replication_factor = 3

  config = {
    "cleanup.policy"      = "delete"
    "retention.ms"        = "604800000" # 7 days
    "min.insync.replicas" = "2"         # with acks=all, survives one broker down
    "compression.type"    = "producer"
    "max.message.bytes"   = "1048576"
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
  name        = "services/orders-api/kafka"
  description = "Kafka SCRAM credentials for orders-api (read by the ExternalSecret)."
}

resource "aws_secretsmanager_secret_version" "kafka" {
  secret_id = aws_secretsmanager_secret.kafka.id
  secret_string = jsonencode({
    username = local.kafka_user
    password = random_password.kafka.result
  })
}

resource "kafka_acl" "topic_write" {
  resource_name       = kafka_topic.events.name
  resource_type       = "Topic"
  acl_principal       = "User:${local.kafka_user}"
  acl_host            = "*"
  acl_operation       = "Write"
  acl_permission_type = "Allow"
}

resource "kafka_acl" "topic_read" {
  resource_name       = kafka_topic.events.name
  resource_type       = "Topic"
  acl_principal       = "User:${local.kafka_user}"
  acl_host            = "*"
  acl_operation       = "Read"
  acl_permission_type = "Allow"
}

resource "kafka_acl" "topic_describe" {
  resource_name       = kafka_topic.events.name
  resource_type       = "Topic"
  acl_principal       = "User:${local.kafka_user}"
  acl_host            = "*"
  acl_operation       = "Describe"
  acl_permission_type = "Allow"
}

# Consumer group ACL: lets the service consume its own topic (replays, outbox relays).
resource "kafka_acl" "consumer_group" {
  resource_name       = local.consumer_group
  resource_type       = "Group"
  acl_principal       = "User:${local.kafka_user}"
  acl_host            = "*"
  acl_operation       = "Read"
  acl_permission_type = "Allow"
}

# The idempotent producer needs IdempotentWrite on the cluster.
resource "kafka_acl" "idempotent_write" {
  resource_name       = "kafka-cluster"
  resource_type       = "Cluster"
  acl_principal       = "User:${local.kafka_user}"
  acl_host            = "*"
  acl_operation       = "IdempotentWrite"
  acl_permission_type = "Allow"
}

output "events_topic" {
  value = kafka_topic.events.name
}
