use serde_json::json;

use super::model::*;
use super::schema::DEFAULT_APPLY_SETTING;
use super::*;
use crate::client::clusters::{
    ClusterNamespace, ClusterRbac, HelmChart, HelmRelease, LifecycleConfig, SpectroCluster, VirtualCloudConfig, VirtualClusterConfig,
};

fn text(value: &str) -> Option<String> {
    Some(value.to_string())
}

/// A cluster as its read reports it: every optional value present, unset ones zero.
fn model() -> ClusterModel {
    ClusterModel {
        id: Some("c1".into()),
        name: "vc".into(),
        context: Some("project".into()),
        tags: Some(BTreeSet::new()),
        description: Some(String::new()),
        cluster_group_uid: Some("g1".into()),
        pause_cluster: Some(false),
        resources: Some(vec![ResourcesBlock {
            max_cpu: Some(4),
            max_mem_in_mb: Some(4096),
            max_storage_in_gb: Some(10),
            min_cpu: Some(0),
            min_mem_in_mb: Some(0),
            min_storage_in_gb: Some(0),
        }]),
        pause_agent_upgrades: Some("unlock".into()),
        apply_setting: Some(DEFAULT_APPLY_SETTING.into()),
        update_worker_pools_in_parallel: Some(false),
        cluster_timezone: Some("Europe/Paris".into()),
        cloud_config_id: Some("cc1".into()),
        os_patch_on_boot: Some(true),
        os_patch_schedule: Some("0 3 * * *".into()),
        os_patch_after: Some("2001-01-01T00:00:00Z".into()),
        cloud_config: Some(vec![CloudConfigBlock {
            chart_name: text("vcluster"),
            chart_repo: text(""),
            chart_version: text(""),
            chart_values: text(""),
            k8s_version: text("1.30"),
        }]),
        namespaces: Some(vec![NamespaceBlock {
            name: "team".into(),
            resource_allocation: [(CPU_KEY.to_string(), "0.5".to_string()), (MEMORY_KEY.to_string(), "1024".to_string())].into(),
        }]),
        cluster_rbac_binding: Some(vec![RbacBlock {
            binding_type: "ClusterRoleBinding".into(),
            namespace: text(""),
            role: Some([("kind".to_string(), "ClusterRole".to_string()), ("name".to_string(), "admin".to_string())].into()),
            subjects: Some(vec![SubjectBlock { subject_type: "User".into(), name: "ann".into(), namespace: text("") }]),
        }]),
        location_config: Some(vec![]),
        skip_completion: Some(false),
        force_delete: Some(false),
        force_delete_delay: Some(20),
        ..ClusterModel::default()
    }
}

#[test]
fn schema_is_valid_and_version_3_with_a_version_2_upgrade() {
    let schema = VirtualClusterResource.schema();
    assert_eq!(schema.version, 3);
    assert!(schema.resource_problems().is_empty(), "{:?}", schema.resource_problems());
    let upgraders = VirtualClusterResource.state_upgraders();
    let [upgrader] = &upgraders[..] else { panic!("one upgrader expected") };
    assert_eq!(upgrader.version, 2);
    let Type::Object(old) = &upgrader.prior_type else { panic!("no v2 type") };
    assert!(matches!(old.get("cluster_profile"), Some(Type::List(_))));
    assert!(!old.contains_key("cluster_timezone"));
    let upgraded = (upgrader.upgrade)(Value::Object(Default::default())).unwrap();
    assert_eq!(upgraded.get("update_worker_pools_in_parallel"), &Value::Bool(false));
    assert_eq!(upgraded.get("cluster_timezone"), &Value::string(""));
}

#[test]
fn the_create_body_carries_every_setting_the_api_accepts() {
    let body = serde_json::to_value(model().entity()).unwrap();
    let config = &body["spec"]["clusterConfig"];
    assert_eq!(config["hostClusterConfig"], json!({"clusterGroup": {"uid": "g1"}, "hostCluster": {}}));
    assert_eq!(config["timezone"], "Europe/Paris");
    assert_eq!(config["lifecycleConfig"], json!({"pause": false}));
    assert_eq!(config["machineManagementConfig"]["osPatchConfig"]["onDemandPatchAfter"], "2001-01-01T00:00:00Z");
    assert_eq!(config["resources"]["namespaces"][0]["spec"]["resourceAllocation"]["cpuCores"], 0.5);
    assert_eq!(config["resources"]["rbacs"][0]["spec"]["bindings"][0]["role"], json!({"kind": "ClusterRole", "name": "admin"}));
    assert_eq!(body["spec"]["machinepoolconfig"][0]["cloudConfig"]["instanceType"]["maxMemInMiB"], 4096);
    assert_eq!(body["spec"]["cloudConfig"]["helmRelease"]["chart"]["name"], "vcluster");
    assert!(body["spec"].get("policies").is_none());
}

