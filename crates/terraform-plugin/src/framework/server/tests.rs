//! The framework driven end to end at the `ProviderService` level with a
//! small in-memory resource.

use std::sync::atomic::{AtomicUsize, Ordering};

use super::*;
use crate::framework::modifiers::{requires_replace, use_state_for_unknown};
use crate::framework::resource::{CreateRequest, UpdateRequest};
use crate::framework::schema::{Attribute, NestedBlock, Nesting};
use crate::framework::timeouts::{self, Timeouts};
use crate::framework::validators::one_of;

fn s(text: &str) -> Value {
    Value::string(text)
}

fn obj(members: &[(&str, Value)]) -> Value {
    Value::Object(members.iter().map(|(k, v)| (k.to_string(), v.clone())).collect())
}

/// The "remote API": objects by id, and what happened.
#[derive(Default)]
struct Api {
    project: String,
    objects: Mutex<BTreeMap<String, Value>>,
    next_id: AtomicUsize,
    remaining_at_create: Mutex<Option<Duration>>,
}

impl Api {
    fn stored(&self, id: &str) -> Option<Value> {
        self.objects.lock().unwrap().get(id).cloned()
    }
}

struct TestProvider;

#[async_trait]
impl ProviderDefinition<Api> for TestProvider {
    fn schema(&self) -> Schema {
        Schema::new(
            0,
            Block::new()
                .attribute(Attribute::new("host", Type::String).optional())
                .attribute(Attribute::new("project_name", Type::String).default(s("Default"))),
        )
    }

    async fn configure(&self, request: ConfigureRequest<'_>) -> Result<Api, Diagnostics> {
        if request.config.get("host").as_str() == Some("unreachable") {
            return Err(Diagnostic::error("Cannot reach the API", "host unreachable").into());
        }
        let project = request.config.get("project_name").as_str().unwrap_or_default().to_string();
        Ok(Api { project, ..Default::default() })
    }
}

struct Thing;

fn thing_schema(version: i64, tags: Type) -> Schema {
    Schema::new(
        version,
        Block::new()
            .attribute(Attribute::new("id", Type::String).computed().plan_modifier(use_state_for_unknown()))
            .attribute(Attribute::new("name", Type::String).required())
            .attribute(Attribute::new("description", Type::String).zero_default())
            .attribute(Attribute::new("region", Type::String).zero_default().plan_modifier(requires_replace()).validator(one_of(&["eu", "us"])))
            .attribute(Attribute::new("version", Type::String).default(s("1.0.0")))
            .attribute(Attribute::new("tags", tags).zero_default())
            .attribute(Attribute::new("status", Type::String).computed())
            .block(NestedBlock::new("rule", Nesting::List, Block::new().attribute(Attribute::new("port", Type::Number).required())))
            .block(timeouts::block(&[timeouts::Operation::Create, timeouts::Operation::Delete])),
    )
}

fn string_set() -> Type {
    Type::Set(Box::new(Type::String))
}

#[async_trait]
impl Resource<Api> for Thing {
    // Raw objects: the tests return partial ones and unknowns on purpose.
    type Model = Value;

    fn type_name(&self) -> &str {
        "test_thing"
    }

    fn schema(&self) -> Schema {
        thing_schema(2, string_set())
    }

    fn timeouts(&self) -> Timeouts {
        Timeouts::uniform(Duration::from_secs(600))
    }

    fn validate_config(&self, config: &Value, diags: &mut Diagnostics) {
        if config.get("name").as_str() == Some("forbidden") {
            diags.error_at(AttributePath::attr("name"), "Forbidden name", "pick another");
        }
    }

    async fn modify_plan(&self, ctx: &Context<Api>, request: &PlanRequest<'_>, plan: &mut Plan) -> Result<(), ResourceError> {
        match request.config.get("name").as_str() {
            Some("hook-breaks-rules") => plan.state.set("name", s("not what was configured")),
            Some("hook-warns") => ctx.warn("Heads up", "from the hook"),
            Some("hook-fails") => return Err(ResourceError::new("Plan failed", "hook said no")),
            _ => {}
        }
        if request.kind == PlanKind::Delete {
            ctx.warn("Deleting", "the hook saw a delete");
            plan.state = s("ignored");
        }
        plan.private.set("planned", &true).map_err(|e| ResourceError::from_error("private", &e))?;
        Ok(())
    }

