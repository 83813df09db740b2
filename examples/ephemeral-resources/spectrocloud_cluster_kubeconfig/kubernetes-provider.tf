# The kubernetes and helm providers take the ephemeral values in their
# configuration (documented, not applied in tests).
provider "kubernetes" {
  host                   = ephemeral.spectrocloud_cluster_kubeconfig.team_a.host
  cluster_ca_certificate = ephemeral.spectrocloud_cluster_kubeconfig.team_a.cluster_ca_certificate
  token                  = ephemeral.spectrocloud_cluster_kubeconfig.team_a.token
}

provider "helm" {
  kubernetes {
    host                   = ephemeral.spectrocloud_cluster_kubeconfig.team_a.host
    cluster_ca_certificate = ephemeral.spectrocloud_cluster_kubeconfig.team_a.cluster_ca_certificate
    token                  = ephemeral.spectrocloud_cluster_kubeconfig.team_a.token
  }
}

# By name, with the admin kubeconfig (for example to install cluster-wide operators).
ephemeral "spectrocloud_cluster_kubeconfig" "team_a_admin" {
  cluster_name = "team-a"
  admin        = true
}
