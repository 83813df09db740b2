# By UID or by name, in the project or the tenant (found automatically);
# `:project` or `:tenant` after the ID looks in that scope only.
terraform import spectrocloud_application.application 6580b0c62d8d4b4d9bb5f4e1
terraform import spectrocloud_application.application app-beru-whitesun-lars
