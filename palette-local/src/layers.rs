//! The cross-cutting layers every API request passes through, one concern each:
//! stats, fault injection with latency, and authentication (the rate limit is a
//! tower layer of its own in [`rate_limit`](crate::rate_limit)). `/__admin`
//! requests are neither counted nor faulted, so tests can steer a faulty server.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tokio::sync::Notify;

use super::error::ApiError;
use super::faults::Fault;
use super::state::SharedState;

/// Lets the fault layer drop the connection a request arrived on.
#[derive(Clone, Default)]
pub struct ConnectionControl {
    pub(crate) reset: Arc<AtomicBool>,
    pub(crate) dropped: Arc<Notify>,
}

impl ConnectionControl {
    pub(crate) fn reset(&self) {
        self.reset.store(true, Ordering::SeqCst);
        self.dropped.notify_one();
    }
}

/// Requests that need no credentials, as (method, route template).
const PUBLIC_ROUTES: &[(&str, &str)] = &[("POST", "/v1/auth/authenticate")];

fn route_template(req: &Request) -> &str {
    req.extensions().get::<MatchedPath>().map_or("(unmatched)", MatchedPath::as_str)
}

/// The request key used by the stats and the fault routes: `METHOD /route/{template}`.
fn route_key(req: &Request) -> String {
    format!("{} {}", req.method(), route_template(req))
}

fn is_api(req: &Request) -> bool {
    !req.uri().path().starts_with("/__admin")
}

/// Counts every API answer by route and status.
pub async fn record_stats(State(app): State<SharedState>, req: Request, next: Next) -> Response {
    if !is_api(&req) {
        return next.run(req).await;
    }
    let route = route_key(&req);
    let response = next.run(req).await;
    app.stats.record(&route, response.status().as_str());
    response
}

/// Delays API requests by the configured latency, then answers some with an injected
/// status or drops their connection (counted as `reset`, since no answer follows).
pub async fn inject_faults(State(app): State<SharedState>, req: Request, next: Next) -> Response {
    if !is_api(&req) {
        return next.run(req).await;
    }
    let route = route_key(&req);
    let decision = app.faults.decide(&route);
    if !decision.latency.is_zero() {
        tokio::time::sleep(decision.latency).await;
    }
    match decision.fault.or(app.faults.route_fault(&route)) {
        Some(Fault::Reset) => {
            app.stats.record(&route, "reset");
            let Some(control) = req.extensions().get::<ConnectionControl>() else {
                return ApiError::internal("connection reset requested outside a served connection").into_response();
            };
            control.reset();
            std::future::pending().await
        }
        Some(Fault::Status(status)) => app.faults.respond(status),
        None => next.run(req).await,
    }
}

/// Lets through public routes and requests carrying a valid API key or session token.
pub async fn authenticate(State(app): State<SharedState>, req: Request, next: Next) -> Response {
    let public = PUBLIC_ROUTES.contains(&(req.method().as_str(), route_template(&req)));
    if public || app.auth.allows(req.headers(), app.clock.now()) {
        next.run(req).await
    } else {
        ApiError::unauthorized().into_response()
    }
}
