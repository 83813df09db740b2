# By UID or name, optionally with the context (project or cluster).
terraform import spectrocloud_virtual_cluster.team_a 6580b0c62d8d4b4d9bb5f4e1
terraform import spectrocloud_virtual_cluster.team_a team-a:project
