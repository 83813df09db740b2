# The latest version of a profile in the provider's project.
data "spectrocloud_cluster_profile" "ingress" {
  name = "ingress"
}

# An exact version in tenant scope.
data "spectrocloud_cluster_profile" "base" {
  name    = "base"
  version = "1.0.0"
  context = "tenant"
}
