//! Fault injection: a seeded generator decides, request by request, whether a `/v1`
//! request has its connection reset, is answered with 429/502/503/504, or passes.
//! Each `/v1` request draws the same three numbers whatever the settings, so one seed
//! and one sequence of requests always give the same faults. Faults may be limited to
//! some routes (the others pass, drawing all the same). Routes named in
//! `failRoutes` always fail with the status given for them.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

use super::error::{codes, ApiError, ApiResult};

/// Statuses a failing request is answered with, chosen uniformly.
const FAULT_STATUSES: [StatusCode; 4] =
    [StatusCode::TOO_MANY_REQUESTS, StatusCode::BAD_GATEWAY, StatusCode::SERVICE_UNAVAILABLE, StatusCode::GATEWAY_TIMEOUT];

pub const DEFAULT_RETRY_AFTER_SECONDS: u64 = 1;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FaultSettings {
    /// Share of requests answered with a fault status.
    pub rate: f64,
    /// Share of requests whose connection is dropped before any response.
    pub reset_rate: f64,
    /// Delay added to every `/v1` response.
    pub latency_ms: u64,
    /// Seed the generator was last (re)started with.
    pub seed: u64,
    /// `Retry-After` value sent with 429.
    pub retry_after_seconds: u64,
    /// Route templates (`"GET /v1/projects/{uid}"`, as in the stats) faults apply
    /// to; empty means every `/v1` route.
    pub routes: Vec<String>,
    /// Routes (`"POST /v1/dashboard/projects"`, as the stats name them) that always
    /// fail, with their status.
    pub fail_routes: BTreeMap<String, u16>,
}

/// A change of settings (`POST /__admin/faults`); absent members stay as they are.
/// Giving `seed` restarts the generator.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FaultUpdate {
    pub rate: Option<f64>,
    pub reset_rate: Option<f64>,
    pub latency_ms: Option<u64>,
    pub seed: Option<u64>,
    pub retry_after_seconds: Option<u64>,
    pub routes: Option<Vec<String>>,
    /// Replaces the failing routes (`{}` clears them).
    pub fail_routes: Option<BTreeMap<String, u16>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Drop the connection without answering.
    Reset,
    /// Answer with this status.
    Status(StatusCode),
}

/// What happens to one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    pub fault: Option<Fault>,
    pub latency: Duration,
}

pub struct Faults {
    state: Mutex<(FaultSettings, StdRng)>,
}

fn check_statuses(routes: &BTreeMap<String, u16>) -> ApiResult<()> {
    match routes.iter().find(|(_, status)| !(400..=599).contains(*status)) {
        Some((route, status)) => Err(ApiError::bad_request(format!("failRoutes: {route} needs an error status (400-599), not {status}"))),
        None => Ok(()),
    }
}

fn check_share(name: &str, value: Option<f64>) -> ApiResult<()> {
    match value {
        Some(share) if !(0.0..=1.0).contains(&share) => Err(ApiError::bad_request(format!("{name} must be between 0 and 1"))),
        _ => Ok(()),
    }
}

