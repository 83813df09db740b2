resource "spectrocloud_application_profile" "web" {
  name = "web-app"
  pack {
    name = "config"
    type = "manifest"
    manifest {
      name    = "settings"
      content = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n"
    }
  }
}

data "spectrocloud_application_profile" "app" {
  name       = "web-app"
  version    = "1.0.0"
  depends_on = [spectrocloud_application_profile.web]
}
