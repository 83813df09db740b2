# Reaching the cluster from the kubernetes provider (documented, not applied in tests).
#
# Recommended (Terraform 1.10+): the ephemeral kubeconfig, opened for each run and
# never written to the state or a saved plan.
ephemeral "spectrocloud_cluster_kubeconfig" "team_a" {
  cluster_uid = spectrocloud_virtual_cluster.team_a.id
}

provider "kubernetes" {
  host                   = ephemeral.spectrocloud_cluster_kubeconfig.team_a.host
  cluster_ca_certificate = ephemeral.spectrocloud_cluster_kubeconfig.team_a.cluster_ca_certificate
  token                  = ephemeral.spectrocloud_cluster_kubeconfig.team_a.token
}

resource "kubernetes_namespace" "apps" {
  metadata {
    name = "apps"
  }
}

# Older Terraform: the resource's `kubeconfig` attribute, which is stored in the
# state (sensitive, but in clear text there), written to a file for the provider.
#
# resource "local_sensitive_file" "team_a_kubeconfig" {
#   content  = spectrocloud_virtual_cluster.team_a.kubeconfig
#   filename = "${path.module}/team-a.kubeconfig"
# }
#
# provider "kubernetes" {
#   config_path = local_sensitive_file.team_a_kubeconfig.filename
# }
