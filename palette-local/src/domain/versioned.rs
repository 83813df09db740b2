//! What cluster profiles and application profiles share: a "profile" is a group of
//! objects with one name and distinct versions (`spec.versions[]` lists the group),
//! clone targets, in-use references and stored manifest contents.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::domain::collection::{self, Kind};
use crate::domain::project;
use crate::error::{ApiError, ApiResult};
use crate::model::{digest, manifest_kind, non_empty, require_uid, validate_profile_version};
use crate::scope::Scope;
use crate::store::Tx;
use crate::uid::new_uid;

/// A stored object that is one version of a named profile.
pub trait Versioned: Kind {
    fn version(&self) -> &str;

    /// The document `GET /v1/<kind>/{uid}` serves; it lists the sibling versions
    /// and the users, hence the transaction.
    fn view(&self, tx: &Tx<'_>, owner: &Scope) -> ApiResult<Value>;
}

/// The version a profile gets when a request names none.
const DEFAULT_VERSION: &str = "1.0.0";

/// The requested version (trimmed, default 1.0.0), validated.
pub fn requested_version(version: Option<&str>) -> ApiResult<String> {
    let version = version.map(str::trim).filter(|v| !v.is_empty()).unwrap_or(DEFAULT_VERSION);
    validate_profile_version(version)?;
    Ok(version.to_string())
}

/// The version of a clone: the requested one, else the source's.
pub fn clone_version(requested: Option<&str>, source: &str) -> ApiResult<String> {
    match requested.filter(|v| !v.trim().is_empty()) {
        Some(version) => requested_version(Some(version)),
        None => Ok(source.to_string()),
    }
}

/// `[{uid, version}]` of every object named `name` owned by `owner`, oldest first.
pub fn versions<T: Versioned>(tx: &Tx<'_>, kind: &str, owner: &Scope, name: &str) -> ApiResult<Vec<Value>> {
    Ok(tx
        .list_named::<T>(kind, owner, name)?
        .into_iter()
        .filter(|row| &row.owner == owner)
        .map(|row| json!({ "uid": row.uid, "version": row.value.version() }))
        .collect())
}

/// 409 `DuplicateName` when `owner` already has `name` at `version` (other than `except`).
pub fn ensure_version_free<T: Versioned>(
    tx: &Tx<'_>,
    kind: &str,
    label: &str,
    owner: &Scope,
    name: &str,
    version: &str,
    except: Option<&str>,
) -> ApiResult<()> {
    let taken = tx
        .list_named::<T>(kind, owner, name)?
        .into_iter()
        .any(|row| &row.owner == owner && row.value.version() == version && Some(row.uid.as_str()) != except);
    if taken {
        return Err(ApiError::duplicate(format!("{label} '{name}' version '{version}' already exists")));
    }
    Ok(())
}

/// `target` of a clone request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CloneTarget {
    pub scope: Option<String>,
    pub project_uid: Option<String>,
}

/// The owner of a clone: the named target, or the source's own scope when absent.
pub fn clone_owner(tx: &Tx<'_>, target: Option<&CloneTarget>, request: &Scope, source_owner: &Scope) -> ApiResult<Scope> {
    let Some(target) = target else { return Ok(source_owner.clone()) };
    let project_uid = target.project_uid.as_deref().filter(|uid| !uid.is_empty());
    let scope = target.scope.as_deref().filter(|scope| !scope.is_empty()).unwrap_or(if project_uid.is_some() { "project" } else { "" });
    match scope {
        "" => Ok(source_owner.clone()),
        "tenant" => Ok(Scope::Tenant),
        "project" => {
            let uid = project_uid.or(match request {
                Scope::Project(uid) => Some(uid.as_str()),
                _ => None,
            });
            let uid = uid.ok_or_else(|| ApiError::bad_request("metadata.target.projectUid is required for a project target"))?;
            require_uid(uid)?;
            if !tx.exists(project::KIND, uid)? {
                return Err(ApiError::not_found("project", uid));
            }
            Ok(Scope::Project(uid.to_string()))
        }
        "system" | "resource" => Err(ApiError::forbidden(format!("cloning into {scope} scope is not allowed"))),
        other => Err(ApiError::bad_request(format!("invalid target scope '{other}': expected tenant or project"))),
    }
}

