# A host cluster of the provider's project, with its state, health and kubeconfigs.
data "spectrocloud_cluster" "host" {
  name = "host-2"
}

output "host_health" {
  value = data.spectrocloud_cluster.host.health
}
