data "spectrocloud_registry" "public" {
  name = "Public Repo"
}

# The latest kubernetes in the Public Repo.
data "spectrocloud_pack" "k8s" {
  name         = "kubernetes"
  registry_uid = data.spectrocloud_registry.public.id
}

# An exact version, for one cloud.
data "spectrocloud_pack" "csi" {
  name    = "csi-aws-ebs"
  version = "1.33.0"
  cloud   = ["aws"]
}