/// `{uid, name, kind, projectUid, tenantUid}` of every object using `(kind, uid)`.
pub fn users_of(tx: &Tx<'_>, kind: &str, uid: &str, tenant_uid: &str) -> ApiResult<Vec<Value>> {
    let mut users = Vec::new();
    for (user_kind, user_uid) in tx.referrers(kind, uid)? {
        if let Some(row) = tx.get::<Value>(&user_kind, &user_uid)? {
            let name = row.value.pointer("/metadata/name").and_then(Value::as_str).unwrap_or("").to_string();
            users.push(json!({ "uid": user_uid, "name": name, "kind": user_kind,
                               "projectUid": row.owner.project_uid(), "tenantUid": tenant_uid }));
        }
    }
    Ok(users)
}

/// 409 `ResourceInUse` when something still uses `(kind, uid)`.
pub fn ensure_unused(tx: &Tx<'_>, kind: &str, label: &str, uid: &str) -> ApiResult<()> {
    let users = tx.referrers(kind, uid)?;
    if users.is_empty() {
        return Ok(());
    }
    let names: Vec<String> = users.iter().map(|(kind, uid)| format!("{kind} {uid}")).collect();
    Err(ApiError::in_use(format!("{label} '{uid}' is in use by {}", names.join(", "))).with_details(json!({ "inUseBy": names })))
}

/// Deletes profile `uid` as seen from `scope`, unless a cluster, group or deployment
/// uses it (409 `ResourceInUse`).
pub fn delete_unused<K: Versioned>(tx: &Tx<'_>, uid: &str, scope: &Scope) -> ApiResult<()> {
    collection::load::<K>(tx, uid, scope)?;
    ensure_unused(tx, K::KIND, K::LABEL, uid)?;
    tx.delete(K::KIND, uid)?;
    Ok(())
}

/// The body of a manifest create/update: `{name, content, uid}` (`uid` is ignored).
#[derive(Debug, Deserialize)]
pub struct ManifestBody {
    pub name: Option<String>,
    pub content: Option<String>,
}

impl ManifestBody {
    pub fn name(&self) -> ApiResult<String> {
        non_empty(&self.name).map(str::to_string).ok_or_else(|| ApiError::bad_request("name is required"))
    }
}

/// A manifest listed by a tier or pack; its content is stored apart, by `uid`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManifestRef {
    pub uid: String,
    pub name: String,
    pub kind: String,
}

/// A manifest as a tier or pack request names it.
#[derive(Debug, Clone, Deserialize)]
pub struct ManifestInput {
    pub uid: Option<String>,
    pub name: Option<String>,
    pub content: Option<String>,
}

/// Builds the manifests of `holder` (e.g. `tier 'web'`) and their `(uid, content)`;
/// `kept_uid(requested_uid, name)` gives the UID an earlier manifest leaves to this one.
pub fn build_manifests(
    inputs: Vec<ManifestInput>,
    holder: &str,
    kept_uid: impl Fn(Option<&str>, &str) -> Option<String>,
) -> ApiResult<(Vec<ManifestRef>, Vec<(String, String)>)> {
    let mut refs: Vec<ManifestRef> = Vec::new();
    let mut contents = Vec::new();
    for (index, input) in inputs.into_iter().enumerate() {
        let name = non_empty(&input.name).ok_or_else(|| ApiError::bad_request(format!("{holder}: manifests[{index}].name is required")))?.to_string();
        if refs.iter().any(|m| m.name == name) {
            return Err(ApiError::bad_request(format!("{holder}: manifest '{name}' appears twice")));
        }
        let uid = kept_uid(non_empty(&input.uid), &name).unwrap_or_else(new_uid);
        let content = input.content.unwrap_or_default();
        refs.push(ManifestRef { uid: uid.clone(), name, kind: manifest_kind(&content) });
        contents.push((uid, content));
    }
    Ok((refs, contents))
}

/// The manifest `uid` of `manifests` (404 when absent).
pub fn find_manifest<'m>(manifests: &'m [ManifestRef], uid: &str) -> ApiResult<&'m ManifestRef> {
    manifests.iter().find(|m| m.uid == uid).ok_or_else(|| ApiError::not_found("manifest", uid))
}

/// Where the contents of a layer's manifests are kept, by manifest UID: an
/// application profile keeps them in one map, a cluster profile per template.
pub trait ContentStore {
    fn store(&mut self, uid: &str, content: String);
    fn discard(&mut self, uid: &str);
}

