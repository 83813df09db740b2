//! List pagination as the real API does it: at most 50 items per page, `limit=0`
//! meaning "all", `offset` or an opaque `continue` token naming the start, and a
//! `listmeta` with all four members (`continue` is `""` on the last page, `offset` is
//! the start of the next page).

use axum::Json;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use super::error::{ApiError, ApiResult};

pub const MAX_PAGE_SIZE: u64 = 50;

/// The paging query parameters (`limit`, `offset`, `continue`), kept as text so that
/// they can sit next to other parameters and still give a clear 400 when malformed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PageQuery {
    pub limit: Option<String>,
    pub offset: Option<String>,
    #[serde(rename = "continue")]
    pub continue_token: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListMeta {
    #[serde(rename = "continue")]
    pub continue_token: String,
    pub count: u64,
    pub limit: u64,
    pub offset: u64,
}

#[derive(Debug, Serialize, Deserialize)]
struct ContinueToken {
    offset: u64,
    count: u64,
    token: String,
}

fn parse_count(name: &str, text: &str) -> ApiResult<u64> {
    text.trim()
        .parse::<u64>()
        .map_err(|_| ApiError::bad_request(format!("query parameter {name} must be a non-negative integer, got '{text}'")))
}

pub fn encode_continue(offset: u64, count: u64) -> String {
    STANDARD.encode(json!({"offset": offset, "count": count, "token": ""}).to_string())
}

fn decode_continue(token: &str) -> ApiResult<u64> {
    let invalid = || ApiError::bad_request("invalid continue token");
    let bytes = STANDARD.decode(token.trim()).map_err(|_| invalid())?;
    let token: ContinueToken = serde_json::from_slice(&bytes).map_err(|_| invalid())?;
    Ok(token.offset)
}

impl PageQuery {
    /// `(start, limit)` with `limit == 0` meaning no limit.
    fn window(&self) -> ApiResult<(u64, u64)> {
        let limit = match self.limit.as_deref() {
            None | Some("") => MAX_PAGE_SIZE,
            Some(text) => parse_count("limit", text)?.min(MAX_PAGE_SIZE),
        };
        let start = match (self.continue_token.as_deref(), self.offset.as_deref()) {
            (Some(token), _) if !token.is_empty() => decode_continue(token)?,
            (_, Some(text)) if !text.is_empty() => parse_count("offset", text)?,
            _ => 0,
        };
        Ok((start, limit))
    }

    /// Cuts one page out of `items`.
    pub fn paginate<T>(&self, items: Vec<T>) -> ApiResult<(Vec<T>, ListMeta)> {
        let (start, limit) = self.window()?;
        let count = items.len() as u64;
        let page: Vec<T> = items
            .into_iter()
            .skip(usize::try_from(start).unwrap_or(usize::MAX))
            .take(if limit == 0 { usize::MAX } else { usize::try_from(limit).unwrap_or(usize::MAX) })
            .collect();
        let next = start.saturating_add(page.len() as u64);
        let continue_token = if next < count { encode_continue(next, count) } else { String::new() };
        Ok((page, ListMeta { continue_token, count, limit, offset: next }))
    }

    /// `{"<key>": [page], "listmeta": {…}}`.
    pub fn respond<T: Serialize>(&self, key: &str, items: Vec<T>) -> ApiResult<Json<Value>> {
        let (page, listmeta) = self.paginate(items)?;
        let mut body = Map::new();
        body.insert(key.to_string(), serde_json::to_value(page)?);
        body.insert("listmeta".to_string(), serde_json::to_value(listmeta)?);
        Ok(Json(Value::Object(body)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(limit: Option<&str>, offset: Option<&str>, token: Option<&str>) -> PageQuery {
        PageQuery { limit: limit.map(Into::into), offset: offset.map(Into::into), continue_token: token.map(Into::into) }
    }

    #[test]
    fn default_page_is_fifty_with_a_continue_token() {
        let (page, meta) = query(None, None, None).paginate((0..117).collect()).unwrap();
        assert_eq!(page.len(), 50);
        assert_eq!(meta.count, 117);
        assert_eq!(meta.limit, 50);
        assert_eq!(meta.offset, 50);
        assert_eq!(meta.continue_token, "eyJvZmZzZXQiOjUwLCJjb3VudCI6MTE3LCJ0b2tlbiI6IiJ9");
    }

    #[test]
    fn continue_token_walks_to_the_last_page() {
        let items: Vec<u32> = (0..117).collect();
        let mut seen = Vec::new();
        let mut token = String::new();
        loop {
            let (page, meta) = query(None, None, Some(&token)).paginate(items.clone()).unwrap();
            seen.extend(page);
            if meta.continue_token.is_empty() {
                assert_eq!(meta.offset, 117);
                break;
            }
            token = meta.continue_token;
        }
        assert_eq!(seen, items);
    }

    #[test]
    fn limit_zero_means_all_and_large_limits_are_capped() {
        let (page, meta) = query(Some("0"), None, None).paginate((0..120).collect::<Vec<_>>()).unwrap();
        assert_eq!((page.len(), meta.limit, meta.continue_token.as_str()), (120, 0, ""));
        let (page, meta) = query(Some("500"), Some("100"), None).paginate((0..120).collect::<Vec<_>>()).unwrap();
        assert_eq!((page, meta.limit, meta.offset), ((100..120).collect::<Vec<_>>(), 50, 120));
    }

    #[test]
    fn offset_past_the_end_is_an_empty_last_page() {
        let (page, meta) = query(None, Some("10"), None).paginate(vec![1, 2]).unwrap();
        assert!(page.is_empty());
        assert_eq!(meta.continue_token, "");
        assert_eq!(meta.count, 2);
    }

    #[test]
    fn malformed_parameters_are_rejected() {
        assert!(query(Some("-1"), None, None).paginate(vec![1]).is_err());
        assert!(query(Some("ten"), None, None).paginate(vec![1]).is_err());
        assert!(query(None, None, Some("%%%")).paginate(vec![1]).is_err());
    }
}
