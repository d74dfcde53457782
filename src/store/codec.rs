//! Record encoding: one version byte, then the record's JSON. The byte lets a
//! later build tell an old record from a new one instead of misreading it.

use serde::{de::DeserializeOwned, Serialize};

use super::StoreError;

/// The store's format version, kept in `meta/format_version`. Bump it (and add
/// a migration) whenever the layout or a record's encoding changes; the
/// committed fixture store in `tests/fixtures/` makes a forgotten bump fail.
pub const FORMAT_VERSION: u32 = 7;

/// The first byte of every record value.
const RECORD_VERSION: u8 = 1;

pub fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    let mut out = vec![RECORD_VERSION];
    serde_json::to_writer(&mut out, value).expect("records serialize");
    out
}

pub fn decode<T: DeserializeOwned>(
    bytes: &[u8],
    tree: &'static str,
    key: &str,
) -> Result<T, StoreError> {
    let corrupt = |reason: String| StoreError::Corrupt {
        tree,
        key: key.to_owned(),
        reason,
    };
    match bytes.split_first() {
        Some((&RECORD_VERSION, json)) => {
            serde_json::from_slice(json).map_err(|e| corrupt(e.to_string()))
        }
        Some((v, _)) => Err(corrupt(format!("unknown record version {v}"))),
        None => Err(corrupt("empty value".into())),
    }
}

pub fn decode_tree<T: DeserializeOwned>(
    tree: &sled::Tree,
    name: &'static str,
) -> Result<Vec<T>, StoreError> {
    tree.iter()
        .map(|kv| {
            let (k, v) = kv?;
            decode(&v, name, &String::from_utf8_lossy(&k))
        })
        .collect()
}
