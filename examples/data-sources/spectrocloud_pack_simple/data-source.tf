data "spectrocloud_registry" "bitnami" {
  name = "Bitnami"
}

data "spectrocloud_pack_simple" "kafka" {
  name         = "kafka"
  version      = "20.0.0"
  type         = "helm"
  registry_uid = data.spectrocloud_registry.bitnami.id
}

data "spectrocloud_registry" "public" {
  name = "Public Repo"
}

# A version tag selects the newest version that carries it.
data "spectrocloud_pack_simple" "redis" {
  name         = "redis-operator"
  version      = "6.2.x"
  type         = "operator-instance"
  registry_uid = data.spectrocloud_registry.public.id
}
