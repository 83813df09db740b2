terraform {
  required_providers {
    spectrocloud = {
      source = "spectrocloud/spectrocloud"
    }
  }
}

provider "spectrocloud" {}

locals {
  teams = {
    payments = "Payments platform"
    search   = "Search and discovery"
    data     = "Data engineering"
  }
}

resource "spectrocloud_project" "team" {
  for_each    = local.teams
  name        = "team-${each.key}"
  description = each.value
  tags        = ["team:${each.key}", "managed-by:terraform"]
}

data "spectrocloud_project" "default" {
  name = "Default"
}

output "projects" {
  value = { for k, p in spectrocloud_project.team : k => p.id }
}
