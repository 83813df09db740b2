//! The SQLite document store.
//!
//! Every object is one row of `objects`: its kind (a short string owned by the route
//! module, e.g. `"project"`), UID, owner scope, name and JSON body. Rows keep their
//! creation order (`rowid`), which is the default listing order. `refs` records which
//! object uses which (a cluster using a profile, a group using a host cluster), so
//! deletes can be refused while something still refers to the target. `settings`
//! holds small server values (clock offset, tenant identity), `api_keys` the keys.
//!
//! One connection behind a mutex serializes all access: every [`Store::run`] call is a
//! transaction executed on the blocking thread pool, so a handler's read-check-write
//! sequence is atomic and concurrent clients never see `database is locked`.

use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::{params, Connection, OptionalExtension};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::error::{ApiError, ApiResult};
use super::scope::Scope;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS objects (
    kind TEXT NOT NULL,
    uid TEXT NOT NULL,
    scope TEXT NOT NULL,
    project_uid TEXT NOT NULL,
    name TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS objects_by_uid ON objects(kind, uid);
CREATE INDEX IF NOT EXISTS objects_by_owner ON objects(kind, scope, project_uid, name);
CREATE INDEX IF NOT EXISTS objects_by_project ON objects(project_uid);
CREATE TABLE IF NOT EXISTS refs (
    from_kind TEXT NOT NULL,
    from_uid TEXT NOT NULL,
    to_kind TEXT NOT NULL,
    to_uid TEXT NOT NULL,
    PRIMARY KEY (from_kind, from_uid, to_kind, to_uid)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS refs_by_target ON refs(to_kind, to_uid);
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS api_keys (key TEXT PRIMARY KEY) WITHOUT ROWID;
";

#[derive(Clone)]
pub struct Store {
    conn: Arc<Mutex<Connection>>,
}

/// One stored object: where it lives and its decoded body.
#[derive(Debug, Clone, PartialEq)]
pub struct Row<T> {
    pub uid: String,
    pub owner: Scope,
    pub value: T,
}

impl Store {
    /// Opens (creating if needed) the database at `path`; `:memory:` keeps it in memory.
    pub fn open(path: &str) -> anyhow::Result<Store> {
        let conn = if path == ":memory:" { Connection::open_in_memory()? } else { Connection::open(path)? };
        if path != ":memory:" {
            let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |row| row.get(0))?;
            anyhow::ensure!(mode.eq_ignore_ascii_case("wal"), "could not enable WAL mode (got {mode})");
            conn.pragma_update(None, "synchronous", "NORMAL")?;
        }
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.execute_batch(SCHEMA)?;
        Ok(Store { conn: Arc::new(Mutex::new(conn)) })
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic inside a transaction rolls it back on unwind, so the connection
        // behind a poisoned mutex is still consistent.
        self.conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs `work` in one transaction on the blocking pool; commits on `Ok`.
    pub async fn run<T, F>(&self, work: F) -> ApiResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Tx<'_>) -> ApiResult<T> + Send + 'static,
    {
        let store = self.clone();
        tokio::task::spawn_blocking(move || store.run_blocking(work))
            .await
            .map_err(|err| ApiError::internal(format!("storage task failed: {err}")))?
    }

    /// [`Store::run`] for callers that are already off the async runtime.
    pub fn run_blocking<T, F>(&self, work: F) -> ApiResult<T>
    where
        F: FnOnce(&Tx<'_>) -> ApiResult<T>,
    {
        let mut conn = self.lock();
        let tx = Tx { inner: conn.transaction()? };
        let result = work(&tx)?;
        tx.inner.commit()?;
        Ok(result)
    }
}

/// A transaction; all object access goes through its methods.
pub struct Tx<'c> {
    inner: rusqlite::Transaction<'c>,
}

fn decode<T: DeserializeOwned>(uid: String, scope: String, project_uid: String, body: String) -> ApiResult<Row<T>> {
    Ok(Row { uid, owner: Scope::from_columns(&scope, project_uid)?, value: serde_json::from_str(&body)? })
}

type RawRow = (String, String, String, String);

fn raw_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<RawRow> {
    Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
}

impl Tx<'_> {
    /// Inserts a new object. The caller has checked name uniqueness.
    pub fn insert<T: Serialize>(&self, kind: &str, owner: &Scope, uid: &str, name: &str, value: &T) -> ApiResult<()> {
        let body = serde_json::to_string(value)?;
        self.inner
            .prepare_cached("INSERT INTO objects (kind, uid, scope, project_uid, name, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?
            .execute(params![kind, uid, owner.as_str(), owner.project_uid(), name, body])?;
        Ok(())
    }

    /// Replaces an object's body and name, keeping its owner and creation order.
    pub fn update<T: Serialize>(&self, kind: &str, uid: &str, name: &str, value: &T) -> ApiResult<()> {
        let body = serde_json::to_string(value)?;
        let changed = self
            .inner
            .prepare_cached("UPDATE objects SET name = ?3, body = ?4 WHERE kind = ?1 AND uid = ?2")?
            .execute(params![kind, uid, name, body])?;
        if changed == 0 {
            return Err(ApiError::internal(format!("update of missing {kind} {uid}")));
        }
        Ok(())
    }

    /// Deletes an object and the references it holds. Returns whether it existed.
    pub fn delete(&self, kind: &str, uid: &str) -> ApiResult<bool> {
        let removed = self.inner.prepare_cached("DELETE FROM objects WHERE kind = ?1 AND uid = ?2")?.execute(params![kind, uid])?;
        self.set_references(kind, uid, &[])?;
        Ok(removed > 0)
    }

    pub fn exists(&self, kind: &str, uid: &str) -> ApiResult<bool> {
        let found = self
            .inner
            .prepare_cached("SELECT 1 FROM objects WHERE kind = ?1 AND uid = ?2")?
            .query_row(params![kind, uid], |_| Ok(()))
            .optional()?;
        Ok(found.is_some())
    }

    /// An object by UID, whatever its scope.
    pub fn get<T: DeserializeOwned>(&self, kind: &str, uid: &str) -> ApiResult<Option<Row<T>>> {
        let raw = self
            .inner
            .prepare_cached("SELECT uid, scope, project_uid, body FROM objects WHERE kind = ?1 AND uid = ?2")?
            .query_row(params![kind, uid], raw_row)
            .optional()?;
        raw.map(|(uid, scope, project_uid, body)| decode(uid, scope, project_uid, body)).transpose()
    }

    /// An object by UID as seen from `scope`: 404 `ResourceNotFound` (naming it with
    /// `label`) when it does not exist or lives in another scope.
    pub fn get_visible<T: DeserializeOwned>(&self, kind: &str, label: &str, uid: &str, scope: &Scope) -> ApiResult<Row<T>> {
        match self.get(kind, uid)? {
            Some(row) if row.owner.visible_from(scope) => Ok(row),
            _ => Err(ApiError::not_found(label, uid)),
        }
    }

    fn query_rows<T: DeserializeOwned>(&self, sql: &str, params: impl rusqlite::Params) -> ApiResult<Vec<Row<T>>> {
        let mut statement = self.inner.prepare_cached(sql)?;
        let raws = statement.query_map(params, raw_row)?.collect::<Result<Vec<_>, _>>()?;
        raws.into_iter().map(|(uid, scope, project_uid, body)| decode(uid, scope, project_uid, body)).collect()
    }

    /// Objects of `kind` visible from `scope`, in creation order.
    pub fn list<T: DeserializeOwned>(&self, kind: &str, scope: &Scope) -> ApiResult<Vec<Row<T>>> {
        self.query_rows(
            "SELECT uid, scope, project_uid, body FROM objects
             WHERE kind = ?1 AND (scope = 'system' OR (scope = ?2 AND project_uid = ?3)) ORDER BY rowid",
            params![kind, scope.as_str(), scope.project_uid()],
        )
    }

    /// Objects of `kind` named `name` visible from `scope`, in creation order.
    pub fn list_named<T: DeserializeOwned>(&self, kind: &str, scope: &Scope, name: &str) -> ApiResult<Vec<Row<T>>> {
        self.query_rows(
            "SELECT uid, scope, project_uid, body FROM objects
             WHERE kind = ?1 AND name = ?4 AND (scope = 'system' OR (scope = ?2 AND project_uid = ?3)) ORDER BY rowid",
            params![kind, scope.as_str(), scope.project_uid(), name],
        )
    }

    /// Every object of `kind`, whatever its scope, in creation order.
    pub fn list_all<T: DeserializeOwned>(&self, kind: &str) -> ApiResult<Vec<Row<T>>> {
        self.query_rows("SELECT uid, scope, project_uid, body FROM objects WHERE kind = ?1 ORDER BY rowid", params![kind])
    }

    /// Number of objects of `kind` owned by exactly `owner`.
    pub fn count_owned(&self, kind: &str, owner: &Scope) -> ApiResult<u64> {
        let count: i64 = self
            .inner
            .prepare_cached("SELECT COUNT(*) FROM objects WHERE kind = ?1 AND scope = ?2 AND project_uid = ?3")?
            .query_row(params![kind, owner.as_str(), owner.project_uid()], |row| row.get(0))?;
        Ok(u64::try_from(count).unwrap_or(0))
    }

    /// Deletes every object a project owns, with the references they hold.
    pub fn delete_project_contents(&self, project_uid: &str) -> ApiResult<()> {
        self.inner.execute(
            "DELETE FROM refs WHERE EXISTS (SELECT 1 FROM objects o WHERE o.project_uid = ?1 AND o.scope = 'project'
                                            AND o.kind = refs.from_kind AND o.uid = refs.from_uid)",
            params![project_uid],
        )?;
        self.inner.execute("DELETE FROM objects WHERE scope = 'project' AND project_uid = ?1", params![project_uid])?;
        Ok(())
    }

    /// Replaces the set of objects that `(from_kind, from_uid)` refers to.
    pub fn set_references(&self, from_kind: &str, from_uid: &str, targets: &[(&str, &str)]) -> ApiResult<()> {
        self.inner
            .prepare_cached("DELETE FROM refs WHERE from_kind = ?1 AND from_uid = ?2")?
            .execute(params![from_kind, from_uid])?;
        let mut insert =
            self.inner.prepare_cached("INSERT OR IGNORE INTO refs (from_kind, from_uid, to_kind, to_uid) VALUES (?1, ?2, ?3, ?4)")?;
        for (to_kind, to_uid) in targets {
            insert.execute(params![from_kind, from_uid, to_kind, to_uid])?;
        }
        Ok(())
    }

    /// `(kind, uid)` of every object that refers to `(to_kind, to_uid)`.
    pub fn referrers(&self, to_kind: &str, to_uid: &str) -> ApiResult<Vec<(String, String)>> {
        let mut statement = self
            .inner
            .prepare_cached("SELECT from_kind, from_uid FROM refs WHERE to_kind = ?1 AND to_uid = ?2 ORDER BY from_kind, from_uid")?;
        let rows = statement.query_map(params![to_kind, to_uid], |row| Ok((row.get(0)?, row.get(1)?)))?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    pub fn setting(&self, key: &str) -> ApiResult<Option<String>> {
        Ok(self
            .inner
            .prepare_cached("SELECT value FROM settings WHERE key = ?1")?
            .query_row(params![key], |row| row.get(0))
            .optional()?)
    }

    pub fn set_setting(&self, key: &str, value: &str) -> ApiResult<()> {
        self.inner
            .prepare_cached("INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value")?
            .execute(params![key, value])?;
        Ok(())
    }

    pub fn api_keys(&self) -> ApiResult<Vec<String>> {
        let mut statement = self.inner.prepare_cached("SELECT key FROM api_keys ORDER BY key")?;
        let keys = statement.query_map([], |row| row.get(0))?;
        Ok(keys.collect::<Result<Vec<_>, _>>()?)
    }

    pub fn add_api_key(&self, key: &str) -> ApiResult<()> {
        self.inner.prepare_cached("INSERT OR IGNORE INTO api_keys (key) VALUES (?1)")?.execute(params![key])?;
        Ok(())
    }

    /// True when the database holds no objects and no API keys (a seed may be loaded).
    pub fn is_empty(&self) -> ApiResult<bool> {
        let count: i64 =
            self.inner.query_row("SELECT (SELECT COUNT(*) FROM objects) + (SELECT COUNT(*) FROM api_keys)", [], |row| row.get(0))?;
        Ok(count == 0)
    }

    /// Removes everything: objects, references, settings and keys.
    pub fn clear(&self) -> ApiResult<()> {
        self.inner.execute_batch("DELETE FROM objects; DELETE FROM refs; DELETE FROM settings; DELETE FROM api_keys;")?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn store() -> Store {
        Store::open(":memory:").unwrap()
    }

    #[test]
    fn insert_get_update_delete_round_trip() {
        let store = store();
        let project = Scope::Project("p1".into());
        store
            .run_blocking(|tx| {
                tx.insert("thing", &project, "u1", "one", &json!({"a": 1}))?;
                let row: Row<Value> = tx.get("thing", "u1")?.unwrap();
                assert_eq!(row.owner, project);
                assert_eq!(row.value, json!({"a": 1}));
                tx.update("thing", "u1", "uno", &json!({"a": 2}))?;
                assert_eq!(tx.list_named::<Value>("thing", &project, "uno")?.len(), 1);
                assert!(tx.delete("thing", "u1")?);
                assert!(!tx.exists("thing", "u1")?);
                assert!(!tx.delete("thing", "u1")?);
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn listing_respects_scope_and_order() {
        let store = store();
        store
            .run_blocking(|tx| {
                tx.insert("thing", &Scope::Tenant, "t", "t", &json!(1))?;
                tx.insert("thing", &Scope::Project("p".into()), "p", "p", &json!(2))?;
                tx.insert("thing", &Scope::System, "s", "s", &json!(3))?;
                tx.insert("thing", &Scope::Tenant, "t2", "t2", &json!(4))?;
                let uids = |rows: Vec<Row<Value>>| rows.into_iter().map(|r| r.uid).collect::<Vec<_>>();
                assert_eq!(uids(tx.list("thing", &Scope::Tenant)?), ["t", "s", "t2"]);
                assert_eq!(uids(tx.list("thing", &Scope::Project("p".into()))?), ["p", "s"]);
                assert_eq!(uids(tx.list("thing", &Scope::Project("q".into()))?), ["s"]);
                assert!(tx.get_visible::<Value>("thing", "thing", "p", &Scope::Tenant).is_err());
                assert_eq!(tx.count_owned("thing", &Scope::Tenant)?, 2);
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn failed_work_rolls_back() {
        let store = store();
        let result: ApiResult<()> = store.run_blocking(|tx| {
            tx.insert("thing", &Scope::Tenant, "u", "n", &json!(1))?;
            Err(ApiError::bad_request("no"))
        });
        assert!(result.is_err());
        assert!(store.run_blocking(|tx| tx.is_empty()).unwrap());
    }

    #[test]
    fn references_follow_their_source() {
        let store = store();
        store
            .run_blocking(|tx| {
                tx.insert("cluster", &Scope::Project("p".into()), "c", "c", &json!({}))?;
                tx.set_references("cluster", "c", &[("profile", "x"), ("profile", "y")])?;
                assert_eq!(tx.referrers("profile", "x")?, [("cluster".to_string(), "c".to_string())]);
                tx.delete_project_contents("p")?;
                assert!(tx.referrers("profile", "y")?.is_empty());
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn file_database_persists_and_settings_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.db");
        let path = path.to_str().unwrap();
        Store::open(path)
            .unwrap()
            .run_blocking(|tx| {
                tx.set_setting("k", "v1")?;
                tx.set_setting("k", "v2")?;
                tx.add_api_key("key")
            })
            .unwrap();
        let reopened = Store::open(path).unwrap();
        reopened
            .run_blocking(|tx| {
                assert_eq!(tx.setting("k")?.as_deref(), Some("v2"));
                assert_eq!(tx.api_keys()?, ["key"]);
                assert!(!tx.is_empty()?);
                tx.clear()?;
                assert!(tx.is_empty()?);
                Ok(())
            })
            .unwrap();
    }
}
