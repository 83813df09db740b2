# By UID or name (project context first, then tenant), or NAME_OR_UID:CONTEXT[:VERSION].
terraform import spectrocloud_application_profile.app 26a5dc69cb7c73d5b073140f
terraform import spectrocloud_application_profile.app web-app
terraform import spectrocloud_application_profile.app web-app:tenant
terraform import spectrocloud_application_profile.app web-app:project:1.0.0
