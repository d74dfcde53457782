//! Documents parsed once and kept: the cache of parsed documents, and the
//! store of Apollo's automatic persisted queries (APQ), both shared by every
//! request the schema serves and both bounded.
//!
//! - **Parsed documents.** Dashboards send the same few documents over and
//!   over, with other variables; parsing was the largest cost of a small
//!   lookup. A document that parsed is kept, keyed by its text (the map
//!   hashes the text and compares it whole on a hit, so two texts never share
//!   an entry), and the next request with the same text starts from a copy
//!   of it. Only a parse is saved: everything that depends on the request
//!   (the operation name, the field count, who asks, validation with its
//!   variables) runs for every request as before, so a cached document is
//!   refused for exactly what a fresh one would be.
//! - **Validation results.** async-graphql's validation of a document depends
//!   on the operation and the variables too (argument types, complexity). Its
//!   result is kept only when it passed, keyed by the SHA-256 of the text,
//!   the operation name and the variables together, so only the same
//!   request (a dashboard polling) skips it; a refusal is worked out again
//!   each time, with the same message. A string for an `ID` or `String`
//!   variable counts as any string (validation only checks its type, and no
//!   complexity reads it), so a lookup of one official after another counts
//!   as the same request. Queries over HTTP run on an extension-free schema
//!   (`super::served`), which cannot be handed a result: there the key of a
//!   query that passed the full validation and ran without an error is
//!   kept, and the next one with that key is validated in async-graphql's
//!   fast mode, which still scores complexity and depth against the limits.
//! - **Persisted queries.** A request may send `extensions.persistedQuery`
//!   `{version: 1, sha256Hash}` without `query`: the text comes from the store,
//!   or the request fails with `PERSISTED_QUERY_NOT_FOUND`, and the client
//!   sends the text with its hash, which is checked and, once the document has
//!   passed the guard's checks, stored.
//!
//! Both are least-recently-used maps bounded by a count (the limits) and by
//! the bytes of text they hold. A lock is held only for a lookup or an
//! insert, never across an await.

use std::hash::Hash;
use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use async_graphql::parser::types::{
    BaseType, DocumentOperations, ExecutableDocument, VariableDefinition,
};
use async_graphql::Positioned;
use async_graphql::{Request, ValidationResult, Value, Variables};
use lru::LruCache;
use sha2::{Digest, Sha256};

use super::limits::{DocumentError, Limits};

/// The longest document the parse cache keeps, in bytes: dashboards' are far
/// smaller, and a larger one is rare and parsed off the request threads.
pub const CACHE_DOCUMENT_BYTES: usize = 32 * 1024;
/// The text all cached documents may add up to (their parsed form takes a
/// few times more).
pub const CACHE_TEXT_BYTES: usize = 4 * 1024 * 1024;
/// The text all persisted queries may add up to.
pub const PERSISTED_TEXT_BYTES: usize = 16 * 1024 * 1024;

/// An LRU map bounded by a count and by the summed weight of its values.
struct Bounded<K: Hash + Eq, V> {
    map: Option<LruCache<K, (V, usize)>>,
    weight: usize,
    max_weight: usize,
}

impl<K: Hash + Eq, V: Clone> Bounded<K, V> {
    fn new(entries: usize, max_weight: usize) -> Self {
        Bounded {
            map: NonZeroUsize::new(entries).map(LruCache::new),
            weight: 0,
            max_weight,
        }
    }

    fn get<Q: Hash + Eq + ?Sized>(&mut self, key: &Q) -> Option<V>
    where
        K: std::borrow::Borrow<Q>,
    {
        self.map.as_mut()?.get(key).map(|(v, _)| v.clone())
    }

