//! The objects palette-local keeps and the rules they obey, below HTTP: each kind's
//! stored types, its invariants (names, versions, capacity) and the rules between
//! kinds, over the [`store`](crate::store) through one typed [`collection`].
//! Route handlers, the seed and the admin API all work through these modules.

pub mod collection;
pub mod pack;
pub mod project;
pub mod registry;
pub mod tier_failures;
pub mod user;
pub mod versioned;
