# By UID or name (project context first, then tenant), or NAME_OR_UID:CONTEXT[:VERSION].
terraform import spectrocloud_cluster_profile.ingress 5eea74e9c6b2a9d1e7c0a1b2
terraform import spectrocloud_cluster_profile.ingress ingress
terraform import spectrocloud_cluster_profile.ingress ingress:project
terraform import spectrocloud_cluster_profile.ingress ingress:project:1.0.0
