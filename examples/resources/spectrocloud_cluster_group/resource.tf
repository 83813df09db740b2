resource "spectrocloud_cluster_group" "dev" {
  name        = "cg-dev"
  context     = "tenant"
  description = "Shared host clusters for development teams"
  tags        = ["env:dev"]

  config {
    host_endpoint_type       = "Ingress"
    cpu_millicore            = 24000
    memory_in_mb             = 65536
    storage_in_gb            = 500
    oversubscription_percent = 120
    k8s_distribution         = "vcluster-generic"
  }

  clusters {
    cluster_uid = var.host_cluster_uid
    host_dns    = "*.dev.example.com"
  }
}
