//! Authentication: an `ApiKey` header holding a known key, or an `Authorization`
//! header holding a session token from `POST /v1/auth/authenticate` (valid for 15
//! minutes of the lifecycle clock; sessions live in memory only).

use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, RwLock};

use axum::http::HeaderMap;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::json;
use time::OffsetDateTime;

use super::uid::new_uid;

pub const API_KEY_HEADER: &str = "ApiKey";
pub const SESSION_LIFETIME: time::Duration = time::Duration::minutes(15);

#[derive(Debug, Default)]
pub struct Auth {
    api_keys: RwLock<HashSet<String>>,
    sessions: Mutex<HashMap<String, OffsetDateTime>>,
}

impl Auth {
    /// Replaces the accepted keys (after start-up or a reset) and drops all sessions.
    pub fn load_keys(&self, keys: impl IntoIterator<Item = String>) {
        *self.api_keys.write().unwrap_or_else(|poisoned| poisoned.into_inner()) = keys.into_iter().collect();
        self.sessions.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clear();
    }

    /// Whether the request's credentials are valid at `now`.
    pub fn allows(&self, headers: &HeaderMap, now: OffsetDateTime) -> bool {
        if let Some(key) = headers.get(API_KEY_HEADER).and_then(|value| value.to_str().ok()) {
            return self.api_keys.read().unwrap_or_else(|poisoned| poisoned.into_inner()).contains(key.trim());
        }
        let Some(token) = headers.get(axum::http::header::AUTHORIZATION).and_then(|value| value.to_str().ok()) else {
            return false;
        };
        let token = token.trim();
        let token = token.strip_prefix("Bearer ").unwrap_or(token);
        let sessions = self.sessions.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        sessions.get(token).is_some_and(|expires| *expires > now)
    }

    /// Opens a session for `user_uid` and returns its JWT-shaped token.
    pub fn open_session(&self, user_uid: &str, now: OffsetDateTime) -> String {
        let expires = now + SESSION_LIFETIME;
        let header = URL_SAFE_NO_PAD.encode(json!({"alg": "HS256", "typ": "JWT"}).to_string());
        let claims = URL_SAFE_NO_PAD.encode(json!({"sub": user_uid, "exp": expires.unix_timestamp()}).to_string());
        let token = format!("{header}.{claims}.{}", URL_SAFE_NO_PAD.encode(new_uid()));
        let mut sessions = self.sessions.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        sessions.retain(|_, expiry| *expiry > now);
        sessions.insert(token.clone(), expires);
        token
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(name: &'static str, value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(name, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn api_keys_and_sessions() {
        let auth = Auth::default();
        auth.load_keys(["k1".to_string()]);
        let now = OffsetDateTime::now_utc();
        assert!(auth.allows(&headers("apikey", "k1"), now));
        assert!(!auth.allows(&headers("apikey", "k2"), now));
        assert!(!auth.allows(&HeaderMap::new(), now));
        let token = auth.open_session("user", now);
        assert_eq!(token.split('.').count(), 3);
        assert!(auth.allows(&headers("authorization", &token), now));
        assert!(auth.allows(&headers("authorization", &format!("Bearer {token}")), now));
        assert!(!auth.allows(&headers("authorization", &token), now + SESSION_LIFETIME));
        auth.load_keys(Vec::new());
        assert!(!auth.allows(&headers("apikey", "k1"), now));
        assert!(!auth.allows(&headers("authorization", &token), now));
    }
}
