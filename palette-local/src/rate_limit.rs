//! Palette's API rate limit, enforced when asked (`--rate-limit`, or
//! `POST /__admin/rate-limit`): a token bucket per client address and endpoint
//! prefix, counted the way Palette counts (see [`palette_rate_limits`]), and a
//! `429 TooManyRequests` V1Error beyond it. [`RateLimitLayer`] is the tower
//! layer that applies it to `/v1` requests.
//!
//! A prefix allowing `rate` requests per second with a burst queue of `burst`
//! holds `rate × burst` tokens ("Max with Burst" in Palette's table) and
//! refills at `rate` per second. Palette documents no rate-limit headers, so
//! the 429 carries none (no `Retry-After` either).

use std::collections::{BTreeMap, HashMap};
use std::net::{IpAddr, Ipv4Addr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Instant;

use axum::extract::Request;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use futures::future::{ready, Either, Ready};
use serde::{Deserialize, Serialize};
use tower::{Layer, Service};

use super::error::{codes, ApiError, ApiResult};
use palette_rate_limits::{prefix_matches, PALETTE_BURST, PREFIX_RATES};

/// The address a request came from, put into its extensions by the accept loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

/// The rate and burst of one prefix.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrefixLimit {
    pub rate: f64,
    #[serde(default = "palette_burst")]
    pub burst: f64,
}

fn palette_burst() -> f64 {
    PALETTE_BURST
}

/// What `GET /__admin/rate-limit` reports: the base rate and burst (rate 0 = no
/// limit) and the effective limit of every prefix that differs from the base:
/// Palette's own faster and slower prefixes, scaled with the base rate, and
/// the overrides given.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RateLimitSettings {
    pub rate: f64,
    pub burst: f64,
    pub paths: BTreeMap<String, PrefixLimit>,
}

/// `POST /__admin/rate-limit`: absent members stay as they are; `paths`
/// replaces the overrides given so far.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimitUpdate {
    pub rate: Option<f64>,
    pub burst: Option<f64>,
    pub paths: Option<BTreeMap<String, PrefixLimit>>,
}

/// A prefix with its own budget: path segments after `/v1`, wildcards as `{uid}`.
#[derive(Debug, Clone, PartialEq)]
struct Prefix {
    segments: Vec<String>,
    limit: PrefixLimit,
}

impl Prefix {
    /// Parses `/v1/a/{uid}/b` (`:uid` and any `{name}` are wildcards too).
    fn parse(pattern: &str, limit: PrefixLimit) -> ApiResult<Prefix> {
        let rest = pattern.strip_prefix("/v1/").filter(|rest| !rest.is_empty());
        let Some(rest) = rest else {
            return Err(ApiError::bad_request(format!("rate limit prefix '{pattern}' must start with /v1/")));
        };
        check_limit(pattern, limit)?;
        let segments = rest.trim_end_matches('/').split('/').map(|s| if s.starts_with('{') || s.starts_with(':') { "{uid}".to_string() } else { s.to_string() }).collect();
        Ok(Prefix { segments, limit })
    }

    fn name(&self) -> String {
        format!("/v1/{}", self.segments.join("/"))
    }
}

fn check_limit(what: &str, limit: PrefixLimit) -> ApiResult<()> {
    if !(limit.rate.is_finite() && limit.rate > 0.0 && limit.burst.is_finite() && limit.rate * limit.burst >= 1.0) {
        return Err(ApiError::bad_request(format!(
            "rate limit of {what}: rate must be positive and rate × burst at least 1 (got rate {}, burst {})",
            limit.rate, limit.burst
        )));
    }
    Ok(())
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    updated: Instant,
}

struct Limits {
    rate: f64,
    burst: f64,
    overrides: Vec<Prefix>,
    buckets: HashMap<(IpAddr, String), Bucket>,
}

impl Limits {
    /// Palette's prefixes scaled to the base rate, then the overrides (which win).
    fn prefixes(&self) -> Vec<Prefix> {
        let mut prefixes: Vec<Prefix> = PREFIX_RATES
            .iter()
            .map(|row| Prefix {
                segments: row.segments.iter().map(|s| if *s == "{}" { "{uid}".to_string() } else { s.to_string() }).collect(),
                limit: PrefixLimit { rate: self.rate * row.factor, burst: self.burst },
            })
            .filter(|builtin| !self.overrides.iter().any(|o| o.segments == builtin.segments))
            .collect();
        prefixes.extend(self.overrides.iter().cloned());
        prefixes
    }

    /// The budget a path counts against: its name and limit.
    fn group(&self, segments: &[&str]) -> (String, PrefixLimit) {
        let prefixes = self.prefixes();
        match prefixes.iter().filter(|p| prefix_matches(&p.segments, segments)).max_by_key(|p| p.segments.len()) {
            Some(prefix) => (prefix.name(), prefix.limit),
            None => (format!("/v1/{}", segments.first().copied().unwrap_or("")), PrefixLimit { rate: self.rate, burst: self.burst }),
        }
    }

