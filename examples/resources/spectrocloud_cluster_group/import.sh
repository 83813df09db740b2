# By UID or name, optionally with the context (tenant or project).
terraform import spectrocloud_cluster_group.dev 5fd0ca727c411c71b55a359c
terraform import spectrocloud_cluster_group.dev cg-dev:tenant
