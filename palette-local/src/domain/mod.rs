//! The objects palette-local keeps and the rules they obey, below HTTP: each kind's
//! stored types, its invariants (names, versions, capacity) and the rules between
//! kinds, over the [`store`](crate::store) through one typed [`collection`].
//! Route handlers, the seed and the admin API all work through these modules.

pub mod app_deployment;
pub mod app_profile;
pub mod cluster;
pub mod cluster_group;
pub mod cluster_profile;
pub mod collection;
pub mod kinds;
pub mod pack;
pub mod placement;
pub mod project;
pub mod registry;
pub mod tier_failures;
pub mod user;
pub mod versioned;

use crate::error::ApiResult;
use crate::lifecycle::Millis;
use crate::store::Tx;

/// Removes what finished deleting by `now`: virtual clusters and app deployments.
/// Reads already treat them as absent; this runs before every write request and
/// when the clock is advanced, so references they held stop counting.
pub fn purge_finished(tx: &Tx<'_>, now: Millis) -> ApiResult<()> {
    cluster::purge_gone(tx, now)?;
    app_deployment::purge_gone(tx, now)
}
