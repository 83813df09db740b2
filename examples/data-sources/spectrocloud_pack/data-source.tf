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

# A version tag: the newest version it selects (1.29.x, LTS__22.4.x, ...).
data "spectrocloud_pack" "os" {
  name    = "ubuntu-vsphere"
  version = "LTS__22.4.x"
}

# A community pack, found with the advanced filters.
data "spectrocloud_pack" "community" {
  name = "k8sgpt-operator"

  advance_filters {
    pack_type   = ["oci"]
    addon_type  = ["system app"]
    pack_layer  = ["addon"]
    pack_source = ["community"]
  }
}
