# A host cluster that virtual clusters can run on.
data "spectrocloud_cluster" "host" {
  name    = "host-1"
  context = "tenant"
}

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
    cluster_uid = data.spectrocloud_cluster.host.id
    host_dns    = "*.dev.example.com"
  }
}
