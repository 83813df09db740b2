//! The admin API under `/__admin` (same `ApiKey` as the API; never faulted, never
//! counted in the stats).
//!
//! - `GET /__admin/stats` → 200 `{total, byRoute: {"GET /v1/projects/{uid}": n}, byStatus: {"200": n}}`
//! - `POST /__admin/stats/reset` → 204
//! - `GET /__admin/faults` → 200 current settings; `POST /__admin/faults` with any of
//!   `{rate, resetRate, latencyMs, seed, retryAfterSeconds, failRoutes}` → 200 new settings
//! - `GET /__admin/rate-limit` → 200 `{rate, burst, paths}`; `POST /__admin/rate-limit`
//!   with any of `{rate, burst, paths}` → 200 new settings (buckets start full)
//! - `GET /__admin/time` → 200 `{now, offsetSeconds}`; `POST /__admin/time/advance`
//!   with `{seconds}` → 200 `{now, offsetSeconds}`
//! - `GET /__admin/appTierFailures` → 200 `{"failures": {tier: message}}`;
//!   `POST` with `{tier, message}` adds one (app deployment rollouts planned from
//!   then on fail at that tier); `DELETE` → 204 clears them.
//! - `POST /__admin/reset` → 204: empties the database and reloads the seed.

use std::time::Duration;

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use super::domain::tier_failures::{set_tier_failures, tier_failures};
use super::domain;
use super::error::{ApiError, ApiResult};
use super::extract::{JsonBody, NoContent, OptionalJsonBody};
use super::faults::{FaultSettings, FaultUpdate};
use super::rate_limit::{RateLimitSettings, RateLimitUpdate};
use super::seed;
use super::state::SharedState;
use super::stats::StatsSnapshot;

pub fn router() -> Router<SharedState> {
    Router::new()
        .route("/__admin/stats", get(stats))
        .route("/__admin/stats/reset", post(reset_stats))
        .route("/__admin/faults", get(faults).post(set_faults))
        .route("/__admin/rate-limit", get(rate_limit).post(set_rate_limit))
        .route("/__admin/time", get(time))
        .route("/__admin/time/advance", post(advance_time))
        .route("/__admin/appTierFailures", get(tier_failure_list).post(add_tier_failure).delete(clear_tier_failures))
        .route("/__admin/reset", post(reset))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TierFailureInput {
    tier: String,
    message: String,
}

async fn tier_failure_list(State(app): State<SharedState>) -> ApiResult<Json<Value>> {
    let failures = app.store.run(|tx| tier_failures(tx)).await?;
    Ok(Json(json!({ "failures": failures })))
}

async fn add_tier_failure(State(app): State<SharedState>, JsonBody(input): JsonBody<TierFailureInput>) -> ApiResult<Json<Value>> {
    if input.tier.trim().is_empty() {
        return Err(ApiError::bad_request("tier must name an application tier"));
    }
    let failures = app
        .store
        .run(move |tx| {
            let mut failures = tier_failures(tx)?;
            failures.insert(input.tier, input.message);
            set_tier_failures(tx, &failures)?;
            Ok(failures)
        })
        .await?;
    tracing::info!(?failures, "app tier failures injected");
    Ok(Json(json!({ "failures": failures })))
}

async fn clear_tier_failures(State(app): State<SharedState>) -> ApiResult<NoContent> {
    app.store.run(|tx| set_tier_failures(tx, &Default::default())).await?;
    Ok(NoContent)
}

async fn stats(State(app): State<SharedState>) -> Json<StatsSnapshot> {
    Json(app.stats.snapshot())
}

async fn reset_stats(State(app): State<SharedState>) -> NoContent {
    app.stats.reset();
    NoContent
}

async fn faults(State(app): State<SharedState>) -> Json<FaultSettings> {
    Json(app.faults.settings())
}

async fn set_faults(State(app): State<SharedState>, OptionalJsonBody(update): OptionalJsonBody<FaultUpdate>) -> ApiResult<Json<FaultSettings>> {
    let settings = app.faults.update(update)?;
    tracing::info!(?settings, "fault settings changed");
    Ok(Json(settings))
}

async fn rate_limit(State(app): State<SharedState>) -> Json<RateLimitSettings> {
    Json(app.rate_limits.settings())
}

async fn set_rate_limit(State(app): State<SharedState>, JsonBody(update): JsonBody<RateLimitUpdate>) -> ApiResult<Json<RateLimitSettings>> {
    let settings = app.rate_limits.update(update)?;
    tracing::info!(?settings, "rate limit changed");
    Ok(Json(settings))
}

fn time_report(app: &SharedState) -> Json<Value> {
    Json(json!({ "now": app.timestamp(), "offsetSeconds": app.clock.offset().as_secs_f64() }))
}

async fn time(State(app): State<SharedState>) -> Json<Value> {
    time_report(&app)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Advance {
    seconds: f64,
}

async fn advance_time(State(app): State<SharedState>, JsonBody(advance): JsonBody<Advance>) -> ApiResult<Json<Value>> {
    let by = Duration::try_from_secs_f64(advance.seconds)
        .map_err(|_| ApiError::bad_request("seconds must be a non-negative number"))?;
    let clock_app = app.clone();
    app.store
        .run(move |tx| {
            clock_app.clock.advance(by, tx)?;
            domain::purge_finished(tx, clock_app.now())
        })
        .await?;
    Ok(time_report(&app))
}

async fn reset(State(app): State<SharedState>) -> ApiResult<NoContent> {
    let seeded = app.clone();
    let keys = app
        .store
        .run(move |tx| {
            tx.clear()?;
            seeded.clock.reset();
            seed::load_if_empty(tx, &seeded.seed, &seeded.timestamp())?;
            tx.api_keys()
        })
        .await?;
    app.install_api_keys(keys).map_err(|err| ApiError::internal(err.to_string()))?;
    tracing::info!("database reset and reseeded");
    Ok(NoContent)
}