    async fn create(&self, ctx: &Context<Api>, request: CreateRequest<'_, Value>, private: &mut PrivateState) -> Result<Value, ResourceError> {
        *ctx.data().remaining_at_create.lock().unwrap() = Some(ctx.remaining());
        let name = request.planned.get("name").as_str().unwrap_or_default().to_string();
        if name == "wait-forever" {
            ctx.cancellation().cancelled().await;
            return Err(ResourceError::new("Cancelled", "stopped by Terraform"));
        }
        let id = format!("id-{}", ctx.data().next_id.fetch_add(1, Ordering::SeqCst));
        let mut object = request.planned.clone();
        object.set("id", s(&id));
        object.set("status", s("ready"));
        if name == "api-renames" {
            object.set("name", s("renamed by the API"));
        }
        if name == "leaves-unknown" {
            object.set("status", Value::unknown());
        }
        ctx.data().objects.lock().unwrap().insert(id.clone(), object.clone());
        private.set("created", &ctx.data().project).map_err(|e| ResourceError::from_error("private", &e))?;
        if name == "fails-after-create" {
            return Err(
                ResourceError::new("Create half done", "the object exists").with_partial_state(obj(&[("id", s(&id)), ("name", s(&name))]))
            );
        }
        // Resources may return only what they know; the framework fills the rest.
        Ok(obj(&[("id", s(&id)), ("name", object.get("name").clone()), ("status", object.get("status").clone())]))
    }

    async fn read(&self, ctx: &Context<Api>, state: Value, private: &mut PrivateState) -> Result<Option<Value>, ResourceError> {
        private.set("read", &true).map_err(|e| ResourceError::from_error("private", &e))?;
        let id = state.get("id").as_str().unwrap_or_default();
        Ok(ctx.data().stored(id).map(|mut o| {
            o.set("timeouts", Value::Null);
            o
        }))
    }

    async fn update(&self, ctx: &Context<Api>, request: UpdateRequest<'_, Value>, _private: &mut PrivateState) -> Result<Value, ResourceError> {
        let id = request.prior.get("id").as_str().unwrap_or_default().to_string();
        let mut object = request.planned.clone();
        object.set("status", s("updated"));
        if request.planned.get("name").as_str() == Some("update-fails") {
            return Err(ResourceError::new("Update failed", "half way").with_partial_state(request.prior.clone()));
        }
        ctx.data().objects.lock().unwrap().insert(id, object.clone());
        Ok(object)
    }

    async fn delete(&self, ctx: &Context<Api>, state: Value, _private: &PrivateState) -> Result<(), ResourceError> {
        let id = state.get("id").as_str().unwrap_or_default();
        match ctx.data().objects.lock().unwrap().remove(id) {
            Some(_) => Ok(()),
            None => Err(ResourceError::new("Delete failed", format!("{id} does not exist"))),
        }
    }

    async fn import(&self, ctx: &Context<Api>, id: &str, private: &mut PrivateState) -> Result<Value, ResourceError> {
        private.set("imported", &id).map_err(|e| ResourceError::from_error("private", &e))?;
        match ctx.data().stored(id) {
            Some(_) => Ok(obj(&[("id", s(id))])),
            None => Err(ResourceError::new("Cannot import", format!("no thing {id}"))),
        }
    }

    fn state_upgraders(&self) -> Vec<StateUpgrader> {
        // Version 1 stored tags as a list: conforming turns it into a set.
        vec![StateUpgrader { version: 1, prior_type: thing_schema(1, Type::List(Box::new(Type::String))).block.implied_type(), upgrade: Ok }]
    }
}

struct Lookup;

#[async_trait]
impl DataSource<Api> for Lookup {
    type Model = Value;

    fn type_name(&self) -> &str {
        "test_lookup"
    }

    fn schema(&self) -> Schema {
        Schema::new(
            0,
            Block::new()
                .attribute(Attribute::new("name", Type::String).required())
                .attribute(Attribute::new("id", Type::String).optional().computed())
                .attribute(Attribute::new("status", Type::String).computed()),
        )
    }

    async fn read(&self, ctx: &Context<Api>, config: Value) -> Result<Value, ResourceError> {
        let name = config.get("name");
        let objects = ctx.data().objects.lock().unwrap();
        let found = objects.values().find(|o| o.get("name") == name).cloned();
        found.ok_or_else(|| ResourceError::at(AttributePath::attr("name"), "Not found", "no such thing"))
    }
}

