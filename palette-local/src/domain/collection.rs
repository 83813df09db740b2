//! Typed access to the store: a stored kind says once how its rows are named
//! ([`Kind`]), and every kind is then inserted, loaded, saved and modified by the
//! same functions, which also keep the store's reference table in step with what
//! the object uses.

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::ApiResult;
use crate::lifecycle::{timestamp_of, Millis};
use crate::model::{require_uid, ObjectMeta};
use crate::scope::Scope;
use crate::store::{Row, Tx};

/// A kind of stored object.
pub trait Kind: Serialize + DeserializeOwned {
    /// The store's name for rows of this kind.
    const KIND: &'static str;
    /// How errors name one object ("cluster profile").
    const LABEL: &'static str;

    fn metadata(&self) -> &ObjectMeta;

    fn metadata_mut(&mut self) -> &mut ObjectMeta;

    /// The objects this one uses, as `(kind, uid)`, kept in the store's reference
    /// table on every write; `None` for kinds that use nothing. `now` is the
    /// lifecycle clock's time (a cluster being deleted lets go of its profiles).
    fn references(&self, _now: Millis) -> Option<Vec<(&'static str, String)>> {
        None
    }
}

/// Stores a new object owned by `owner`, with the references it holds. The caller
/// has checked its name.
pub fn insert<K: Kind>(tx: &Tx<'_>, owner: &Scope, value: &K, now: Millis) -> ApiResult<()> {
    let metadata = value.metadata();
    tx.insert(K::KIND, owner, &metadata.uid, &metadata.name, value)?;
    record_references(tx, value, now)
}

/// The object `uid` as seen from `scope` (400 for a malformed UID, 404 when it is
/// absent or lives in another scope).
pub fn load<K: Kind>(tx: &Tx<'_>, uid: &str, scope: &Scope) -> ApiResult<Row<K>> {
    require_uid(uid)?;
    tx.get_visible::<K>(K::KIND, K::LABEL, uid, scope)
}

/// Stores a changed object, with the references it now holds.
pub fn save<K: Kind>(tx: &Tx<'_>, value: &K, now: Millis) -> ApiResult<()> {
    let metadata = value.metadata();
    tx.update(K::KIND, &metadata.uid, &metadata.name, value)?;
    record_references(tx, value, now)
}

/// Loads `uid` as seen from `scope` and [`update`]s it.
pub fn modify<K: Kind, T>(
    tx: &Tx<'_>,
    uid: &str,
    scope: &Scope,
    now: Millis,
    edit: impl FnOnce(&Scope, &mut K) -> ApiResult<T>,
) -> ApiResult<T> {
    update(tx, load(tx, uid, scope)?, now, edit)
}

/// Lets `edit` change a loaded object (it is told the owner), stamps it modified at
/// `now` and saves it; returns what `edit` returned.
pub fn update<K: Kind, T>(tx: &Tx<'_>, row: Row<K>, now: Millis, edit: impl FnOnce(&Scope, &mut K) -> ApiResult<T>) -> ApiResult<T> {
    let Row { owner, mut value, .. } = row;
    let result = edit(&owner, &mut value)?;
    value.metadata_mut().touch(&timestamp_of(now));
    save(tx, &value, now)?;
    Ok(result)
}

/// Implements [`Kind`] for a type whose `metadata` field holds its metadata, from
/// its row kind and label; further items (its `references`) follow a `;`.
macro_rules! impl_kind {
    ($type:ty, $kind:expr, $label:expr $(; $($items:tt)*)?) => {
        impl $crate::domain::collection::Kind for $type {
            const KIND: &'static str = $kind;
            const LABEL: &'static str = $label;

            fn metadata(&self) -> &$crate::model::ObjectMeta {
                &self.metadata
            }

            fn metadata_mut(&mut self) -> &mut $crate::model::ObjectMeta {
                &mut self.metadata
            }

            $($($items)*)?
        }
    };
}
pub(crate) use impl_kind;

fn record_references<K: Kind>(tx: &Tx<'_>, value: &K, now: Millis) -> ApiResult<()> {
    let Some(targets) = value.references(now) else { return Ok(()) };
    let borrowed: Vec<(&str, &str)> = targets.iter().map(|(kind, uid)| (*kind, uid.as_str())).collect();
    tx.set_references(K::KIND, &value.metadata().uid, &borrowed)
}