    fn put(&mut self, key: K, value: V, weight: usize) {
        let Some(map) = self.map.as_mut() else {
            return;
        };
        if weight > self.max_weight {
            return;
        }
        self.weight += weight;
        // The replaced value, or the least recently used one pushed out.
        if let Some((_, (_, w))) = map.push(key, (value, weight)) {
            self.weight -= w;
        }
        while self.weight > self.max_weight {
            match map.pop_lru() {
                Some((_, (_, w))) => self.weight -= w,
                None => break,
            }
        }
    }

    fn len(&self) -> usize {
        self.map.as_ref().map_or(0, LruCache::len)
    }
}

/// The parse cache and the persisted-query store of one schema.
pub struct Documents {
    parsed: Mutex<Bounded<Box<str>, Arc<ExecutableDocument>>>,
    persisted: Mutex<Bounded<[u8; 32], Arc<str>>>,
    validated: Mutex<Bounded<[u8; 32], ValidationResult>>,
    /// Keys of queries the extension-free schema validated in full and ran
    /// without an error (`super::served`): the next one with the key is
    /// validated in async-graphql's fast mode, which still scores it.
    checked: Mutex<Bounded<[u8; 32], ()>>,
    hits: AtomicU64,
    misses: AtomicU64,
    validations_skipped: AtomicU64,
}

/// How often the parse cache had a request's document, and how often not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheCounts {
    pub hits: u64,
    pub misses: u64,
    pub documents: usize,
    /// Requests whose validation result was reused.
    pub validations_skipped: u64,
}

impl Documents {
    pub fn new(limits: &Limits) -> Documents {
        Documents {
            parsed: Mutex::new(Bounded::new(limits.document_cache, CACHE_TEXT_BYTES)),
            persisted: Mutex::new(Bounded::new(limits.persisted_queries, PERSISTED_TEXT_BYTES)),
            validated: Mutex::new(Bounded::new(limits.document_cache, usize::MAX)),
            checked: Mutex::new(Bounded::new(limits.document_cache, usize::MAX)),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            validations_skipped: AtomicU64::new(0),
        }
    }

    /// The parsed form of `query`, if it was kept.
    pub fn parsed(&self, query: &str) -> Option<Arc<ExecutableDocument>> {
        let found = lock(&self.parsed).get(query);
        let counter = if found.is_some() {
            &self.hits
        } else {
            &self.misses
        };
        counter.fetch_add(1, Ordering::Relaxed);
        found
    }

    /// Keeps the parsed form of `query` (unless it is too long to keep).
    pub fn keep(&self, query: &str, doc: &ExecutableDocument) {
        if query.len() > CACHE_DOCUMENT_BYTES {
            return;
        }
        let doc = Arc::new(doc.clone());
        lock(&self.parsed).put(query.into(), doc, query.len());
    }

    pub fn counts(&self) -> CacheCounts {
        CacheCounts {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            documents: lock(&self.parsed).len(),
            validations_skipped: self.validations_skipped.load(Ordering::Relaxed),
        }
    }

    /// The key of a request's validation: its text, operation name and
    /// variables (`None` if the variables cannot be written out). A string
    /// given for a variable `doc`'s operation declares `ID` or `String` (not
    /// a list) counts as any other string: validation only checks that it is
    /// one, and no complexity reads such an argument, so a dashboard asking
    /// for one official after another is validated once.
    pub fn validation_key(
        doc: &ExecutableDocument,
        query: &str,
        operation_name: Option<&str>,
        variables: &Variables,
    ) -> Option<[u8; 32]> {
        let mut masked = None;
        for def in operation(doc, operation_name).into_iter().flatten() {
            let ty = &def.node.var_type.node;
            let plain = matches!(&ty.base, BaseType::Named(n) if n == "ID" || n == "String");
            let name = &def.node.name.node;
            if plain && matches!(variables.get(name), Some(Value::String(s)) if !s.is_empty()) {
                let v = masked.get_or_insert_with(|| variables.clone());
                v.insert(name.clone(), Value::String(String::new()));
            }
        }
        let variables = serde_json::to_vec(masked.as_ref().unwrap_or(variables)).ok()?;
        let mut h = Sha256::new();
        // Each part prefixed with its length, so no two splits collide.
        for part in [Some(query), operation_name, Some("")] {
            match part {
                Some(p) => {
                    h.update([1]);
                    h.update((p.len() as u64).to_le_bytes());
                    h.update(p.as_bytes());
                }
                None => h.update([0]),
            }
        }
        h.update(&variables);
        Some(h.finalize().into())
    }