fn framework() -> Framework<Api> {
    Framework::new(TestProvider).resource(Thing).data_source(Lookup)
}

async fn configured() -> Framework<Api> {
    let fw = framework();
    let diags = fw.configure_provider("1.11.4", obj(&[("host", Value::Null), ("project_name", Value::Null)])).await;
    assert!(diags.is_empty(), "{diags:?}");
    fw
}

fn block() -> Block {
    thing_schema(2, string_set()).block
}

fn config(members: &[(&str, Value)]) -> Value {
    conform_block(&block(), &obj(members), Unknowns::Keep)
}

/// Terraform's proposed new state for these tests: config plus prior computed values.
fn proposed(prior: &Value, config: &Value) -> Value {
    let mut proposed = config.clone();
    for attr in block().attributes.iter().filter(|a| a.computed) {
        if config.get(&attr.name).is_null() {
            proposed.set(&attr.name, prior.get(&attr.name).clone());
        }
    }
    proposed
}

async fn plan(fw: &Framework<Api>, prior: &Value, config: &Value, private: &[u8]) -> PlanResourceChangeResponse {
    fw.plan_resource_change(PlanResourceChangeRequest {
        type_name: "test_thing".into(),
        prior_state: prior.clone(),
        proposed_new_state: proposed(prior, config),
        config: config.clone(),
        prior_private: private.to_vec(),
    })
    .await
}

async fn apply(fw: &Framework<Api>, prior: &Value, planned: &PlanResourceChangeResponse, config: &Value) -> ApplyResourceChangeResponse {
    fw.apply_resource_change(ApplyResourceChangeRequest {
        type_name: "test_thing".into(),
        prior_state: prior.clone(),
        planned_state: planned.planned_state.clone(),
        config: config.clone(),
        planned_private: planned.planned_private.clone(),
    })
    .await
}

/// Plans and applies a create; returns the new state and private bytes.
async fn create(fw: &Framework<Api>, config: &Value) -> ApplyResourceChangeResponse {
    let planned = plan(fw, &Value::Null, config, &[]).await;
    assert!(!planned.diagnostics.has_errors(), "{:?}", planned.diagnostics);
    apply(fw, &Value::Null, &planned, config).await
}

fn summaries(diags: &Diagnostics) -> Vec<&str> {
    diags.iter().map(|d| d.summary.as_str()).collect()
}

#[tokio::test]
async fn resource_calls_before_configure_get_a_clear_diagnostic() {
    let fw = framework();
    let response = plan(&fw, &Value::Null, &config(&[("name", s("a"))]), &[]).await;
    assert_eq!(summaries(&response.diagnostics), ["Provider not configured"]);
    let read = fw.read_data_source("test_lookup", obj(&[("name", s("a"))])).await;
    assert_eq!(summaries(&read.diagnostics), ["Provider not configured"]);
    // Validation does not need a configured provider.
    assert!(fw.validate_resource_config("test_thing", config(&[("name", s("a"))])).await.is_empty());
}

#[tokio::test]
async fn unknown_types_are_diagnosed() {
    let fw = configured().await;
    let diags = fw.validate_resource_config("test_nothing", Value::Null).await;
    assert_eq!(summaries(&diags), ["Unknown resource type"]);
    assert!(diags.0[0].detail.contains("test_nothing"));
    let response = fw.import_resource_state("test_nothing", "x").await;
    assert!(response.imported.is_empty());
    assert_eq!(summaries(&response.diagnostics), ["Unknown resource type"]);
    assert_eq!(summaries(&fw.read_data_source("test_none", Value::Null).await.diagnostics), ["Unknown data source type"]);
    assert!(fw.state_type("test_nothing", 0).is_none());
}

#[tokio::test]
async fn provider_defaults_are_applied_and_not_sent_as_computed() {
    let fw = configured().await;
    let attr = fw.definitions().provider.block.find_attribute("project_name").unwrap();
    assert!(attr.optional && !attr.computed);
    assert!(fw.schema_problems().is_empty(), "{:?}", fw.schema_problems());
    let fresh = configured().await;
    let created = create(&fresh, &config(&[("name", s("a"))])).await;
    assert_eq!(PrivateState::from_bytes(&created.private).get::<String>("created").as_deref(), Some("Default"));
    let diags = fw.configure_provider("1.11.4", obj(&[("host", s("unreachable")), ("project_name", Value::Null)])).await;
    assert_eq!(summaries(&diags), ["Cannot reach the API"]);
}

