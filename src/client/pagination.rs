//! Listing every page of a paginated endpoint: page after page by `continue`
//! token, or, when the first page tells the total, the other pages at once by
//! `offset` (two round trips however long the list).

use std::collections::HashSet;

use serde::de::DeserializeOwned;

use super::context::CallContext;
use super::error::ClientError;
use super::models::Page;
use super::transport::{decode, PaletteClient, Request};

/// Pages stop after this many, whatever the server says: a guard against a
/// server that never ends its listing (50 items a page: 500 000 objects).
const MAX_PAGES: usize = 10_000;

/// Page size asked for; Palette's maximum.
pub(crate) const PAGE_LIMIT: usize = 50;

impl PaletteClient {
    /// Sends `request` (which must not carry `limit` or `offset`) for the first
    /// page, then asks for every other page at once by `offset`. Falls back to
    /// following `continue` tokens when the first page does not tell the
    /// total. Objects created or deleted meanwhile may be missed or seen
    /// twice; callers look up what they miss on their own.
    pub(crate) async fn fetch_all_concurrently<T: DeserializeOwned>(
        &self,
        ctx: &CallContext,
        request: Request,
    ) -> Result<Vec<T>, ClientError> {
        let first_request = request.clone().query("limit", PAGE_LIMIT.to_string());
        let response = self.execute(ctx, &first_request).await?;
        let first: Page<T> = decode(&first_request, &response.body)?;
        if first.next_token().is_none() {
            return Ok(first.items);
        }
        let total = first.listmeta.as_ref().map_or(0, |meta| usize::try_from(meta.count).unwrap_or(0));
        let page_size = first.items.len();
        if page_size == 0 || total <= page_size {
            // No usable total: walk the tokens from the start.
            return self.fetch_all(ctx, first_request).await;
        }
        let mut items = first.items;
        let pages = (page_size..total).step_by(page_size).map(|offset| {
            let page = request.clone().query("limit", PAGE_LIMIT.to_string()).query("offset", offset.to_string());
            async move { self.fetch::<Page<T>>(ctx, page).await }
        });
        for page in futures::future::try_join_all(pages).await? {
            items.extend(page.items);
        }
        Ok(items)
    }

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
