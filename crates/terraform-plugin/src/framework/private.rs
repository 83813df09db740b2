//! Private state: provider-owned data stored with each resource instance.
//!
//! Terraform stores the bytes opaquely and hands them back on the next call.
//! The framework keeps them as a JSON object with typed accessors, passes it
//! through every read, plan and apply, and writes it back, so nothing is lost
//! unless a resource removes it. Bytes that are not a JSON object (written by
//! something else) are kept verbatim until a resource writes a key.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value as Json};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct PrivateState {
    entries: Map<String, Json>,
    foreign: Option<Vec<u8>>,
}

impl PrivateState {
    pub fn new() -> Self {
        PrivateState::default()
    }

    pub fn from_bytes(bytes: &[u8]) -> Self {
        if bytes.is_empty() {
            return PrivateState::default();
        }
        match serde_json::from_slice::<Json>(bytes) {
            Ok(Json::Object(entries)) => PrivateState { entries, foreign: None },
            _ => {
                tracing::debug!(len = bytes.len(), "private state is not a JSON object; keeping it as it is");
                PrivateState { entries: Map::new(), foreign: Some(bytes.to_vec()) }
            }
        }
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        match &self.foreign {
            Some(bytes) => bytes.clone(),
            None if self.entries.is_empty() => Vec::new(),
            None => serde_json::to_vec(&self.entries).unwrap_or_default(),
        }
    }

    /// The value under `key`, if present and of type `T`.
    pub fn get<T: DeserializeOwned>(&self, key: &str) -> Option<T> {
        self.entries.get(key).and_then(|v| serde_json::from_value(v.clone()).ok())
    }

    /// Stores `value` under `key`. Values that do not serialise to JSON (maps
    /// with non-string keys) are not storable: the error says why.
    pub fn set<T: Serialize>(&mut self, key: &str, value: &T) -> Result<(), serde_json::Error> {
        let json = serde_json::to_value(value)?;
        self.foreign = None;
        self.entries.insert(key.to_string(), json);
        Ok(())
    }

    pub fn remove(&mut self, key: &str) {
        self.entries.remove(key);
    }

    pub fn contains(&self, key: &str) -> bool {
        self.entries.contains_key(key)
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty() && self.foreign.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Serialize, Deserialize, PartialEq)]
    struct Marker {
        version: u32,
        names: Vec<String>,
    }

    #[test]
    fn typed_round_trip_through_bytes() {
        let mut private = PrivateState::new();
        assert!(private.to_bytes().is_empty());
        let marker = Marker { version: 3, names: vec!["a".into()] };
        private.set("marker", &marker).unwrap();
        private.set("count", &7u64).unwrap();
        let restored = PrivateState::from_bytes(&private.to_bytes());
        assert_eq!(restored.get::<Marker>("marker"), Some(marker));
        assert_eq!(restored.get::<u64>("count"), Some(7));
        assert_eq!(restored.get::<String>("count"), None);
        assert_eq!(restored.get::<u64>("missing"), None);
        assert!(restored.contains("count"));
    }

    #[test]
    fn remove_and_empty() {
        let mut private = PrivateState::from_bytes(br#"{"a":1}"#);
        assert!(!private.is_empty());
        private.remove("a");
        assert!(private.is_empty());
        assert!(private.to_bytes().is_empty());
    }

    #[test]
    fn foreign_bytes_are_preserved_until_overwritten() {
        let private = PrivateState::from_bytes(b"\x00binary");
        assert_eq!(private.to_bytes(), b"\x00binary");
        let mut private = private;
        private.set("k", &true).unwrap();
        assert_eq!(private.to_bytes(), br#"{"k":true}"#);
    }

    #[test]
    fn keys_written_by_others_survive() {
        let sdk = br#"{"e2bfb730-ecaa-11e6-8f88-34363bc7c4c0":{"create":600000000000},"schema_version":"2"}"#;
        let mut private = PrivateState::from_bytes(sdk);
        private.set("mine", &1).unwrap();
        let again = PrivateState::from_bytes(&private.to_bytes());
        assert_eq!(again.get::<String>("schema_version").as_deref(), Some("2"));
        assert_eq!(again.get::<i32>("mine"), Some(1));
    }
}
