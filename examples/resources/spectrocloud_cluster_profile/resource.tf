data "spectrocloud_registry" "public" {
  name = "Public Repo"
}

data "spectrocloud_pack" "nginx" {
  name         = "nginx"
  version      = "1.11.2"
  registry_uid = data.spectrocloud_registry.public.id
}

resource "spectrocloud_cluster_profile" "ingress" {
  name        = "ingress"
  description = "Ingress controller and a namespace"
  tags        = ["owner:platform"]
  type        = "add-on"

  profile_variables {
    variable {
      name          = "replicas"
      display_name  = "Replicas"
      format        = "number"
      default_value = "2"
    }
  }

  pack {
    name   = data.spectrocloud_pack.nginx.name
    tag    = data.spectrocloud_pack.nginx.version
    uid    = data.spectrocloud_pack.nginx.id
    values = "controller:\n  replicaCount: {{ .spectro.var.replicas }}\n"
  }

  # Resolved at plan time from the registry name and tag.
  pack {
    name          = "cert-manager"
    tag           = "1.15.3"
    registry_name = "Public Repo"
    values        = "installCRDs: true"
  }

  # A version tag: the newest version it selects; the tag reads back as written.
  pack {
    name          = "lb-metallb"
    tag           = "0.14.x"
    registry_name = "Public Repo"
  }

  pack {
    name = "ingress-namespace"
    type = "manifest"
    manifest {
      name    = "namespace"
      content = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ingress\n"
    }
  }
}
