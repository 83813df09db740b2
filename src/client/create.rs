//! Creates that happen once even when their answer is lost.

use std::future::Future;

use super::context::CallContext;
use super::error::ClientError;
use super::transport::{PaletteClient, Request};

impl PaletteClient {
    /// Runs a call that is not safe to repeat (a create, a publish) so that
    /// it takes effect at most once, even if the network loses its answer.
    ///
    /// `create` is attempted; it retries by itself only when the server
    /// certainly did not act (connection refused, 429). When the outcome is
    /// unknown (dropped connection, timeout, 5xx, unreadable success),
    /// `lookup` is asked whether the effect happened (for a create: the
    /// object looked up by name, returning its UID). If it did, its answer
    /// is returned; if not, `create` is sent again after a backoff, within
    /// the client's retry budget and the caller's deadline. A 409 on a
    /// re-sent create also triggers a lookup: the first send won after all.
    ///
    /// With a context that rides out outages, re-sends go on past the retry
    /// budget while the deadline allows. A transient failure that outlasts
    /// them ends as [`ClientError::Unavailable`].
    ///
    /// If the operation is cancelled meanwhile, the lookup still runs (with
    /// a short time limit of its own) so the caller can record what exists.
    pub async fn create_idempotently<T, C, CF, L, LF>(
        &self,
        ctx: &CallContext,
        mut create: C,
        mut lookup: L,
    ) -> Result<T, ClientError>
    where
        C: FnMut() -> CF,
        CF: Future<Output = Result<T, ClientError>>,
        L: FnMut(CallContext) -> LF,
        LF: Future<Output = Result<Option<T>, ClientError>>,
    {
        let started = tokio::time::Instant::now();
        let mut resends = 0;
        let gave_up = |error: ClientError, resends: u32| {
            if error.is_transient() {
                let attempts = error.attempts() + resends;
                error.unavailable_after(&self.endpoint().to_string(), attempts, started.elapsed())
            } else {
                error
            }
        };
        loop {
            let error = match create().await {
                Ok(created) => return Ok(created),
                Err(error) if error.outcome_unknown() || (resends > 0 && error.is_conflict()) => error,
                Err(error) => return Err(error),
            };
            let lookup_ctx = if ctx.is_cancelled() { ctx.detached(self.request_timeout()) } else { ctx.clone() };
            match lookup(lookup_ctx).await {
                Ok(Some(found)) => {
                    tracing::info!(error = %error, "a create's answer was lost but it took effect; using that object");
                    return Ok(found);
                }
                Ok(None) => tracing::debug!(error = %error, "the create did not take effect"),
                Err(lookup_error) => {
                    tracing::debug!(error = %lookup_error, "cannot tell whether the create took effect");
                    return Err(if ctx.is_cancelled() { error } else { gave_up(error, resends) });
                }
            }
            if ctx.is_cancelled() {
                return Err(error);
            }
            if resends >= self.retry_attempts() && !ctx.rides_out_outages() {
                return Err(gave_up(error, resends));
            }
            let delay = self.backoff().delay(resends, None, &mut rand::rng());
            if ctx.remaining().is_some_and(|remaining| delay >= remaining) || ctx.sleep(delay).await.is_err() {
                return Err(gave_up(error, resends));
            }
            resends += 1;
        }
    }

    /// [`create_idempotently`](Self::create_idempotently) for the usual
    /// case: `request` makes one object and answers with its UID, and
    /// `lookup` finds that object's UID.
    pub(crate) async fn create_with_lookup<L, LF>(
        &self,
        ctx: &CallContext,
        request: Request,
        lookup: L,
    ) -> Result<String, ClientError>
    where
        L: FnMut(CallContext) -> LF,
        LF: Future<Output = Result<Option<String>, ClientError>>,
    {
        self.create_idempotently(ctx, || self.create(ctx, request.clone()), lookup).await
    }
}
