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

# The kubeconfig feeds the kubernetes provider (documented, not applied in tests).
provider "kubernetes" {
  config_path = local_sensitive_file.team_a_kubeconfig.filename
}

resource "local_sensitive_file" "team_a_kubeconfig" {
  content  = spectrocloud_virtual_cluster.team_a.kubeconfig
  filename = "${path.module}/team-a.kubeconfig"
}

resource "kubernetes_namespace" "apps" {
  metadata {
    name = "apps"
  }
}
