//! Every resource, data source and ephemeral resource the provider serves.

use crate::data_sources;
use crate::ephemeral_resources;
use terraform_plugin::framework::Framework;
use crate::provider::{Palette, PaletteProvider};
use crate::resources;

/// The provider with all its resources and data sources registered.
pub fn framework() -> Framework<Palette> {
    Framework::new(PaletteProvider)
        .resource(resources::project::ProjectResource)
        .resource(resources::cluster_profile::ClusterProfileResource)
        .resource(resources::application_profile::ApplicationProfileResource)
        .resource(resources::cluster_group::ClusterGroupResource)
        .resource(resources::virtual_cluster::VirtualClusterResource)
        .resource(resources::application::ApplicationResource)
        .data_source(data_sources::project::ProjectDataSource)
        .data_source(data_sources::pack::PackDataSource)
        .data_source(data_sources::registry::RegistryDataSource)
        .data_source(data_sources::pack_simple::PackSimpleDataSource)
        .data_source(data_sources::cluster_profile::ClusterProfileDataSource)
        .data_source(data_sources::application_profile::ApplicationProfileDataSource)
        .data_source(data_sources::cluster::ClusterDataSource)
        .data_source(data_sources::cluster_group::ClusterGroupDataSource)
        .ephemeral_resource(ephemeral_resources::cluster_kubeconfig::ClusterKubeconfigEphemeralResource)
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_schema_is_valid() {
        let problems = super::framework().schema_problems();
        assert!(problems.is_empty(), "{problems:#?}");
    }
}
