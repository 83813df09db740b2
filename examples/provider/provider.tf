terraform {
  required_providers {
    spectrocloud = {
      source = "spectrocloud/spectrocloud"
    }
  }
}

# Credentials usually come from the environment:
#   SPECTROCLOUD_HOST   (a host name such as api.spectrocloud.com, or a URL such as http://127.0.0.1:8080)
#   SPECTROCLOUD_APIKEY
#   SPECTROCLOUD_PROJECT (optional, defaults to "Default")
#   SPECTROCLOUD_RATE_LIMIT (optional: requests per second per API prefix,
#     defaults to Palette's published 10; 0 turns the client-side limit off)
provider "spectrocloud" {
  project_name = "Default"
}
