data "spectrocloud_registry" "public" {
  name = "Public Repo"
}

data "spectrocloud_pack_simple" "redis" {
  name         = "redis-operator"
  version      = "6.2.18-1"
  type         = "operator-instance"
  registry_uid = data.spectrocloud_registry.public.id
}

resource "spectrocloud_application_profile" "app" {
  name        = "web-app"
  description = "A cache and its configuration"
  tags        = ["team:web"]

  # Without `tag` and `registry_uid` the tier takes its pack's version and
  # registry, which are read back.
  pack {
    name            = "cache"
    type            = "operator-instance"
    source_app_tier = data.spectrocloud_pack_simple.redis.id
    properties = {
      databaseName       = "cache"
      databaseVolumeSize = "8"
    }
  }

  pack {
    name          = "config"
    type          = "manifest"
    install_order = 10
    manifest {
      name    = "settings"
      content = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: production\n"
    }
  }
}
