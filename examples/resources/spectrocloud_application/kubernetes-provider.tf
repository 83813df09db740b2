# Reaching the application's cluster from the kubernetes provider (documented, not
# applied in tests).
#
# Recommended (Terraform 1.10+): the ephemeral kubeconfig, opened for each run and
# never written to the state or a saved plan.
ephemeral "spectrocloud_cluster_kubeconfig" "app" {
  cluster_uid = spectrocloud_application.application.config[0].cluster_uid
}

provider "kubernetes" {
  host                   = ephemeral.spectrocloud_cluster_kubeconfig.app.host
  cluster_ca_certificate = ephemeral.spectrocloud_cluster_kubeconfig.app.cluster_ca_certificate
  token                  = ephemeral.spectrocloud_cluster_kubeconfig.app.token
}

# Older Terraform: the data source's kubeconfig, which is stored in the state
# (sensitive, but in clear text there) and written to a file for the provider.
#
# data "spectrocloud_cluster" "app" {
#   name    = spectrocloud_application.application.config[0].cluster_name
#   virtual = true
# }
#
# resource "local_sensitive_file" "kubeconfig" {
#   content  = data.spectrocloud_cluster.app.kube_config
#   filename = "${path.module}/app.kubeconfig"
# }
#
# provider "kubernetes" {
#   config_path = local_sensitive_file.kubeconfig.filename
# }
