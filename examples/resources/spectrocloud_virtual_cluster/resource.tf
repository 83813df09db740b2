data "spectrocloud_cluster" "host" {
  name    = "host-1"
  context = "tenant"
}

resource "spectrocloud_cluster_group" "dev" {
  name = "cg-dev"

  config {
    cpu_millicore = 16000
    memory_in_mb  = 32768
    storage_in_gb = 200
  }

  clusters {
    cluster_uid = data.spectrocloud_cluster.host.id
  }
}

resource "spectrocloud_virtual_cluster" "team_a" {
  name              = "team-a"
  cluster_group_uid = spectrocloud_cluster_group.dev.id
  pause_cluster     = false

  resources {
    max_cpu           = 4
    max_mem_in_mb     = 8192
    max_storage_in_gb = 20
  }

  namespaces {
    name = "apps"
    resource_allocation = {
      cpu_cores  = "2"
      memory_MiB = "4096"
    }
  }

  timeouts {
    create = "30m"
    delete = "30m"
  }
}
