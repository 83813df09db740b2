data "spectrocloud_cluster" "host" {
  name    = "host-1"
  context = "tenant"
}

resource "spectrocloud_cluster_group" "dev" {
  name = "cg-dev"

  config {
    cpu_millicore = 8000
    memory_in_mb  = 16384
  }

  clusters {
    cluster_uid = data.spectrocloud_cluster.host.id
  }
}

resource "spectrocloud_virtual_cluster" "team_a" {
  name              = "team-a"
  cluster_group_uid = spectrocloud_cluster_group.dev.id

  resources {
    max_cpu       = 2
    max_mem_in_mb = 4096
  }
}

# Opened for each Terraform run (1.10+), never stored in the state or a saved plan.
ephemeral "spectrocloud_cluster_kubeconfig" "team_a" {
  cluster_uid = spectrocloud_virtual_cluster.team_a.id
}