    /// The validation result kept for a request with this key.
    pub fn validated(&self, key: &[u8; 32]) -> Option<ValidationResult> {
        let found = lock(&self.validated).get(key);
        if found.is_some() {
            self.validations_skipped.fetch_add(1, Ordering::Relaxed);
        }
        found
    }

    /// Keeps a validation result that passed every check.
    pub fn keep_validated(&self, key: [u8; 32], result: ValidationResult) {
        lock(&self.validated).put(key, result, 0);
    }

    /// Whether the extension-free schema validated a query with this key in
    /// full before (counted as a validation skipped: only the limits are
    /// scored again).
    pub fn checked(&self, key: &[u8; 32]) -> bool {
        let found = lock(&self.checked).get(key).is_some();
        if found {
            self.validations_skipped.fetch_add(1, Ordering::Relaxed);
        }
        found
    }

    /// Notes that a query with this key passed the full validation.
    pub fn keep_checked(&self, key: [u8; 32]) {
        lock(&self.checked).put(key, (), 0);
    }

    /// Resolves `extensions.persistedQuery`. Without a query, the stored text
    /// becomes the request's query (or the hash is not known). With one, the
    /// hash must be the query's SHA-256; the hash is returned, for
    /// [`Documents::persist`] once the document has passed the checks.
    pub fn resolve_persisted(
        &self,
        request: &mut Request,
    ) -> Result<Option<[u8; 32]>, DocumentError> {
        let Some(pq) = request.extensions.get("persistedQuery") else {
            return Ok(None);
        };
        let hash = persisted_hash(pq)?;
        if request.query.is_empty() {
            let text = lock(&self.persisted)
                .get(&hash)
                .ok_or(DocumentError::PersistedQueryNotFound)?;
            request.query = text.to_string();
            return Ok(None);
        }
        if <[u8; 32]>::from(Sha256::digest(request.query.as_bytes())) != hash {
            return Err(DocumentError::PersistedQueryHashMismatch);
        }
        Ok(Some(hash))
    }

    /// Stores `query` under its hash, as checked by [`Documents::resolve_persisted`].
    pub fn persist(&self, hash: [u8; 32], query: &str) {
        lock(&self.persisted).put(hash, query.into(), query.len());
    }
}

