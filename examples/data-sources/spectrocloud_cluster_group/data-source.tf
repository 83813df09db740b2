data "spectrocloud_cluster_group" "beehive" {
  name    = "beehive"
  context = "system"
}
