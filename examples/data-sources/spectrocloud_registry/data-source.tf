data "spectrocloud_registry" "public" {
  name = "Public Repo"
}

data "spectrocloud_registry" "bitnami" {
  name = "Bitnami"
  type = "helm"
}
