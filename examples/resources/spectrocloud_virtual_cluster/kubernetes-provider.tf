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