#[tokio::test]
async fn validation_runs_schema_validators_and_the_resource_hook() {
    let fw = configured().await;
    let diags = fw.validate_resource_config("test_thing", config(&[("name", s("forbidden")), ("region", s("mars"))])).await;
    let mut paths: Vec<String> = diags.iter().map(|d| d.path.as_ref().unwrap().to_string()).collect();
    paths.sort();
    assert_eq!(paths, ["name", "region"]);
}

#[tokio::test]
async fn create_fills_computed_values_and_conforms() {
    let fw = configured().await;
    let cfg = config(&[("name", s("a")), ("tags", Value::Set(vec![s("x:y:z")]))]);
    let planned = plan(&fw, &Value::Null, &cfg, &[]).await;
    assert!(planned.planned_state.get("id").is_unknown());
    assert!(planned.planned_state.get("status").is_unknown());
    assert_eq!(planned.planned_state.get("version"), &s("1.0.0"));
    assert!(planned.requires_replace.is_empty());
    assert_eq!(PrivateState::from_bytes(&planned.planned_private).get::<bool>("planned"), Some(true));

    let applied = apply(&fw, &Value::Null, &planned, &cfg).await;
    assert!(applied.diagnostics.is_empty(), "{:?}", applied.diagnostics);
    let state = &applied.new_state;
    assert!(crate::protocol::value::fits_type(&block().implied_type(), state));
    assert!(state.is_wholly_known());
    assert_eq!(state.get("id"), &s("id-0"));
    assert_eq!(state.get("status"), &s("ready"));
    assert_eq!(state.get("version"), &s("1.0.0"), "planned values kept though the resource did not return them");
    assert_eq!(state.get("tags"), &Value::Set(vec![s("x:y:z")]));
    assert_eq!(state.get("rule"), &Value::List(vec![]));
    let private = PrivateState::from_bytes(&applied.private);
    assert_eq!(private.get::<bool>("planned"), Some(true), "planned private flows into apply");
    assert_eq!(private.get::<String>("created").as_deref(), Some("Default"));
}

#[tokio::test]
async fn apply_keeps_planned_values_and_nulls_leftover_unknowns() {
    let fw = configured().await;
    let applied = create(&fw, &config(&[("name", s("api-renames"))])).await;
    assert_eq!(applied.new_state.get("name"), &s("api-renames"));
    let applied = create(&fw, &config(&[("name", s("leaves-unknown"))])).await;
    assert!(applied.new_state.is_wholly_known());
    assert!(applied.new_state.get("status").is_null());
}

#[tokio::test]
async fn failed_create_returns_the_partial_object_with_the_error() {
    let fw = configured().await;
    let applied =
        create(&fw, &config(&[("name", s("fails-after-create")), ("timeouts", obj(&[("create", s("5m")), ("delete", Value::Null)]))]))
            .await;
    assert_eq!(summaries(&applied.diagnostics), ["Create half done"]);
    assert_eq!(applied.new_state.get("id"), &s("id-0"));
    assert!(applied.new_state.is_wholly_known());
    assert_eq!(applied.new_state.get("timeouts").get("create"), &s("5m"));
    assert!(!applied.private.is_empty(), "private written before the failure is kept");
}

#[tokio::test]
async fn unchanged_configuration_plans_no_change_at_all() {
    let fw = configured().await;
    let cfg = config(&[("name", s("a")), ("tags", Value::Set(vec![s("k:v"), s("plain")]))]);
    let state = create(&fw, &cfg).await.new_state;
    let mut reordered = cfg.clone();
    reordered.set("tags", Value::Set(vec![s("plain"), s("k:v")]));
    let planned = plan(&fw, &state, &reordered, b"{}").await;
    assert!(planned.diagnostics.is_empty());
    assert!(planned.requires_replace.is_empty());
    assert_eq!(format!("{:?}", planned.planned_state), format!("{state:?}"));
}