    fn settings(&self) -> RateLimitSettings {
        RateLimitSettings { rate: self.rate, burst: self.burst, paths: self.prefixes().into_iter().map(|p| (p.name(), p.limit)).collect() }
    }
}

/// The rate limit settings and the buckets of every client and prefix.
pub struct RateLimits {
    /// Whether a rate is set: requests skip the lock when it is not.
    enabled: AtomicBool,
    limits: Mutex<Limits>,
}

impl RateLimits {
    /// `rate` 0 turns the limit off. `overrides` are `(prefix, limit)` pairs.
    pub fn new(rate: f64, burst: f64, overrides: &[(String, PrefixLimit)]) -> ApiResult<RateLimits> {
        let limits = RateLimits {
            enabled: AtomicBool::new(false),
            limits: Mutex::new(Limits { rate: 0.0, burst: PALETTE_BURST, overrides: Vec::new(), buckets: HashMap::new() }),
        };
        let paths = overrides.iter().cloned().collect();
        limits.update(RateLimitUpdate { rate: Some(rate), burst: Some(burst), paths: Some(paths) })?;
        Ok(limits)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Limits> {
        self.limits.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn settings(&self) -> RateLimitSettings {
        self.lock().settings()
    }

    /// Applies a change; every bucket starts full again.
    pub fn update(&self, update: RateLimitUpdate) -> ApiResult<RateLimitSettings> {
        let mut limits = self.lock();
        let rate = update.rate.unwrap_or(limits.rate);
        let burst = update.burst.unwrap_or(limits.burst);
        if !(rate.is_finite() && rate >= 0.0) {
            return Err(ApiError::bad_request("rate must be a non-negative number of requests per second (0 = no limit)"));
        }
        if rate > 0.0 {
            check_limit("the base", PrefixLimit { rate, burst })?;
        }
        let overrides = match update.paths {
            Some(paths) => paths.into_iter().map(|(pattern, limit)| Prefix::parse(&pattern, limit)).collect::<ApiResult<Vec<_>>>()?,
            None => limits.overrides.clone(),
        };
        *limits = Limits { rate, burst, overrides, buckets: HashMap::new() };
        self.enabled.store(rate > 0.0, Ordering::SeqCst);
        Ok(limits.settings())
    }

    /// Takes a token for a request to `path` from `client`, or says why not.
    pub fn admit(&self, client: IpAddr, path: &str, now: Instant) -> Result<(), ApiError> {
        if !self.enabled.load(Ordering::Relaxed) {
            return Ok(());
        }
        let mut limits = self.lock();
        if limits.rate == 0.0 {
            return Ok(());
        }
        let segments: Vec<&str> = path.trim_start_matches("/v1/").split('/').filter(|s| !s.is_empty()).collect();
        let (group, limit) = limits.group(&segments);
        let capacity = limit.rate * limit.burst;
        let bucket = limits.buckets.entry((client, group.clone())).or_insert(Bucket { tokens: capacity, updated: now });
        let refilled = bucket.tokens + limit.rate * now.saturating_duration_since(bucket.updated).as_secs_f64();
        bucket.tokens = refilled.min(capacity);
        bucket.updated = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            return Ok(());
        }
        Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            codes::TOO_MANY_REQUESTS,
            format!("Too many requests to {group}: {} per second are allowed, with bursts up to {capacity}", limit.rate),
        ))
    }
}

/// Applies the rate limit to every `/v1` request it wraps.
#[derive(Clone)]
pub struct RateLimitLayer {
    limits: Arc<RateLimits>,
}

impl RateLimitLayer {
    pub fn new(limits: Arc<RateLimits>) -> Self {
        RateLimitLayer { limits }
    }
}

impl<S> Layer<S> for RateLimitLayer {
    type Service = RateLimited<S>;

    fn layer(&self, inner: S) -> RateLimited<S> {
        RateLimited { inner, limits: self.limits.clone() }
    }
}

#[derive(Clone)]
pub struct RateLimited<S> {
    inner: S,
    limits: Arc<RateLimits>,
}

