# App Mode (a developer): an application profile of two tiers, deployed with
# spectrocloud_application into a new virtual cluster of the platform team's
# cluster group, within CPU, memory and storage limits.
resource "spectrocloud_application_profile" "storefront" {
  name        = "storefront"
  description = "Storefront: configuration, then the web tier"
  tags        = ["team:payments"]

  pack {
    name = "settings"
    type = "manifest"
    manifest {
      name    = "settings"
      content = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: storefront-settings\ndata:\n  currency: EUR\n"
    }
  }

  pack {
    name          = "web"
    type          = "manifest"
    install_order = 10
    manifest {
      name    = "web"
      content = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: storefront\nspec:\n  replicas: 2\n"
    }
  }
}

resource "spectrocloud_application" "storefront" {
  name                    = "storefront"
  application_profile_uid = spectrocloud_application_profile.storefront.id
  tags                    = ["team:payments"]

  config {
    cluster_name      = "storefront-dev"
    cluster_group_uid = spectrocloud_cluster_group.dev.id
    limits {
      cpu     = 2
      memory  = 4096
      storage = 10
    }
  }
}

output "storefront_deployment" {
  value = spectrocloud_application.storefront.id
}

output "storefront_cluster" {
  value = spectrocloud_application.storefront.config[0].cluster_uid
}
