//! The state every handler reaches: the store, the lifecycle clock and the
//! cross-cutting services, shared by all requests. [`server`](crate::server) opens it.

use std::sync::Arc;

use axum::extract::FromRef;

use super::auth::Auth;
use super::clock::Clock;
use super::config::LifecycleTimings;
use super::faults::Faults;
use super::lifecycle::{to_millis, Millis};
use super::rate_limit::RateLimits;
use super::seed_file::SeedFile;
use super::stats::Stats;
use super::store::Store;

/// Everything a handler can reach, shared by all requests.
pub struct AppState {
    pub store: Store,
    pub clock: Clock,
    pub timings: LifecycleTimings,
    pub faults: Faults,
    /// Palette's rate limit, off unless asked for.
    pub rate_limits: Arc<RateLimits>,
    pub stats: Stats,
    pub auth: Auth,
    /// The seed the database was (or would be) loaded from; `POST /__admin/reset` reloads it.
    pub seed: SeedFile,
}

pub type SharedState = Arc<AppState>;

impl AppState {
    /// Makes `keys` (read from the database) the accepted API keys.
    pub fn install_api_keys(&self, keys: Vec<String>) -> anyhow::Result<()> {
        anyhow::ensure!(!keys.is_empty(), "the database holds no API key; give the seed an \"apiKeys\" entry");
        self.auth.load_keys(keys);
        Ok(())
    }

    /// The lifecycle clock's current time as an RFC 3339 timestamp.
    pub fn timestamp(&self) -> String {
        self.clock.timestamp()
    }

    /// The lifecycle clock's current time in milliseconds.
    pub fn now(&self) -> Millis {
        to_millis(self.clock.now())
    }
}

/// Lets extractors that only need the store (the request's scope) ask for it.
impl FromRef<SharedState> for Store {
    fn from_ref(app: &SharedState) -> Store {
        app.store.clone()
    }
}