#[test]
fn what_the_api_reports_reads_back_as_the_configuration() {
    let model = model();
    let entity = serde_json::to_value(model.entity()).unwrap();
    let cluster: SpectroCluster = serde_json::from_value(json!({
        "metadata": {"uid": "c1", "name": "vc", "annotations": {"description": "", "scope": "project"}},
        "spec": {"cloudConfigRef": {"uid": "cc1"},
                 "clusterConfig": {"hostClusterConfig": {"clusterGroup": {"uid": "g1"}, "hostCluster": {"uid": "h-picked"}},
                                   "lifecycleConfig": {"pause": false}, "timezone": "Europe/Paris",
                                   "machineManagementConfig": entity["spec"]["clusterConfig"]["machineManagementConfig"]}},
        "status": {"state": "Running"}
    }))
    .unwrap();
    let cloud: VirtualCloudConfig = serde_json::from_value(json!({"spec": {
        "clusterConfig": entity["spec"]["cloudConfig"],
        "machinePoolConfig": [{"instanceType": entity["spec"]["machinepoolconfig"][0]["cloudConfig"]["instanceType"]}]}}))
    .unwrap();
    let namespaces: Vec<ClusterNamespace> = serde_json::from_value(entity["spec"]["clusterConfig"]["resources"]["namespaces"].clone()).unwrap();
    let rbacs: Vec<ClusterRbac> = serde_json::from_value(entity["spec"]["clusterConfig"]["resources"]["rbacs"].clone()).unwrap();
    let observed = Observed {
        quota: cloud.quota().cloned(),
        cloud_config: cloud.spec.cluster_config.clone(),
        cluster,
        kubeconfig: None,
        admin_kubeconfig: None,
        variables: None,
        namespaces,
        rbacs,
        backup: None,
        scan: None,
    };
    assert_eq!(observed.model(&model), model);
    // Paused behind Terraform's back shows as drift.
    let mut paused = observed;
    paused.cluster.spec.cluster_config.as_mut().unwrap().lifecycle_config = Some(LifecycleConfig { pause: true });
    assert_eq!(paused.model(&model).pause_cluster, Some(true));
    // On import (no placement in the prior state) the group is read.
    let imported = paused.model(&ClusterModel::default());
    assert_eq!((imported.cluster_group_uid.as_deref(), imported.host_cluster_uid.as_deref()), (Some("g1"), None));
    // ... and so is the chart, every field the API holds.
    assert_eq!(imported.cloud_config, model.cloud_config);
}

#[test]
fn cloud_config_reads_every_stored_field_and_keeps_an_empty_block() {
    let config = |values: &str| VirtualClusterConfig {
        helm_release: Some(HelmRelease { chart: HelmChart::default(), values: values.into() }),
        ..VirtualClusterConfig::default()
    };
    let read = CloudConfigBlock::from_api(&config("a: 1"));
    let nothing = CloudConfigBlock { chart_name: text(""), chart_repo: text(""), chart_version: text(""), chart_values: text(""), k8s_version: text("") };
    assert_eq!(read, CloudConfigBlock { chart_values: text("a: 1"), ..nothing.clone() });
    assert!(read.is_set());
    assert!(!CloudConfigBlock::from_api(&config("")).is_set());
    // Nothing stored: an empty configured block stays, no block stays absent.
    let observed = |cloud_config| Observed {
        quota: None,
        cloud_config: Some(cloud_config),
        cluster: serde_json::from_value(json!({"metadata": {"uid": "c1", "name": "vc"}})).unwrap(),
        kubeconfig: None,
        admin_kubeconfig: None,
        variables: None,
        namespaces: vec![],
        rbacs: vec![],
        backup: None,
        scan: None,
    };
    let empty_block = ClusterModel { cloud_config: Some(vec![nothing.clone()]), ..ClusterModel::default() };
    assert_eq!(observed(config("")).model(&empty_block).cloud_config, empty_block.cloud_config);
    assert_eq!(observed(config("")).model(&ClusterModel::default()).cloud_config, None);
    assert_eq!(observed(config("a: 1")).model(&ClusterModel::default()).cloud_config, Some(vec![read]));
}

#[test]
fn os_patch_after_accepts_any_past_timestamp() {
    let schema = VirtualClusterResource.schema();
    let attribute = schema.block.find_attribute("os_patch_after").unwrap();
    let check = |text: &str| {
        let mut diags = terraform_plugin::protocol::diagnostics::Diagnostics::new();
        for validator in &attribute.validators {
            validator.validate(&Value::string(text), &AttributePath::attr("os_patch_after"), &mut diags);
        }
        diags
    };
    assert!(!check("2001-01-01T00:00:00Z").has_errors());
    assert!(check("yesterday").has_errors());
}

#[test]
fn fractional_quantities_keep_their_spelling() {
    assert_eq!(quantity_text(0.5, None), "0.5");
    assert_eq!(quantity_text(2.0, None), "2");
    assert_eq!(quantity_text(2.0, Some(&"2.0".to_string())), "2.0");
    assert_eq!(quantity_text(3.0, Some(&"2.0".to_string())), "3");
}

#[test]
fn quota_errors_point_at_resources() {
    let api = crate::client::ApiError {
        status: 400,
        code: QUOTA_EXCEEDED.into(),
        message: "insufficient cpu in cluster group 'cg'".into(),
        ref_id: None,
        details: None,
        method: "POST".into(),
        path: "/v1/spectroclusters/virtual".into(),
    };
    let error = api_error("Cannot create", ClientError::Api(Box::new(api)));
    let diagnostic = &error.diagnostics.0[0];
    assert_eq!(diagnostic.path, Some(AttributePath::attr("resources")));
    assert!(diagnostic.detail.contains("insufficient cpu"));
}
