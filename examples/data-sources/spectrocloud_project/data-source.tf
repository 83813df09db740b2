data "spectrocloud_project" "default" {
  name = "Default"
}

output "default_project_uid" {
  value = data.spectrocloud_project.default.id
}
