//! `spectrocloud_cluster_kubeconfig`: a cluster's kubeconfig, and the pieces
//! of it the kubernetes and helm providers take (`host`, `cluster_ca_certificate`,
//! `token` or a client certificate), opened for one Terraform run only.
//!
//! The download is not a lease: there is nothing to renew or to close.

use async_trait::async_trait;
use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_yaml_ng::Value as Yaml;

use terraform_plugin::framework::context::{Context, ResourceError};
use terraform_plugin::framework::private::PrivateState;
use terraform_plugin::framework::resource::{EphemeralResource, Opened};
use terraform_plugin::framework::schema::{Attribute, Block, Schema};
use terraform_plugin::framework::validators::{exactly_one_of, not_empty, one_of};
use terraform_plugin::protocol::value::{Type, Value};
use crate::provider::{call, Palette};

pub const TYPE_NAME: &str = "spectrocloud_cluster_kubeconfig";

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct KubeconfigModel {
    cluster_uid: Option<String>,
    cluster_name: Option<String>,
    context: Option<String>,
    admin: Option<bool>,
    kubeconfig: Option<String>,
    host: Option<String>,
    cluster_ca_certificate: Option<String>,
    token: Option<String>,
    client_certificate: Option<String>,
    client_key: Option<String>,
}

/// What the kubernetes and helm providers take, from a kubeconfig's current context.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Credentials {
    host: String,
    cluster_ca_certificate: String,
    token: String,
    client_certificate: String,
    client_key: String,
}

/// The entry named `name` of the kubeconfig list `list` (e.g. `clusters`), else the first.
fn named<'a>(config: &'a Yaml, list: &str, name: Option<&str>) -> Option<&'a Yaml> {
    let entries = config.get(list)?.as_sequence()?;
    let by_name = name.and_then(|name| entries.iter().find(|entry| entry.get("name").and_then(Yaml::as_str) == Some(name)));
    by_name.or_else(|| entries.first())
}

/// A `*-data` member: base64 of a PEM text.
fn decoded(member: Option<&Yaml>) -> String {
    let text = member.and_then(Yaml::as_str).unwrap_or_default();
    base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .unwrap_or_default()
}

/// Reads the current context's server, CA and user credentials (the first
/// cluster and user when there is no current context).
fn credentials(kubeconfig: &str) -> Result<Credentials, String> {
    let config: Yaml = serde_yaml_ng::from_str(kubeconfig).map_err(|_| "the kubeconfig is not valid YAML".to_string())?;
    let current = config.get("current-context").and_then(Yaml::as_str);
    let context = named(&config, "contexts", current).and_then(|c| c.get("context"));
    let context_member = |key: &str| context.and_then(|c| c.get(key)).and_then(Yaml::as_str);
    let cluster = named(&config, "clusters", context_member("cluster")).and_then(|c| c.get("cluster")).ok_or("the kubeconfig names no cluster")?;
    let user = named(&config, "users", context_member("user")).and_then(|u| u.get("user"));
    let text = |member: Option<&Yaml>| member.and_then(Yaml::as_str).unwrap_or_default().to_string();
    Ok(Credentials {
        host: text(cluster.get("server")),
        cluster_ca_certificate: decoded(cluster.get("certificate-authority-data")),
        token: text(user.and_then(|u| u.get("token"))),
        client_certificate: decoded(user.and_then(|u| u.get("client-certificate-data"))),
        client_key: decoded(user.and_then(|u| u.get("client-key-data"))),
    })
}

pub struct ClusterKubeconfigEphemeralResource;

impl ClusterKubeconfigEphemeralResource {
    /// The UID of the cluster named `name`: a virtual cluster, else another kind.
    async fn resolve(&self, ctx: &Context<Palette>, scope: &crate::client::Scope, name: &str) -> Result<String, ResourceError> {
        let client = &ctx.data().client;
        for virtual_clusters in [true, false] {
            let found = client.find_clusters_by_name(&call(ctx), scope, name, virtual_clusters).await?;
            match found.as_slice() {
                [] => continue,
                [one] => return Ok(one.metadata.uid.clone()),
                many => {
                    return Err(ResourceError::new(
                        format!("Cluster {name:?} is ambiguous"),
                        format!("{} clusters have this name; set cluster_uid instead.", many.len()),
                    ))
                }
            }
        }
        Err(ResourceError::new(format!("Cluster {name:?} not found"), "No cluster has this name in the chosen context."))
    }
}

#[async_trait]
impl EphemeralResource<Palette> for ClusterKubeconfigEphemeralResource {
    type Model = KubeconfigModel;

    fn type_name(&self) -> &str {
        TYPE_NAME
    }

