//! Listing every page of a paginated endpoint.

use std::collections::HashSet;

use serde::de::DeserializeOwned;

use super::context::CallContext;
use super::error::ClientError;
use super::models::Page;
use super::transport::{decode, PaletteClient, Request};

/// Pages stop after this many, whatever the server says: a guard against a
/// server that never ends its listing (50 items a page: 500 000 objects).
const MAX_PAGES: usize = 10_000;

impl PaletteClient {
    /// Sends `request` and then again with `?continue=<token>` until the
    /// answer's `listmeta.continue` is empty, and returns all items.
    pub(crate) async fn fetch_all<T: DeserializeOwned>(
        &self,
        ctx: &CallContext,
        request: Request,
    ) -> Result<Vec<T>, ClientError> {
        let mut items = Vec::new();
        let mut seen_tokens = HashSet::new();
        let mut token: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let page_request = request.clone().query_opt("continue", token.take());
            let response = self.execute(ctx, &page_request).await?;
            let page: Page<T> = decode(&page_request, &response.body)?;
            let next = page.next_token().map(str::to_string);
            items.extend(page.items);
            match next {
                None => return Ok(items),
                Some(next) if !seen_tokens.insert(next.clone()) => {
                    return Err(request.invalid_response("the listing repeats a continue token"));
                }
                Some(next) => token = Some(next),
            }
        }
        Err(request.invalid_response("the listing did not end"))
    }
}