impl ContentStore for BTreeMap<String, String> {
    fn store(&mut self, uid: &str, content: String) {
        self.insert(uid.to_string(), content);
    }

    fn discard(&mut self, uid: &str) {
        self.remove(uid);
    }
}

/// A cluster profile's manifests are edited in its draft.
impl ContentStore for ManifestContents {
    fn store(&mut self, uid: &str, content: String) {
        self.set_draft(uid, content);
    }

    fn discard(&mut self, uid: &str) {
        self.remove_draft(uid);
    }
}

/// The manifests of one layer (an application tier, a profile's pack) with
/// the store of their contents: the one place manifests are added, changed
/// and removed, so the list and the contents never disagree.
pub struct ManifestLayer<'a, C: ContentStore> {
    /// Names the layer in errors, e.g. `tier 'web'`.
    pub holder: String,
    pub manifests: &'a mut Vec<ManifestRef>,
    pub contents: &'a mut C,
}

impl<C: ContentStore> ManifestLayer<'_, C> {
    /// 409 when a manifest other than `except` is named `name`.
    fn check_name_free(&self, name: &str, except: Option<&str>) -> ApiResult<()> {
        if self.manifests.iter().any(|m| m.name == name && Some(m.uid.as_str()) != except) {
            return Err(ApiError::duplicate(format!("{} already has a manifest named '{name}'", self.holder)));
        }
        Ok(())
    }

    /// Adds manifest `name` (409 when the name is taken); returns its new UID.
    pub fn add(self, name: String, content: Option<String>) -> ApiResult<String> {
        self.check_name_free(&name, None)?;
        let content = content.unwrap_or_default();
        let uid = new_uid();
        self.manifests.push(ManifestRef { uid: uid.clone(), name, kind: manifest_kind(&content) });
        self.contents.store(&uid, content);
        Ok(uid)
    }

    /// Renames manifest `uid` and, given new content, stores it and takes its
    /// kind (409 when another manifest has the name, 404 when `uid` is absent).
    pub fn update(self, uid: &str, name: String, content: Option<String>) -> ApiResult<()> {
        self.check_name_free(&name, Some(uid))?;
        let manifest = self.manifests.iter_mut().find(|m| m.uid == uid).ok_or_else(|| ApiError::not_found("manifest", uid))?;
        manifest.name = name;
        if let Some(content) = content {
            manifest.kind = manifest_kind(&content);
            self.contents.store(uid, content);
        }
        Ok(())
    }

    /// Drops manifest `uid` and its content (404 when absent).
    pub fn remove(self, uid: &str) -> ApiResult<()> {
        let position = self.manifests.iter().position(|m| m.uid == uid).ok_or_else(|| ApiError::not_found("manifest", uid))?;
        self.manifests.remove(position);
        self.contents.discard(uid);
        Ok(())
    }
}

/// Manifest contents of a profile, by manifest UID, for its draft and published
/// templates (contents are not inline in the profile, clients fetch them separately).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ManifestContents(BTreeMap<String, ManifestContent>);

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ManifestContent {
    pub draft: Option<String>,
    pub published: Option<String>,
}

/// `{content, digest}`, or null when there is no content.
pub fn content_view(content: Option<&String>) -> Value {
    content.map_or(Value::Null, |content| json!({ "content": content, "digest": digest(content) }))
}

impl ManifestContents {
    pub fn get(&self, uid: &str) -> Option<&ManifestContent> {
        self.0.get(uid)
    }

    pub fn set_draft(&mut self, uid: &str, content: String) {
        self.0.entry(uid.to_string()).or_default().draft = Some(content);
    }

    pub fn remove_draft(&mut self, uid: &str) {
        if let Some(content) = self.0.get_mut(uid) {
            content.draft = None;
        }
        self.0.retain(|_, content| content.draft.is_some() || content.published.is_some());
    }

    /// The draft template was replaced: its manifests now have exactly `drafts`.
    pub fn replace_drafts(&mut self, drafts: Vec<(String, String)>) {
        for content in self.0.values_mut() {
            content.draft = None;
        }
        for (uid, content) in drafts {
            self.set_draft(&uid, content);
        }
        self.0.retain(|_, content| content.draft.is_some() || content.published.is_some());
    }