#[tokio::test]
async fn updates_and_replacements() {
    let fw = configured().await;
    let cfg = config(&[("name", s("a")), ("region", s("eu"))]);
    let state = create(&fw, &cfg).await.new_state;

    let mut renamed = cfg.clone();
    renamed.set("name", s("b"));
    let planned = plan(&fw, &state, &renamed, &[]).await;
    assert!(planned.requires_replace.is_empty());
    assert_eq!(planned.planned_state.get("id"), &state.get("id").clone());
    assert!(planned.planned_state.get("status").is_unknown());
    let applied = apply(&fw, &state, &planned, &renamed).await;
    assert_eq!(applied.new_state.get("status"), &s("updated"));
    assert_eq!(applied.new_state.get("name"), &s("b"));

    let mut moved = cfg.clone();
    moved.set("region", s("us"));
    let planned = plan(&fw, &state, &moved, &[]).await;
    assert_eq!(planned.requires_replace, [AttributePath::attr("region")]);
}

#[tokio::test]
async fn failed_update_keeps_what_exists() {
    let fw = configured().await;
    let cfg = config(&[("name", s("a"))]);
    let state = create(&fw, &cfg).await.new_state;
    let mut failing = cfg.clone();
    failing.set("name", s("update-fails"));
    let planned = plan(&fw, &state, &failing, &[]).await;
    let applied = apply(&fw, &state, &planned, &failing).await;
    assert_eq!(summaries(&applied.diagnostics), ["Update failed"]);
    assert_eq!(applied.new_state, state);
}

#[tokio::test]
async fn delete_plans_null_and_applies_null() {
    let fw = configured().await;
    let state = create(&fw, &config(&[("name", s("a"))])).await.new_state;
    let planned = fw
        .plan_resource_change(PlanResourceChangeRequest {
            type_name: "test_thing".into(),
            prior_state: state.clone(),
            proposed_new_state: Value::Null,
            config: Value::Null,
            prior_private: b"{\"keep\":1}".to_vec(),
        })
        .await;
    assert!(planned.planned_state.is_null(), "the hook cannot make a delete plan non-null");
    assert_eq!(summaries(&planned.diagnostics), ["Deleting"]);
    assert!(!planned.diagnostics.has_errors());
    let applied = apply(&fw, &state, &planned, &Value::Null).await;
    assert!(applied.new_state.is_null());
    assert!(applied.diagnostics.is_empty());
    // Deleting again fails and keeps the object in state.
    let again = apply(&fw, &state, &planned, &Value::Null).await;
    assert_eq!(again.new_state, state);
    assert_eq!(summaries(&again.diagnostics), ["Delete failed"]);
}

#[tokio::test]
async fn plan_hook_results() {
    let fw = configured().await;
    let planned = plan(&fw, &Value::Null, &config(&[("name", s("hook-breaks-rules"))]), &[]).await;
    assert_eq!(planned.planned_state.get("name"), &s("hook-breaks-rules"), "the framework repairs the hook's invalid plan");
    let planned = plan(&fw, &Value::Null, &config(&[("name", s("hook-warns"))]), &[]).await;
    assert_eq!(summaries(&planned.diagnostics), ["Heads up"]);
    let planned = plan(&fw, &Value::Null, &config(&[("name", s("hook-fails"))]), &[]).await;
    assert_eq!(summaries(&planned.diagnostics), ["Plan failed"]);
}

#[tokio::test]
async fn read_echoes_private_keeps_timeouts_and_reports_gone_objects() {
    let fw = configured().await;
    let cfg = config(&[("name", s("a")), ("timeouts", obj(&[("create", s("1m")), ("delete", Value::Null)]))]);
    let created = create(&fw, &cfg).await;
    let read = fw
        .read_resource(ReadResourceRequest {
            type_name: "test_thing".into(),
            current_state: created.new_state.clone(),
            private: created.private.clone(),
        })
        .await;
    assert!(read.diagnostics.is_empty());
    assert_eq!(read.new_state.get("timeouts").get("create"), &s("1m"), "the API knows no timeouts: state's are kept");
    let private = PrivateState::from_bytes(&read.private);
    assert_eq!(private.get::<String>("created").as_deref(), Some("Default"));
    assert_eq!(private.get::<bool>("read"), Some(true));

    fw.resources["test_thing"]
        .implementation
        .delete(&fw.context(Duration::from_secs(1)).unwrap(), &created.new_state, &PrivateState::new())
        .await
        .unwrap();
    let gone =
        fw.read_resource(ReadResourceRequest { type_name: "test_thing".into(), current_state: created.new_state, private: vec![] }).await;
    assert!(gone.new_state.is_null());
}

