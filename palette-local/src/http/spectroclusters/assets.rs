//! Kubeconfig downloads (§9.6): `kubeconfigclient` (a user token), `adminKubeconfig`
//! and the deprecated `kubeconfig` (both with the admin token). Each is a kubeconfig
//! YAML for the cluster's endpoint with its CA, served as `application/octet-stream`
//! with a `Content-Disposition` attachment name. Until the cluster runs (and for host
//! clusters, whose credentials palette-local does not hold) the answer is 404
//! `ResourceNotFound`. The tokens are secrets: they appear only in these bodies.

use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;

use crate::domain::cluster::{load, Cluster, VirtualCluster};
use crate::error::{ApiError, ApiResult};
use crate::extract::{PathParams, QueryParams};
use crate::lifecycle::State as ClusterState;
use crate::scope::Scope;
use crate::state::SharedState;

pub fn routes() -> Router<SharedState> {
    Router::new()
        .route("/v1/spectroclusters/{uid}/assets/kubeconfigclient", get(client_kubeconfig))
        .route("/v1/spectroclusters/{uid}/assets/adminKubeconfig", get(admin_kubeconfig))
        .route("/v1/spectroclusters/{uid}/assets/kubeconfig", get(kubeconfig))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Identity {
    Client,
    Admin,
}

/// The kubeconfig YAML of `cluster` for `identity`.
fn render(cluster: &VirtualCluster, identity: Identity) -> String {
    let name = &cluster.metadata.name;
    let access = &cluster.access;
    let (user, token) = match identity {
        Identity::Client => (format!("{name}-user"), &access.client_token),
        Identity::Admin => (format!("{name}-admin"), &access.admin_token),
    };
    format!(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: {name}\n  cluster:\n    certificate-authority-data: {ca}\n    server: https://{host}:{port}\n\
         contexts:\n- name: {user}@{name}\n  context:\n    cluster: {name}\n    namespace: default\n    user: {user}\n\
         current-context: {user}@{name}\npreferences: {{}}\nusers:\n- name: {user}\n  user:\n    token: {token}\n",
        ca = access.ca_data,
        host = access.endpoint.host,
        port = access.endpoint.port,
    )
}

fn file_name(cluster: &VirtualCluster, identity: Identity) -> String {
    match identity {
        Identity::Client => format!("{}.kubeconfig", cluster.metadata.name),
        Identity::Admin => format!("admin.{}.kubeconfig", cluster.metadata.name),
    }
}

async fn download(app: SharedState, scope: Scope, uid: String, identity: Identity) -> ApiResult<Response> {
    let now = app.now();
    let (body, file) = app.store.run(move |tx| {
        let unavailable = || ApiError::not_found("kubeconfig of cluster", &uid);
        let Cluster::Virtual(cluster) = load(tx, &uid, &scope, now)?.value else { return Err(unavailable()) };
        if !matches!(cluster.state(now), ClusterState::Running | ClusterState::Deleting) {
            return Err(unavailable());
        }
        Ok((render(&cluster, identity), file_name(&cluster, identity)))
    })
    .await?;
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/octet-stream"));
    let disposition = HeaderValue::from_str(&format!("attachment; filename={file}"))
        .map_err(|_| ApiError::internal("cluster name is not a valid header value"))?;
    headers.insert(header::CONTENT_DISPOSITION, disposition);
    Ok(response)
}

async fn client_kubeconfig(State(app): State<SharedState>, scope: Scope, PathParams(uid): PathParams<String>) -> ApiResult<Response> {
    download(app, scope, uid, Identity::Client).await
}

async fn admin_kubeconfig(State(app): State<SharedState>, scope: Scope, PathParams(uid): PathParams<String>) -> ApiResult<Response> {
    download(app, scope, uid, Identity::Admin).await
}

#[derive(Debug, Default, Deserialize)]
struct FrpQuery {
    #[serde(rename = "frp")]
    _frp: Option<bool>,
}

/// The deprecated download; `frp` (reverse proxy) is accepted, and there is no proxy
/// here, so both forms give the admin kubeconfig.
async fn kubeconfig(
    State(app): State<SharedState>,
    scope: Scope,
    PathParams(uid): PathParams<String>,
    QueryParams(_frp): QueryParams<FrpQuery>,
) -> ApiResult<Response> {
    download(app, scope, uid, Identity::Admin).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::LifecycleTimings;
    use crate::lifecycle::Lifecycle;
    use crate::model::{MetaInput, ObjectMeta};
    use crate::domain::cluster::{Access, ApiEndpoint, VirtualClusterSpec};

    #[test]
    fn kubeconfigs_are_yaml_with_the_endpoint_and_distinct_tokens() {
        let access = Access::generate("vc-1", ApiEndpoint { host: "vc-1-abcdef.dev.example.com".into(), port: 443 }).unwrap();
        let spec: VirtualClusterSpec = serde_json::from_value(serde_json::json!({
            "cloudType": "nested", "cloudConfigUid": "c", "placement": {"clusterGroup": null, "hostCluster": {"uid": "h", "name": "h"}, "endpointType": "Ingress"},
            "cloudConfig": {}, "quota": {}, "timezone": "", "updateWorkerPoolsInParallel": false, "osPatch": {}, "location": {},
            "namespaces": [], "rbacs": [], "profiles": [], "applyAction": "DownloadAndInstall", "backup": null, "scan": null
        }))
        .unwrap();
        let cluster = VirtualCluster {
            metadata: ObjectMeta::create("u".into(), "vc-1".into(), MetaInput::default(), &Scope::Tenant, "t"),
            spec,
            lifecycle: Lifecycle::start(
                0,
                &LifecycleTimings::default(),
            ),
            access: access.clone(),
        };
        let client = render(&cluster, Identity::Client);
        let admin = render(&cluster, Identity::Admin);
        let parsed: serde_yaml_ng::Value = serde_yaml_ng::from_str(&client).unwrap();
        assert_eq!(parsed["clusters"][0]["cluster"]["server"], "https://vc-1-abcdef.dev.example.com:443");
        assert_eq!(parsed["users"][0]["user"]["token"].as_str(), Some(access.client_token.as_str()));
        assert_eq!(parsed["current-context"], "vc-1-user@vc-1");
        assert!(admin.contains(&access.admin_token) && !admin.contains(&access.client_token));
        assert_eq!(file_name(&cluster, Identity::Admin), "admin.vc-1.kubeconfig");
    }
}
