data "spectrocloud_registry" "bitnami" {
  name = "Bitnami"
}

data "spectrocloud_pack_simple" "kafka" {
  name         = "kafka"
  version      = "20.0.0"
  type         = "helm"
  registry_uid = data.spectrocloud_registry.bitnami.id
}