#[tokio::test]
async fn import_returns_one_complete_object() {
    let fw = configured().await;
    let created = create(&fw, &config(&[("name", s("a"))])).await;
    let response = fw.import_resource_state("test_thing", "id-0").await;
    assert!(response.diagnostics.is_empty(), "{:?}", response.diagnostics);
    assert_eq!(response.imported.len(), 1);
    let imported = &response.imported[0];
    assert_eq!(imported.type_name, "test_thing");
    assert!(crate::protocol::value::fits_type(&block().implied_type(), &imported.state));
    assert!(imported.state.is_wholly_known());
    assert_eq!(imported.state.get("id"), &s("id-0"));
    assert_eq!(imported.state.get("version"), &s("1.0.0"), "defaults fill what import left null");
    assert_eq!(imported.state.get("rule"), &Value::List(vec![]));
    assert_eq!(PrivateState::from_bytes(&imported.private).get::<String>("imported").as_deref(), Some("id-0"));
    let read = fw
        .read_resource(ReadResourceRequest {
            type_name: "test_thing".into(),
            current_state: imported.state.clone(),
            private: imported.private.clone(),
        })
        .await;
    assert_eq!(read.new_state.get("name"), created.new_state.get("name"));

    let missing = fw.import_resource_state("test_thing", "nope").await;
    assert!(missing.imported.is_empty());
    assert_eq!(summaries(&missing.diagnostics), ["Cannot import"]);
}

#[tokio::test]
async fn state_upgrades() {
    let fw = configured().await;
    assert_eq!(fw.state_type("test_thing", 2), Some(block().implied_type()));
    let old = fw.state_type("test_thing", 1).unwrap();
    assert_ne!(old, block().implied_type());
    assert!(fw.state_type("test_thing", 0).is_none());

    let raw = obj(&[("id", s("u")), ("name", s("n")), ("tags", Value::List(vec![s("a"), s("a:b")])), ("rule", Value::Null)]);
    let upgraded = fw.upgrade_resource_state("test_thing", 1, raw.clone()).await;
    assert!(upgraded.diagnostics.is_empty());
    assert!(crate::protocol::value::fits_type(&block().implied_type(), &upgraded.upgraded_state));
    assert_eq!(upgraded.upgraded_state.get("tags"), &Value::Set(vec![s("a"), s("a:b")]));
    assert_eq!(upgraded.upgraded_state.get("rule"), &Value::List(vec![]));

    let current = fw.upgrade_resource_state("test_thing", 2, obj(&[("id", s("u")), ("name", s("n"))])).await;
    assert!(crate::protocol::value::fits_type(&block().implied_type(), &current.upgraded_state));
    let unsupported = fw.upgrade_resource_state("test_thing", 0, raw).await;
    assert_eq!(summaries(&unsupported.diagnostics), ["Unsupported state version"]);
}

/// Zero or null for an unset optional attribute, configured as zero or left
/// out: every combination is one state after the upgrade Terraform runs on
/// every stored state, and plans no change.
#[tokio::test]
async fn zero_and_null_states_are_one_form_and_plan_clean() {
    let fw = configured().await;
    let zero = obj(&[("id", s("u")), ("name", s("n")), ("description", s("")), ("region", s("")), ("tags", Value::Set(vec![])), ("status", s("ready"))]);
    let null = obj(&[("id", s("u")), ("name", s("n")), ("status", s("ready"))]);
    for stored in [&zero, &null] {
        let upgraded = fw.upgrade_resource_state("test_thing", 2, stored.clone()).await.upgraded_state;
        assert_eq!(upgraded.get("description"), &s(""));
        assert_eq!(upgraded.get("region"), &s(""));
        assert_eq!(upgraded.get("tags"), &Value::Set(vec![]));
        assert_eq!(upgraded.get("version"), &s("1.0.0"), "other defaults fill in too");
        for configured in [config(&[("name", s("n"))]), config(&[("name", s("n")), ("description", s("")), ("region", s("")), ("tags", Value::Set(vec![]))])] {
            let planned = plan(&fw, &upgraded, &configured, &[]).await;
            assert!(planned.diagnostics.is_empty(), "{:?}", planned.diagnostics);
            assert!(planned.requires_replace.is_empty());
            assert_eq!(planned.planned_state, upgraded, "configured {configured:?}");
        }
    }
    // The zero passes validation even where a validator rejects it: it means unset.
    let diags = fw.validate_resource_config("test_thing", config(&[("name", s("n")), ("region", s(""))])).await;
    assert!(diags.is_empty(), "{diags:?}");
    let diags = fw.validate_resource_config("test_thing", config(&[("name", s("n")), ("region", s("mars"))])).await;
    assert_eq!(summaries(&diags), ["Invalid attribute value"]);
}

