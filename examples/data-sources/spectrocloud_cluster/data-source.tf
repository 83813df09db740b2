data "spectrocloud_cluster" "team_a" {
  name    = "team-a"
  virtual = true
}

output "team_a_health" {
  value = data.spectrocloud_cluster.team_a.health
}
