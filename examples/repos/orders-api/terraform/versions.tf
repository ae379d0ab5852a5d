# Terraform and provider versions for this module. One file, because terraform allows one
# required_providers block per module: database.tf and kafka.tf share it.
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
    kafka = {
      source  = "Mongey/kafka"
      version = "~> 0.13"
    }
  }
}