impl<S> Service<Request> for RateLimited<S>
where
    S: Service<Request, Response = Response>,
{
    type Response = Response;
    type Error = S::Error;
    type Future = Either<Ready<Result<Response, S::Error>>, S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let path = request.uri().path();
        if path.starts_with("/v1/") {
            // A request without an address (an in-process test) counts as one client.
            let client = request.extensions().get::<ClientAddr>().map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |addr| addr.0);
            if let Err(rejection) = self.limits.admit(client, path, Instant::now()) {
                return Either::Left(ready(Ok(rejection.into_response())));
            }
        }
        Either::Right(self.inner.call(request))
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    const CLIENT: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

    fn admitted(limits: &RateLimits, path: &str, at: Instant, n: usize) -> usize {
        (0..n).filter(|_| limits.admit(CLIENT, path, at).is_ok()).count()
    }

    #[test]
    fn off_by_default_and_at_rate_zero() {
        let limits = RateLimits::new(0.0, 5.0, &[]).unwrap();
        assert_eq!(admitted(&limits, "/v1/projects/x", Instant::now(), 1000), 1000);
    }

    #[test]
    fn a_prefix_takes_rate_times_burst_then_refills_at_the_rate() {
        let limits = RateLimits::new(10.0, 5.0, &[]).unwrap();
        let start = Instant::now();
        assert_eq!(admitted(&limits, "/v1/projects/x", start, 80), 50);
        let rejection = limits.admit(CLIENT, "/v1/projects/x", start).unwrap_err();
        assert_eq!((rejection.status, rejection.code), (StatusCode::TOO_MANY_REQUESTS, codes::TOO_MANY_REQUESTS));
        assert_eq!(admitted(&limits, "/v1/projects/y", start + Duration::from_millis(500), 80), 5);
        assert_eq!(admitted(&limits, "/v1/projects/y", start + Duration::from_secs(60), 80), 50, "refills up to capacity only");
    }

    #[test]
    fn prefixes_and_clients_have_budgets_of_their_own() {
        let limits = RateLimits::new(1.0, 1.0, &[]).unwrap();
        let now = Instant::now();
        assert_eq!(admitted(&limits, "/v1/projects/x", now, 3), 1);
        assert_eq!(admitted(&limits, "/v1/projects/y/meta", now, 3), 0, "counted with /v1/projects");
        assert_eq!(admitted(&limits, "/v1/dashboard/projects", now, 3), 1);
        assert!(limits.admit(IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)), "/v1/projects/x", now).is_ok());
    }

    #[test]
    fn palettes_faster_prefixes_scale_with_the_base_rate() {
        let limits = RateLimits::new(10.0, 5.0, &[]).unwrap();
        let now = Instant::now();
        assert_eq!(admitted(&limits, "/v1/cloudconfigs/virtual/c1", now, 400), 250);
        assert_eq!(admitted(&limits, "/v1/spectroclusters/u1/assets/kubeconfigclient", now, 400), 50);
        assert_eq!(admitted(&limits, "/v1/spectroclusters/u1/config/namespaces", now, 400), 250);
        let settings = limits.settings();
        assert_eq!(settings.paths["/v1/cloudconfigs"], PrefixLimit { rate: 50.0, burst: 5.0 });
        assert_eq!(settings.paths["/v1/spectroclusters/{uid}/assets"], PrefixLimit { rate: 10.0, burst: 5.0 });
    }

    #[test]
    fn overrides_replace_palettes_prefixes_and_add_new_ones() {
        let overrides = [
            ("/v1/cloudconfigs".to_string(), PrefixLimit { rate: 1.0, burst: 2.0 }),
            ("/v1/projects/:uid/meta".to_string(), PrefixLimit { rate: 3.0, burst: 1.0 }),
        ];
        let limits = RateLimits::new(10.0, 5.0, &overrides).unwrap();
        let now = Instant::now();
        assert_eq!(admitted(&limits, "/v1/cloudconfigs/virtual/c1", now, 10), 2);
        assert_eq!(admitted(&limits, "/v1/projects/p1/meta", now, 10), 3);
        assert_eq!(limits.settings().paths["/v1/projects/{uid}/meta"], PrefixLimit { rate: 3.0, burst: 1.0 });
    }

    #[test]
    fn updates_validate_and_restart_the_buckets() {
        let limits = RateLimits::new(1.0, 1.0, &[]).unwrap();
        let now = Instant::now();
        assert_eq!(admitted(&limits, "/v1/projects/x", now, 3), 1);
        limits.update(RateLimitUpdate { rate: Some(2.0), ..RateLimitUpdate::default() }).unwrap();
        assert_eq!(admitted(&limits, "/v1/projects/x", now, 3), 2);
        assert!(limits.update(RateLimitUpdate { rate: Some(-1.0), ..RateLimitUpdate::default() }).is_err());
        assert!(limits.update(RateLimitUpdate { burst: Some(0.1), ..RateLimitUpdate::default() }).is_err());
        let bad_prefix = BTreeMap::from([("/projects".to_string(), PrefixLimit { rate: 1.0, burst: 1.0 })]);
        assert!(limits.update(RateLimitUpdate { paths: Some(bad_prefix), ..RateLimitUpdate::default() }).is_err());
        assert_eq!(limits.settings().rate, 2.0, "a refused update changes nothing");
    }
}
