# Cluster Mode (a platform engineer): a cluster group over a host cluster.
data "spectrocloud_cluster" "host" {
  name    = "host-1"
  context = "tenant"
}

resource "spectrocloud_cluster_group" "sandbox" {
  name = "sandbox"

  config {
    cpu_millicore = 16000
    memory_in_mb  = 32768
    storage_in_gb = 200
  }

  clusters {
    cluster_uid = data.spectrocloud_cluster.host.id
  }
}

# App Mode (a developer): an application profile...
resource "spectrocloud_application_profile" "shop" {
  name = "shop"

  pack {
    name = "config"
    type = "manifest"
    manifest {
      name    = "settings"
      content = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: demo\n"
    }
  }
}

data "spectrocloud_application_profile" "shop" {
  name       = spectrocloud_application_profile.shop.name
  depends_on = [spectrocloud_application_profile.shop]
}

# ...deployed into a new virtual cluster made for it in the group, with limits.
resource "spectrocloud_application" "application" {
  name                    = "app-beru-whitesun-lars"
  application_profile_uid = data.spectrocloud_application_profile.shop.id

  config {
    cluster_name      = "sandbox-scorpius"
    cluster_group_uid = spectrocloud_cluster_group.sandbox.id
    limits {
      cpu     = 2
      memory  = 4096
      storage = 10
    }
  }
}
