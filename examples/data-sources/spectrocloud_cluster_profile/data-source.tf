resource "spectrocloud_cluster_profile" "ingress" {
  name = "ingress"
  pack {
    name          = "nginx"
    tag           = "1.11.2"
    registry_name = "Public Repo"
  }
}

resource "spectrocloud_cluster_profile" "base" {
  name    = "base"
  context = "tenant"
  pack {
    name          = "cert-manager"
    tag           = "1.15.3"
    registry_name = "Public Repo"
  }
}

# The latest version of a profile in the provider's project.
data "spectrocloud_cluster_profile" "ingress" {
  name       = "ingress"
  depends_on = [spectrocloud_cluster_profile.ingress]
}

# An exact version in tenant scope.
data "spectrocloud_cluster_profile" "base" {
  name       = "base"
  version    = "1.0.0"
  context    = "tenant"
  depends_on = [spectrocloud_cluster_profile.base]
}
