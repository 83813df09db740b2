data "spectrocloud_application_profile" "app" {
  name    = "web-app"
  version = "1.0.0"
}
