//! `spectrocloud_pack` data source: one catalog pack by name, version,
//! registry, type and cloud, by UID, or by a raw `filters` expression.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::client::packs::{FilterString, PackSearch, PackSearchFilter};
use terraform_plugin::framework::context::{Context, ResourceError};
use terraform_plugin::framework::resource::DataSource;
use terraform_plugin::framework::schema::{Attribute, Block, NestedBlock, Nesting, Schema};
use terraform_plugin::framework::validators::{conflicts_with, one_of};
use terraform_plugin::protocol::value::{Type, Value};
use crate::provider::{call, Palette};
use crate::domain::packs::{find_pack, find_queried_pack, lookup_name, PackQuery};

#[derive(Debug, Default, Serialize, Deserialize)]
struct AdvanceFilters {
    pack_type: Option<Vec<String>>,
    addon_type: Option<Vec<String>>,
    pack_layer: Option<Vec<String>>,
    environment: Option<Vec<String>>,
    is_fips: Option<bool>,
    pack_source: Option<Vec<String>>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct PackLookup {
    id: Option<String>,
    filters: Option<String>,
    advance_filters: Vec<AdvanceFilters>,
    name: Option<String>,
    version: Option<String>,
    registry_uid: Option<String>,
    #[serde(rename = "type")]
    pack_type: Option<String>,
    cloud: Option<Vec<String>>,
    values: Option<String>,
}

pub struct PackDataSource;

fn set_of(name: &str, allowed: &[&str], what: &str) -> Attribute {
    Attribute::new(name, Type::Set(Box::new(Type::String))).optional().description(what).validator(one_of(allowed))
}

#[async_trait]
impl DataSource<Palette> for PackDataSource {
    type Model = PackLookup;

    fn type_name(&self) -> &str {
        "spectrocloud_pack"
    }

    fn schema(&self) -> Schema {
        let advance = Block::new()
            .attribute(set_of("pack_type", &["helm", "spectro", "oci", "manifest"], "Pack types."))
            .attribute(set_of(
                "addon_type",
                &["load balancer", "ingress", "logging", "monitoring", "security", "authentication", "servicemesh", "system app", "app services", "registry", "csi", "cni", "integration", ""],
                "Add-on types.",
            ))
            .attribute(set_of("pack_layer", &["kernel", "os", "k8s", "cni", "csi", "addon"], "Layers."))
            .attribute(set_of("environment", &["all", "aws", "eks", "gcp", "gke", "vsphere", "maas", "openstack", "edge-native", "aks", "azure"], "Clouds."))
            .attribute(Attribute::new("is_fips", Type::Bool).default(Value::Bool(false)).description("Only FIPS-compliant packs."))
            .attribute(set_of("pack_source", &["spectrocloud", "community"], "Pack sources."));
        let text = |name: &str, what: &str| Attribute::new(name, Type::String).optional().computed().description(what);
        Schema::new(
            0,
            Block::new()
                .description("Looks up exactly one catalog pack; an ambiguous query is an error listing the candidates.")
                .attribute(Attribute::new("filters", Type::String).optional().description("A raw `GET /v1/packs` filter, e.g. `spec.name=nginxANDspec.version=1.11.2`."))
                .attribute(text("id", "The pack's UID."))
                .attribute(text("name", "The pack's name (`alias--name` is looked up as `name`)."))
                .attribute(text("version", "The pack version, or a version tag (`1.30.x`, `LTS__22.4.x`) selecting the newest version that carries it; the latest when not set. A tag is kept as written; `id` is the selected version's."))
                .attribute(text("registry_uid", "The registry the pack comes from."))
                .attribute(text("type", "The pack type (`spectro`, `helm`, `oci`, `manifest`...)."))
                .attribute(Attribute::new("cloud", Type::Set(Box::new(Type::String))).optional().computed().description("Clouds the pack must support."))
                .attribute(Attribute::new("values", Type::String).computed().description("The pack's default values."))
                .block(NestedBlock::new("advance_filters", Nesting::List, advance).max_items(1))
                .validator(conflicts_with("filters", "id"))
                .validator(conflicts_with("filters", "name"))
                .validator(conflicts_with("filters", "version"))
                .validator(conflicts_with("filters", "registry_uid"))
                .validator(conflicts_with("filters", "cloud"))
                .validator(conflicts_with("id", "name"))
                .validator(conflicts_with("advance_filters", "id"))
                .validator(conflicts_with("advance_filters", "filters")),
        )
    }

    async fn read(&self, ctx: &Context<Palette>, mut lookup: PackLookup) -> Result<PackLookup, ResourceError> {
        let client = &ctx.data().client;
        let call = call(ctx);
        let scope = ctx.data().project_scope();
        let name = lookup.name.clone().unwrap_or_default();
        let clouds = lookup.cloud.clone().unwrap_or_default();
        let mut registry_uid = lookup.registry_uid.clone();
        if let Some(advanced) = lookup.advance_filters.first() {
            let search = PackSearch {
                filter: PackSearchFilter {
                    name: Some(FilterString::eq(lookup_name(&name))),
                    pack_type: advanced.pack_type.clone().unwrap_or_default(),
                    layer: advanced.pack_layer.clone().unwrap_or_default(),
                    environment: advanced.environment.clone().unwrap_or_default(),
                    add_on_type: advanced.addon_type.clone().unwrap_or_default(),
                    registry_uid: registry_uid.iter().cloned().collect(),
                    // As the SDK (`omitempty`): only `true` narrows the search.
                    is_fips: advanced.is_fips.filter(|fips| *fips),
                    source: advanced.pack_source.clone().unwrap_or_default(),
                    ..PackSearchFilter::default()
                },
                sort: Vec::new(),
            };
            let found = client.search_packs(&call, &scope, &search).await?;
            let registries: Vec<_> = found.iter().flat_map(|p| p.spec.registries.iter().map(move |r| (p, r))).collect();
            match registries.as_slice() {
                [(_, registry)] => registry_uid = Some(registry.uid.clone()),
                [] => return Err(ResourceError::new("Pack not found", format!("No pack named {name:?} matches the advance_filters."))),
                many => {
                    let list: Vec<String> = many.iter().map(|(p, r)| format!("{} ({}) in {}", p.spec.name, p.spec.pack_type, r.name)).collect();
                    return Err(ResourceError::new("Several packs match", format!("The advance_filters match {}; narrow them.", list.join(", "))));
                }
            }
        }
        let query = PackQuery {
            name: &name,
            version: lookup.version.as_deref(),
            registry_uid: registry_uid.as_deref(),
            pack_type: lookup.pack_type.as_deref(),
            clouds: &clouds,
        };
        let found = match (&lookup.filters, &lookup.id) {
            (Some(filters), _) => find_pack(client, &call, &scope, filters, &query).await,
            (None, Some(id)) => find_pack(client, &call, &scope, &format!("metadata.uid={id}"), &query).await,
            (None, None) => find_queried_pack(client, &call, &scope, &query).await,
        };
        let pack = found.map_err(|e| ResourceError::from(e.diagnostic("Pack lookup did not find exactly one pack", "Cannot list packs")))?;
        lookup.id = Some(pack.metadata.uid);
        lookup.name = Some(pack.spec.name);
        lookup.version = Some(pack.spec.version);
        lookup.registry_uid = Some(pack.spec.registry_uid);
        lookup.pack_type = Some(pack.spec.pack_type);
        lookup.cloud = Some(pack.spec.cloud_types);
        lookup.values = Some(pack.spec.values);
        Ok(lookup)
    }
}