    fn schema(&self) -> Schema {
        let secret = |name: &str, text: &str| Attribute::new(name, Type::String).computed().sensitive().description(text);
        Schema::new(
            0,
            Block::new()
                .description(
                    "A cluster's kubeconfig for one Terraform run (Terraform 1.10+): it is fetched when Terraform needs it and never written to the state or a saved plan. \
                     Feed `host`, `cluster_ca_certificate` and `token` (or `client_certificate` and `client_key`) to the kubernetes or helm provider.",
                )
                .attribute(
                    Attribute::new("cluster_uid", Type::String)
                        .optional()
                        .computed()
                        .description("The cluster's UID (exactly one of this and `cluster_name`); with `cluster_name`, the UID found.")
                        .validator(not_empty()),
                )
                .attribute(
                    Attribute::new("cluster_name", Type::String)
                        .optional()
                        .description("The cluster's name: a virtual cluster, else a host cluster, of that name.")
                        .validator(not_empty()),
                )
                .attribute(
                    Attribute::new("context", Type::String)
                        .default(Value::string("project"))
                        .description("Where the cluster lives: `project` (the provider's project) or `tenant`.")
                        .validator(one_of(&["project", "tenant"])),
                )
                .attribute(
                    Attribute::new("admin", Type::Bool)
                        .default(Value::Bool(false))
                        .description("The admin kubeconfig (`true`) instead of the client kubeconfig."),
                )
                .attribute(secret("kubeconfig", "The kubeconfig (YAML)."))
                .attribute(Attribute::new("host", Type::String).computed().description("The API server URL of the kubeconfig's current context."))
                .attribute(
                    Attribute::new("cluster_ca_certificate", Type::String)
                        .computed()
                        .description("The cluster's CA certificate (PEM), as the kubernetes provider's `cluster_ca_certificate` takes it."),
                )
                .attribute(secret("token", "The bearer token of the current context's user (empty when it uses a client certificate)."))
                .attribute(secret("client_certificate", "The client certificate (PEM) of the current context's user, if it has one."))
                .attribute(secret("client_key", "The client key (PEM) of the current context's user, if it has one."))
                .validator(exactly_one_of(&["cluster_uid", "cluster_name"])),
        )
    }

    async fn open(&self, ctx: &Context<Palette>, mut model: KubeconfigModel, _private: &mut PrivateState) -> Result<Opened<KubeconfigModel>, ResourceError> {
        let context = model.context.clone().unwrap_or_else(|| "project".to_string());
        let scope = ctx.data().scope(&context);
        let uid = match (&model.cluster_uid, &model.cluster_name) {
            (Some(uid), _) => uid.clone(),
            (None, Some(name)) => self.resolve(ctx, &scope, name).await?,
            (None, None) => return Err(ResourceError::new("No cluster given", "Set cluster_uid or cluster_name.")),
        };
        let client = &ctx.data().client;
        let admin = model.admin.unwrap_or(false);
        let downloaded = if admin {
            client.get_cluster_admin_kubeconfig(&call(ctx), &scope, &uid).await?
        } else {
            client.get_cluster_kubeconfig(&call(ctx), &scope, &uid).await?
        };
        let Some(kubeconfig) = downloaded else {
            let state = match client.get_cluster(&call(ctx), &scope, &uid).await? {
                Some(cluster) => format!("it is in state {}", if cluster.state().is_empty() { "Pending" } else { cluster.state() }),
                None => format!("no cluster has this UID in {context} scope"),
            };
            return Err(ResourceError::new(format!("The kubeconfig of cluster {uid} is not available"), format!("Palette has no {} kubeconfig for it: {state}.", if admin { "admin" } else { "client" })));
        };
        let credentials = credentials(&kubeconfig).map_err(|problem| ResourceError::new(format!("Cannot read the kubeconfig of cluster {uid}"), problem))?;
        model.cluster_uid = Some(uid);
        model.kubeconfig = Some(kubeconfig);
        model.host = Some(credentials.host);
        model.cluster_ca_certificate = Some(credentials.cluster_ca_certificate);
        model.token = Some(credentials.token);
        model.client_certificate = Some(credentials.client_certificate);
        model.client_key = Some(credentials.client_key);
        Ok(Opened { result: model, renew_at: None })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encoded(text: &str) -> String {
        base64::engine::general_purpose::STANDARD.encode(text)
    }

    #[test]
    fn credentials_come_from_the_current_context() {
        let ca = "-----BEGIN CERTIFICATE-----\nabc\n-----END CERTIFICATE-----\n";
        let kubeconfig = format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: other\n  cluster:\n    server: https://other:443\n- name: vc\n  cluster:\n    certificate-authority-data: {}\n    server: https://vc.example.com:443\n\
             contexts:\n- name: admin@vc\n  context:\n    cluster: vc\n    user: admin\ncurrent-context: admin@vc\nusers:\n- name: admin\n  user:\n    token: s3cret\n",
            encoded(ca)
        );
        let found = credentials(&kubeconfig).unwrap();
        assert_eq!(found.host, "https://vc.example.com:443");
        assert_eq!(found.cluster_ca_certificate, ca);
        assert_eq!(found.token, "s3cret");
        assert_eq!(found.client_certificate, "");
    }

    #[test]
    fn client_certificates_and_missing_contexts() {
        let kubeconfig = format!(
            "clusters:\n- name: c\n  cluster:\n    server: https://c\nusers:\n- name: u\n  user:\n    client-certificate-data: {}\n    client-key-data: {}\n",
            encoded("CERT"),
            encoded("KEY")
        );
        let found = credentials(&kubeconfig).unwrap();
        assert_eq!((found.host.as_str(), found.client_certificate.as_str(), found.client_key.as_str()), ("https://c", "CERT", "KEY"));
        assert!(credentials("users: []").is_err());
        assert!(credentials(": not yaml :").is_err());
    }
}