impl Faults {
    pub fn new(settings: FaultSettings) -> ApiResult<Faults> {
        check_share("rate", Some(settings.rate))?;
        check_share("resetRate", Some(settings.reset_rate))?;
        check_statuses(&settings.fail_routes)?;
        let rng = StdRng::seed_from_u64(settings.seed);
        Ok(Faults { state: Mutex::new((settings, rng)) })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, (FaultSettings, StdRng)> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn settings(&self) -> FaultSettings {
        self.lock().0.clone()
    }

    pub fn update(&self, update: FaultUpdate) -> ApiResult<FaultSettings> {
        check_share("rate", update.rate)?;
        check_share("resetRate", update.reset_rate)?;
        if let Some(routes) = &update.fail_routes {
            check_statuses(routes)?;
        }
        let mut state = self.lock();
        let (settings, rng) = &mut *state;
        settings.rate = update.rate.unwrap_or(settings.rate);
        settings.reset_rate = update.reset_rate.unwrap_or(settings.reset_rate);
        settings.latency_ms = update.latency_ms.unwrap_or(settings.latency_ms);
        settings.retry_after_seconds = update.retry_after_seconds.unwrap_or(settings.retry_after_seconds);
        if let Some(routes) = update.routes {
            settings.routes = routes;
        }
        if let Some(routes) = update.fail_routes {
            settings.fail_routes = routes;
        }
        if let Some(seed) = update.seed {
            settings.seed = seed;
            *rng = StdRng::seed_from_u64(seed);
        }
        Ok(settings.clone())
    }

    /// The fault of a route named in `failRoutes`.
    pub fn route_fault(&self, route: &str) -> Option<Fault> {
        let status = *self.lock().0.fail_routes.get(route)?;
        StatusCode::from_u16(status).ok().map(Fault::Status)
    }

    /// Decides the fate of the next `/v1` request, to the route template `route`.
    pub fn decide(&self, route: &str) -> Decision {
        let mut state = self.lock();
        let (settings, rng) = &mut *state;
        let (reset_draw, fault_draw, status_draw): (f64, f64, usize) =
            (rng.random(), rng.random(), rng.random_range(0..FAULT_STATUSES.len()));
        let targeted = settings.routes.is_empty() || settings.routes.iter().any(|r| r == route);
        let fault = if !targeted {
            None
        } else if reset_draw < settings.reset_rate {
            Some(Fault::Reset)
        } else if fault_draw < settings.rate {
            Some(Fault::Status(FAULT_STATUSES[status_draw]))
        } else {
            None
        };
        Decision { fault, latency: Duration::from_millis(settings.latency_ms) }
    }

    /// The response for an injected fault status.
    pub fn respond(&self, status: StatusCode) -> Response {
        let code = match status {
            StatusCode::NOT_FOUND => codes::NOT_FOUND,
            StatusCode::FORBIDDEN => codes::FORBIDDEN,
            StatusCode::TOO_MANY_REQUESTS => codes::TOO_MANY_REQUESTS,
            StatusCode::BAD_GATEWAY => codes::BAD_GATEWAY,
            StatusCode::SERVICE_UNAVAILABLE => codes::SERVICE_UNAVAILABLE,
            StatusCode::GATEWAY_TIMEOUT => codes::GATEWAY_TIMEOUT,
            _ => codes::INTERNAL,
        };
        let mut response = ApiError::new(status, code, "fault injected by palette-local").into_response();
        if status == StatusCode::TOO_MANY_REQUESTS {
            let retry_after = HeaderValue::from(self.settings().retry_after_seconds);
            response.headers_mut().insert(header::RETRY_AFTER, retry_after);
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sequence(faults: &Faults, n: usize) -> Vec<Option<Fault>> {
        (0..n).map(|_| faults.decide("GET /v1/x").fault).collect()
    }

    fn with(rate: f64, reset_rate: f64, seed: u64) -> Faults {
        Faults::new(FaultSettings { rate, reset_rate, latency_ms: 0, seed, retry_after_seconds: 1, routes: Vec::new(), fail_routes: BTreeMap::new() }).unwrap()
    }

    #[test]
    fn same_seed_same_faults() {
        let a = sequence(&with(0.3, 0.1, 42), 200);
        assert_eq!(a, sequence(&with(0.3, 0.1, 42), 200));
        assert_ne!(a, sequence(&with(0.3, 0.1, 43), 200));
        let failures = a.iter().filter(|f| f.is_some()).count();
        assert!((40..=120).contains(&failures), "{failures} faults out of 200");
        assert!(a.contains(&Some(Fault::Reset)));
    }

    #[test]
    fn zero_rates_never_fail_and_one_always_fails() {
        assert!(sequence(&with(0.0, 0.0, 1), 100).iter().all(Option::is_none));
        assert!(sequence(&with(1.0, 0.0, 1), 100).iter().all(|f| matches!(f, Some(Fault::Status(_)))));
        assert!(sequence(&with(0.0, 1.0, 1), 100).iter().all(|f| f == &Some(Fault::Reset)));
    }

    #[test]
    fn reseeding_restarts_the_sequence() {
        let faults = with(0.5, 0.0, 7);
        let first = sequence(&faults, 50);
        faults.update(FaultUpdate { seed: Some(7), ..FaultUpdate::default() }).unwrap();
        assert_eq!(first, sequence(&faults, 50));
    }

    #[test]
    fn faults_can_be_limited_to_some_routes_without_changing_the_sequence() {
        let everywhere = with(1.0, 0.0, 3);
        let targeted = with(1.0, 0.0, 3);
        targeted.update(FaultUpdate { routes: Some(vec!["GET /v1/projects/{uid}".into()]), ..FaultUpdate::default() }).unwrap();
        assert_eq!(targeted.decide("GET /v1/dashboard/projects/metadata").fault, None);
        let hit = targeted.decide("GET /v1/projects/{uid}").fault;
        everywhere.decide("GET /v1/x");
        assert_eq!(hit, everywhere.decide("GET /v1/x").fault, "the other route still drew its numbers");
    }

    #[test]
    fn failing_routes_always_fail_with_their_status() {
        let faults = with(0.0, 0.0, 1);
        assert_eq!(faults.route_fault("POST /v1/dashboard/projects"), None);
        let routes = BTreeMap::from([("POST /v1/dashboard/projects".to_string(), 500)]);
        faults.update(FaultUpdate { fail_routes: Some(routes), ..FaultUpdate::default() }).unwrap();
        assert_eq!(faults.route_fault("POST /v1/dashboard/projects"), Some(Fault::Status(StatusCode::INTERNAL_SERVER_ERROR)));
        assert_eq!(faults.route_fault("GET /v1/projects/{uid}"), None);
        let not_an_error = BTreeMap::from([("GET /v1/projects/{uid}".to_string(), 200)]);
        assert!(faults.update(FaultUpdate { fail_routes: Some(not_an_error), ..FaultUpdate::default() }).is_err());
        faults.update(FaultUpdate { fail_routes: Some(BTreeMap::new()), ..FaultUpdate::default() }).unwrap();
        assert_eq!(faults.route_fault("POST /v1/dashboard/projects"), None);
    }

    #[test]
    fn shares_outside_zero_one_are_rejected() {
        let faults = with(0.0, 0.0, 1);
        assert!(faults.update(FaultUpdate { rate: Some(1.5), ..FaultUpdate::default() }).is_err());
        assert!(faults.update(FaultUpdate { reset_rate: Some(-0.1), ..FaultUpdate::default() }).is_err());
        assert_eq!(faults.settings().rate, 0.0);
    }
}
