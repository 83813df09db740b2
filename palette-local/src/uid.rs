//! Object UIDs: 24 lowercase hex characters, like a MongoDB ObjectId. A leaf, so that
//! errors (which carry a fresh `ref`) and metadata can both make them.

use rand::Rng;

/// A fresh UID: 24 lowercase hex characters, like a MongoDB ObjectId.
pub fn new_uid() -> String {
    let bytes: [u8; 12] = rand::rng().random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn is_uid(text: &str) -> bool {
    text.len() == 24 && text.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}