#[tokio::test]
async fn data_source_keeps_configuration_and_fills_computed_values() {
    let fw = configured().await;
    create(&fw, &config(&[("name", s("a"))])).await;
    let read = fw.read_data_source("test_lookup", obj(&[("name", s("a")), ("id", Value::Null), ("status", Value::Null)])).await;
    assert!(read.diagnostics.is_empty());
    assert_eq!(read.state, obj(&[("name", s("a")), ("id", s("id-0")), ("status", s("ready"))]));
    let missing = fw.read_data_source("test_lookup", obj(&[("name", s("zz")), ("id", Value::Null), ("status", Value::Null)])).await;
    assert_eq!(missing.diagnostics.0[0].path, Some(AttributePath::attr("name")));
}

#[tokio::test]
async fn configured_timeouts_set_the_deadline() {
    let fw = configured().await;
    create(&fw, &config(&[("name", s("a")), ("timeouts", obj(&[("create", s("2s")), ("delete", Value::Null)]))])).await;
    let api = fw.data.read().unwrap().clone().unwrap();
    let remaining = api.remaining_at_create.lock().unwrap().unwrap();
    assert!(remaining <= Duration::from_secs(2) && remaining > Duration::from_millis(1500), "{remaining:?}");
    let fresh = configured().await;
    create(&fresh, &config(&[("name", s("a"))])).await;
    let api = fresh.data.read().unwrap().clone().unwrap();
    assert!(api.remaining_at_create.lock().unwrap().unwrap() > Duration::from_secs(590), "the resource's default");
}

#[tokio::test]
async fn stop_cancels_operations_in_flight_and_configure_resets_it() {
    let fw = Arc::new(configured().await);
    let cfg = config(&[("name", s("wait-forever"))]);
    let planned = plan(&fw, &Value::Null, &cfg, &[]).await;
    let running = {
        let fw = fw.clone();
        tokio::spawn(async move { apply(&fw, &Value::Null, &planned, &cfg).await })
    };
    tokio::time::sleep(Duration::from_millis(20)).await;
    let started = std::time::Instant::now();
    fw.stop().await;
    let applied = tokio::time::timeout(Duration::from_secs(1), running).await.expect("stopped promptly").unwrap();
    assert!(started.elapsed() < Duration::from_millis(100));
    assert_eq!(summaries(&applied.diagnostics), ["Cancelled"]);
    assert!(applied.new_state.is_null());

    assert!(fw.context(Duration::from_secs(1)).unwrap().is_cancelled());
    fw.configure_provider("1.11.4", obj(&[("host", Value::Null), ("project_name", Value::Null)])).await;
    assert!(!fw.context(Duration::from_secs(1)).unwrap().is_cancelled(), "a new configuration starts uncancelled");
}

#[tokio::test]
async fn a_timeouts_only_change_touches_nothing_remote() {
    let fw = configured().await;
    let cfg = config(&[("name", s("a"))]);
    let state = create(&fw, &cfg).await.new_state;
    let mut longer = cfg.clone();
    longer.set("timeouts", obj(&[("create", s("1h")), ("delete", Value::Null)]));
    let planned = plan(&fw, &state, &longer, &[]).await;
    assert_eq!(planned.planned_state.get("status"), &s("ready"), "nothing becomes unknown");
    assert!(planned.planned_state.is_wholly_known());
    let applied = apply(&fw, &state, &planned, &longer).await;
    assert_eq!(applied.new_state.get("timeouts").get("create"), &s("1h"));
    assert_eq!(applied.new_state.get("status"), &s("ready"), "update was not called (it would say \"updated\")");
}

/// The shape the report recommends for real resources: a typed model read
/// by the framework from the request and written back with the schema type.
mod typed_model {
    use serde::{Deserialize, Serialize};

    use super::*;
    use crate::framework::convert::{from_value, to_value};
    use crate::framework::validators::{key_value_tags, not_empty};

    #[derive(Debug, Serialize, Deserialize)]
    struct ProjectModel {
        id: Option<String>,
        name: String,
        description: Option<String>,
        tags: Option<Vec<String>>,
    }

    struct Project;

