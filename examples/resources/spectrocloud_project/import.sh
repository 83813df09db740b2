# A project can be imported by its UID or by its name.
terraform import spectrocloud_project.team_a 5eea74e9c6b2a9d1e7c0a1b2
terraform import spectrocloud_project.team_a team-a
