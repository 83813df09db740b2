# By UID or name, optionally with :CONTEXT and :CONTEXT:VERSION.
terraform import spectrocloud_application_profile.app web-app
terraform import spectrocloud_application_profile.app web-app:project:1.0.0