    fn project_schema() -> Schema {
        Schema::new(
            2,
            Block::new()
                .attribute(Attribute::new("id", Type::String).computed().plan_modifier(use_state_for_unknown()))
                .attribute(Attribute::new("name", Type::String).required().validator(not_empty()))
                .attribute(Attribute::new("description", Type::String).zero_default())
                .attribute(Attribute::new("tags", Type::Set(Box::new(Type::String))).zero_default().validator(key_value_tags()))
                .block(timeouts::block(&[timeouts::Operation::Create, timeouts::Operation::Update, timeouts::Operation::Delete])),
        )
    }

    fn save(ctx: &Context<Api>, model: ProjectModel) -> Result<ProjectModel, ResourceError> {
        let value = to_value(&model, &project_schema().block.implied_type())?;
        let id = model.id.clone().unwrap_or_default();
        ctx.data().objects.lock().unwrap().insert(id, value);
        Ok(model)
    }

    #[async_trait]
    impl Resource<Api> for Project {
        type Model = ProjectModel;

        fn type_name(&self) -> &str {
            "test_project"
        }

        fn schema(&self) -> Schema {
            project_schema()
        }

        async fn create(
            &self,
            ctx: &Context<Api>,
            request: CreateRequest<'_, ProjectModel>,
            _private: &mut PrivateState,
        ) -> Result<ProjectModel, ResourceError> {
            let mut model = request.planned;
            model.id = Some(format!("p-{}", model.name));
            save(ctx, model)
        }

        async fn read(&self, ctx: &Context<Api>, state: ProjectModel, _private: &mut PrivateState) -> Result<Option<ProjectModel>, ResourceError> {
            match ctx.data().stored(&state.id.unwrap_or_default()) {
                Some(stored) => Ok(Some(from_value(&stored)?)),
                None => Ok(None),
            }
        }

        async fn update(
            &self,
            ctx: &Context<Api>,
            request: UpdateRequest<'_, ProjectModel>,
            _private: &mut PrivateState,
        ) -> Result<ProjectModel, ResourceError> {
            save(ctx, request.planned)
        }

        async fn delete(&self, ctx: &Context<Api>, state: ProjectModel, _private: &PrivateState) -> Result<(), ResourceError> {
            ctx.data().objects.lock().unwrap().remove(&state.id.unwrap_or_default());
            Ok(())
        }
    }

    #[tokio::test]
    async fn typed_resource_round_trip() {
        let fw = Framework::new(TestProvider).resource(Project);
        assert!(fw.schema_problems().is_empty());
        fw.configure_provider("1.11.4", obj(&[("host", Value::Null), ("project_name", Value::Null)])).await;
        let schema = project_schema();
        let cfg = conform_block(&schema.block, &obj(&[("name", s("web")), ("tags", Value::Set(vec![s("team:a:b")]))]), Unknowns::Keep);
        let planned = fw
            .plan_resource_change(PlanResourceChangeRequest {
                type_name: "test_project".into(),
                prior_state: Value::Null,
                proposed_new_state: cfg.clone(),
                config: cfg.clone(),
                prior_private: vec![],
            })
            .await;
        assert!(planned.planned_state.get("id").is_unknown());
        let applied = fw
            .apply_resource_change(ApplyResourceChangeRequest {
                type_name: "test_project".into(),
                prior_state: Value::Null,
                planned_state: planned.planned_state,
                config: cfg.clone(),
                planned_private: planned.planned_private,
            })
            .await;
        assert!(applied.diagnostics.is_empty(), "{:?}", applied.diagnostics);
        assert_eq!(applied.new_state.get("id"), &s("p-web"));
        assert_eq!(applied.new_state.get("tags"), &Value::Set(vec![s("team:a:b")]));
        let read = fw
            .read_resource(ReadResourceRequest {
                type_name: "test_project".into(),
                current_state: applied.new_state.clone(),
                private: vec![],
            })
            .await;
        assert_eq!(read.new_state, applied.new_state);
    }
}

#[test]
fn state_upgraders_must_name_older_versions_once() {
    let upgrader = |version| StateUpgrader { version, prior_type: Type::String, upgrade: Ok };
    assert!(upgrader_problems(3, &[upgrader(1), upgrader(2)]).is_empty());
    assert_eq!(
        upgrader_problems(3, &[upgrader(2), upgrader(2), upgrader(3)]),
        ["state upgrader for version 2: declared twice", "state upgrader for version 3: not an older version than 3"]
    );
}
