resource "spectrocloud_project" "team_a" {
  name        = "team-a"
  description = "Platform team A"
  tags        = ["owner:team-a", "cost-center:cc:1234", "production"]
}