/// The variable definitions of the operation `doc` runs for `name`.
fn operation<'d>(
    doc: &'d ExecutableDocument,
    name: Option<&str>,
) -> Option<&'d [Positioned<VariableDefinition>]> {
    let op = match (&doc.operations, name) {
        (DocumentOperations::Single(op), None) => op,
        (DocumentOperations::Single(_), Some(name)) => {
            let mut named = doc.operations.iter();
            named
                .find(|(n, _)| n.is_some_and(|n| n.as_str() == name))?
                .1
        }
        (DocumentOperations::Multiple(ops), Some(name)) => ops.get(name)?,
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => ops.values().next()?,
        (DocumentOperations::Multiple(_), None) => return None,
    };
    Some(&op.node.variable_definitions)
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic while holding it leaves a map that is still whole.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The hash of a `persistedQuery` extension `{version: 1, sha256Hash}`.
fn persisted_hash(pq: &Value) -> Result<[u8; 32], DocumentError> {
    let invalid = |m: &str| DocumentError::PersistedQueryInvalid(m.to_owned());
    let Value::Object(pq) = pq else {
        return Err(invalid("must be an object"));
    };
    match pq.get("version") {
        Some(Value::Number(n)) if n.as_u64() == Some(1) => {}
        _ => return Err(invalid("`version` must be 1")),
    }
    let hex = match pq.get("sha256Hash") {
        Some(Value::String(s)) if s.len() == 64 => s.as_bytes(),
        _ => return Err(invalid("`sha256Hash` must be 64 hexadecimal digits")),
    };
    let digit = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let mut hash = [0u8; 32];
    for (i, pair) in hex.chunks(2).enumerate() {
        match (digit(pair[0]), digit(pair[1])) {
            (Some(h), Some(l)) => hash[i] = h << 4 | l,
            _ => return Err(invalid("`sha256Hash` must be 64 hexadecimal digits")),
        }
    }
    Ok(hash)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(documents: usize, persisted: usize) -> Limits {
        Limits {
            document_cache: documents,
            persisted_queries: persisted,
            ..Limits::default()
        }
    }

    fn doc(q: &str) -> ExecutableDocument {
        async_graphql::parser::parse_query(q).unwrap()
    }

    fn key(q: &str, vars: serde_json::Value) -> [u8; 32] {
        let vars = Variables::from_json(vars);
        Documents::validation_key(&doc(q), q, None, &vars).unwrap()
    }

    #[test]
    fn another_id_or_string_shares_a_validation_key() {
        let q = "query($id: ID!, $s: String) { node(id: $id) { id } search(text: $s) { id } }";
        let a = key(q, serde_json::json!({ "id": "person:a", "s": "x" }));
        assert_eq!(a, key(q, serde_json::json!({ "id": "person:b", "s": "y" })));
    }

    #[test]
    fn another_number_or_a_value_of_another_type_does_not() {
        let q = "query($id: ID!, $n: Int) { node(id: $id) { id } people(first: $n) { id } }";
        let a = key(q, serde_json::json!({ "id": "person:a", "n": 5 }));
        assert_ne!(a, key(q, serde_json::json!({ "id": "person:a", "n": 6 })));
        assert_ne!(a, key(q, serde_json::json!({ "id": 7, "n": 5 })));
        assert_ne!(a, key(q, serde_json::json!({ "id": ["person:a"], "n": 5 })));
    }

    #[test]
    fn a_kept_document_is_found_by_its_text_and_counted() {
        let d = Documents::new(&limits(10, 0));
        assert!(d.parsed("{ a }").is_none());
        d.keep("{ a }", &doc("{ a }"));
        assert!(d.parsed("{ a }").is_some());
        assert!(
            d.parsed("{ a  }").is_none(),
            "another text is another entry"
        );
        assert_eq!(
            d.counts(),
            CacheCounts {
                hits: 1,
                misses: 2,
                documents: 1,
                validations_skipped: 0,
            }
        );
    }

    #[test]
    fn the_least_recently_used_document_goes_first_past_the_count() {
        let d = Documents::new(&limits(2, 0));
        d.keep("{ a }", &doc("{ a }"));
        d.keep("{ b }", &doc("{ b }"));
        assert!(d.parsed("{ a }").is_some());
        d.keep("{ c }", &doc("{ c }"));
        assert!(d.parsed("{ b }").is_none());
        assert!(d.parsed("{ a }").is_some() && d.parsed("{ c }").is_some());
    }

    #[test]
    fn the_text_kept_is_bounded_in_bytes_and_a_zero_count_keeps_nothing() {
        let mut b: Bounded<u32, ()> = Bounded::new(100, 10);
        for k in 0..5 {
            b.put(k, (), 4);
        }
        assert_eq!((b.len(), b.weight), (2, 8));
        b.put(9, (), 11);
        assert_eq!(b.len(), 2, "a value over the whole budget is not kept");
        let d = Documents::new(&limits(0, 0));
        d.keep("{ a }", &doc("{ a }"));
        assert!(d.parsed("{ a }").is_none());
        let long = format!("{{ a {} }}", " ".repeat(CACHE_DOCUMENT_BYTES));
        let d = Documents::new(&limits(10, 0));
        d.keep(&long, &doc(&long));
        assert_eq!(d.counts().documents, 0);
    }

    #[test]
    fn a_persisted_hash_is_64_hex_digits_of_version_1() {
        let pq = |v: serde_json::Value| persisted_hash(&Value::from_json(v).unwrap());
        let h = "ab".repeat(32);
        assert_eq!(
            pq(serde_json::json!({"version": 1, "sha256Hash": h})),
            Ok([0xab; 32])
        );
        assert_eq!(
            pq(serde_json::json!({"version": 1, "sha256Hash": h.to_uppercase()})),
            Ok([0xab; 32])
        );
        for bad in [
            serde_json::json!({"version": 2, "sha256Hash": h}),
            serde_json::json!({"sha256Hash": h}),
            serde_json::json!({"version": 1, "sha256Hash": "abc"}),
            serde_json::json!({"version": 1, "sha256Hash": "zz".repeat(32)}),
            serde_json::json!("x"),
        ] {
            assert!(
                matches!(
                    pq(bad.clone()),
                    Err(DocumentError::PersistedQueryInvalid(_))
                ),
                "{bad}"
            );
        }
    }
}

