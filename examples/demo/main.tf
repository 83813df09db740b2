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

# Cluster Mode: an add-on profile whose packs are resolved from the catalog.
resource "spectrocloud_cluster_profile" "ingress" {
  name = "ingress"
  type = "add-on"

  pack {
    name          = "nginx"
    tag           = "1.11.2"
    registry_name = "Public Repo"
    values        = "controller:\n  replicaCount: 2\n"
  }
}

# App Mode: a cluster group over a seeded host cluster, and a virtual cluster
# for the payments team with a CPU/memory/storage quota and the profile attached.
data "spectrocloud_cluster" "host" {
  name    = "host-1"
  context = "tenant"
}

resource "spectrocloud_cluster_group" "dev" {
  name = "dev"

  config {
    cpu_millicore = 16000
    memory_in_mb  = 32768
    storage_in_gb = 200
  }

  clusters {
    cluster_uid = data.spectrocloud_cluster.host.id
  }
}

resource "spectrocloud_virtual_cluster" "payments" {
  name              = "payments"
  cluster_group_uid = spectrocloud_cluster_group.dev.id

  resources {
    max_cpu           = 4
    max_mem_in_mb     = 8192
    max_storage_in_gb = 20
  }

  cluster_profile {
    id = spectrocloud_cluster_profile.ingress.id
  }
}

output "payments_cluster" {
  value = spectrocloud_virtual_cluster.payments.id
}