    /// The draft becomes the published template, whose manifests are `published_uids`.
    pub fn publish(&mut self, published_uids: &[String]) {
        for (uid, content) in self.0.iter_mut() {
            content.published = if published_uids.contains(uid) { content.draft.take().or(content.published.take()) } else { None };
            content.draft = None;
        }
        self.0.retain(|_, content| content.published.is_some());
    }

    /// A draft copied from the published template starts with the same contents.
    pub fn draft_from_published(&mut self) {
        for content in self.0.values_mut() {
            content.draft = content.published.clone();
        }
    }

    /// Moves every entry to the new UID given by `renames` (used by clones).
    pub fn renamed(&self, renames: &BTreeMap<String, String>) -> ManifestContents {
        ManifestContents(
            self.0.iter().filter_map(|(uid, content)| renames.get(uid).map(|new_uid| (new_uid.clone(), content.clone()))).collect(),
        )
    }

    /// `{draft: {content, digest} | null, published: {content, digest} | null}`.
    pub fn spec_view(&self, uid: &str) -> Value {
        let content = self.0.get(uid);
        json!({
            "draft": content_view(content.and_then(|c| c.draft.as_ref())),
            "published": content_view(content.and_then(|c| c.published.as_ref())),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_default_trim_and_clones_keep_the_source_version() {
        assert_eq!(requested_version(None).unwrap(), "1.0.0");
        assert_eq!(requested_version(Some(" 2.1.0 ")).unwrap(), "2.1.0");
        assert!(requested_version(Some("not a version")).is_err());
        assert_eq!(clone_version(Some("  "), "1.2.3").unwrap(), "1.2.3");
        assert_eq!(clone_version(Some("3.0.0"), "1.2.3").unwrap(), "3.0.0");
    }

    #[test]
    fn manifest_names_stay_unique_within_their_layer_and_contents_follow() {
        fn layer<'a>(manifests: &'a mut Vec<ManifestRef>, contents: &'a mut BTreeMap<String, String>) -> ManifestLayer<'a, BTreeMap<String, String>> {
            ManifestLayer { holder: "tier 'web'".to_string(), manifests, contents }
        }
        let (mut manifests, mut contents) = (Vec::new(), BTreeMap::new());
        let first = layer(&mut manifests, &mut contents).add("a".into(), Some("kind: ConfigMap".into())).unwrap();
        let second = layer(&mut manifests, &mut contents).add("b".into(), None).unwrap();
        let taken = layer(&mut manifests, &mut contents).add("a".into(), None).unwrap_err();
        assert_eq!(taken.message, "tier 'web' already has a manifest named 'a'");
        assert!(layer(&mut manifests, &mut contents).update(&second, "a".into(), None).is_err());
        layer(&mut manifests, &mut contents).update(&first, "c".into(), Some("kind: Secret".into())).unwrap();
        layer(&mut manifests, &mut contents).remove(&second).unwrap();
        assert!(layer(&mut manifests, &mut contents).remove(&second).is_err());
        assert_eq!(find_manifest(&manifests, &first).unwrap().kind, "Secret");
        assert!(find_manifest(&manifests, &second).is_err());
        assert_eq!(contents, BTreeMap::from([(first.clone(), "kind: Secret".to_string())]));
    }

    #[test]
    fn publish_moves_drafts_and_drops_unreferenced() {
        let mut contents = ManifestContents::default();
        contents.set_draft("a", "A1".into());
        contents.set_draft("b", "B1".into());
        contents.publish(&["a".to_string(), "b".to_string()]);
        contents.replace_drafts(vec![("a".into(), "A2".into()), ("c".into(), "C1".into())]);
        assert_eq!(contents.get("b"), Some(&ManifestContent { draft: None, published: Some("B1".into()) }));
        contents.publish(&["a".to_string(), "c".to_string()]);
        assert_eq!(contents.get("a"), Some(&ManifestContent { draft: None, published: Some("A2".into()) }));
        assert_eq!(contents.get("b"), None);
        assert_eq!(contents.get("c").and_then(|c| c.published.clone()).as_deref(), Some("C1"));
        contents.draft_from_published();
        assert_eq!(contents.spec_view("a")["draft"]["content"], "A2");
        let renamed = contents.renamed(&BTreeMap::from([("a".to_string(), "z".to_string())]));
        assert!(renamed.get("z").is_some() && renamed.get("a").is_none() && renamed.get("c").is_none());
    }
}
