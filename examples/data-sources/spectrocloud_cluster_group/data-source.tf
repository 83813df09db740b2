resource "spectrocloud_cluster_group" "shared" {
  name = "shared"

  config {
    cpu_millicore = 8000
    memory_in_mb  = 16384
    storage_in_gb = 100
  }
}

# Look a cluster group up by name (tenant context by default).
data "spectrocloud_cluster_group" "shared" {
  name       = "shared"
  depends_on = [spectrocloud_cluster_group.shared]
}

output "shared_group_uid" {
  value = data.spectrocloud_cluster_group.shared.id
}
