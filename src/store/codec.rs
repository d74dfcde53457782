//! Record encoding: one version byte, then the record. Version 1 (formats 1
//! to 7) is JSON; version 2 (format 8) is MessagePack with field names, the
//! same serde data model in about four fifths of the bytes, and faster to
//! decode (the `footprint` bench prints both).
//! The byte lets a build read a record of either version and tell an old
//! record from a new one instead of misreading it.
//!
//! MessagePack with its maps keeps field names, so it stays self-describing:
//! records skip absent fields (`skip_serializing_if`), read older spellings
//! (an attendance's one `role`) and refuse unknown fields exactly as their
//! JSON does. A positional format (postcard, bincode) would misread every
//! record that skipped a field.

use serde::{de::DeserializeOwned, Serialize};

use super::StoreError;

/// The store's format version, kept in `meta/format_version`. Bump it (and add
/// a migration) whenever the layout or a record's encoding changes; the
/// committed fixture store in `tests/fixtures/` makes a forgotten bump fail.
pub const FORMAT_VERSION: u32 = 8;

/// The first byte of a record written as JSON (formats 1 to 7).
const JSON_RECORD: u8 = 1;

/// The first byte of a record written as MessagePack with field names
/// (format 8 on): what [`encode`] writes.
const MSGPACK_RECORD: u8 = 2;

pub fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    let mut out = Vec::with_capacity(128);
    out.push(MSGPACK_RECORD);
    rmp_serde::encode::write_named(&mut out, value).expect("records serialize");
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
        Some((&MSGPACK_RECORD, body)) => {
            rmp_serde::from_slice(body).map_err(|e| corrupt(e.to_string()))
        }
        Some((&JSON_RECORD, json)) => {
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

/// Version 1, as formats 1 to 7 wrote every record: for tests of stores
/// written before format 8.
#[cfg(test)]
pub fn encode_json<T: Serialize>(value: &T) -> Vec<u8> {
    let mut out = vec![JSON_RECORD];
    serde_json::to_writer(&mut out, value).expect("records serialize");
    out
}

#[cfg(test)]
#[path = "codec_tests.rs"]
mod tests;