#[cfg(test)]
mod schema_tests {
    use std::sync::Arc;

    use async_graphql::Schema;

    use super::{CacheCounts, Documents};
    use crate::api::guard::GuardFactory;
    use crate::api::limits::Limits;
    use crate::api::{MutationRoot, Query, SubscriptionRoot};
    use crate::service::Service;

    #[tokio::test]
    async fn a_document_sent_again_is_not_parsed_again() {
        let dir = tempfile::tempdir().unwrap();
        let limits = Limits::default();
        let documents = Arc::new(Documents::new(&limits));
        let schema = Schema::build(Query::default(), MutationRoot::default(), SubscriptionRoot)
            .data(Service::open(dir.path()).unwrap())
            .extension(GuardFactory::new(&limits, documents.clone()))
            .finish();
        for _ in 0..3 {
            let r = schema.execute("{ counts { nodes } }").await;
            assert!(r.errors.is_empty(), "{:?}", r.errors);
        }
        assert_eq!(
            documents.counts(),
            CacheCounts {
                hits: 2,
                misses: 1,
                documents: 1,
                validations_skipped: 2,
            }
        );
    }

    #[tokio::test]
    async fn a_validation_is_reused_only_for_the_same_variables() {
        let dir = tempfile::tempdir().unwrap();
        let limits = Limits {
            max_complexity: 200,
            ..Limits::default()
        };
        let documents = Arc::new(Documents::new(&limits));
        let schema = Schema::build(Query::default(), MutationRoot::default(), SubscriptionRoot)
            .data(Service::open(dir.path()).unwrap())
            .extension(GuardFactory::new(&limits, documents.clone()))
            .finish();
        let q = "query($f: Int) { people(first: $f) { totalCount } }";
        let run = |first: i64| {
            let vars = async_graphql::Variables::from_json(serde_json::json!({ "f": first }));
            schema.execute(async_graphql::Request::new(q).variables(vars))
        };
        for first in [5, 5, 6, 5] {
            let r = run(first).await;
            assert!(r.errors.is_empty(), "{:?}", r.errors);
        }
        let c = documents.counts();
        assert_eq!((c.hits, c.validations_skipped), (3, 2));
        // A refusal is worked out again, never kept: a page over the
        // complexity limit is refused every time, with the same message.
        let first = run(500).await.errors;
        assert!(
            first[0].message.contains("over the limit of 200"),
            "{first:?}"
        );
        assert_eq!(run(500).await.errors, first);
        assert_eq!(documents.counts().validations_skipped, 2);
    }
}
