//! Request limits and the first look at a document: check its size and
//! count its definitions without parsing, then parse it, pick the operation,
//! tell a query from a mutation, and count its fields (aliases included,
//! fragments expanded) — before anything runs. Error messages are bounded
//! and never quote the document back.

use std::time::Duration;

use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, OperationType, Selection, SelectionSet,
};

/// Limits on what one request may ask; every one is configurable.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Deepest selection nesting.
    pub max_depth: usize,
    /// Most complexity points (one a field, lists and connections weighted by
    /// the page size they ask for).
    pub max_complexity: usize,
    /// Most fields in one document, aliases included, fragments expanded.
    pub max_fields: usize,
    /// Largest request body, and largest WebSocket message, in bytes.
    pub max_body: usize,
    /// Largest GraphQL document (the `query` text), in bytes.
    pub max_document_bytes: usize,
    /// Most operations in one document.
    pub max_operations: usize,
    /// Most fragment definitions in one document.
    pub max_fragments: usize,
    /// Longest a query may run; mutations are not cut short (a write in
    /// flight completes).
    pub query_timeout: Duration,
    /// Whether `__schema` / `__type` introspection is served.
    pub introspection: bool,
    /// Most parsed documents kept for reuse (0: none kept); see
    /// [`super::documents`].
    pub document_cache: usize,
    /// Most automatic persisted queries kept (0: none; a hash-only request
    /// is then always `PERSISTED_QUERY_NOT_FOUND`).
    pub persisted_queries: usize,
    /// Most requests in one JSON array batch on `POST /graphql`.
    pub max_batch: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 15,
            max_complexity: 50_000,
            max_fields: 500,
            max_body: 32 * 1024 * 1024,
            max_document_bytes: 256 * 1024,
            max_operations: 100,
            max_fragments: 200,
            query_timeout: Duration::from_secs(30),
            introspection: true,
            document_cache: 1_000,
            persisted_queries: 1_000,
            max_batch: 10,
        }
    }
}

/// What a request is, found without running it.
#[derive(Debug, Clone)]
pub struct Inspected {
    /// The parsed document, handed on so that it is parsed once.
    pub doc: ExecutableDocument,
    pub kind: OperationKind,
    /// The operation asks for `__schema` or `__type` at its top level.
    pub introspection: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperationKind {
    Query,
    Mutation,
    Subscription,
}

/// Why a document was refused before running.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocumentError {
    #[error("{0}")]
    Parse(String),
    #[error("unknown operation named `{0}`")]
    UnknownOperation(String),
    #[error("the document has several operations: name one with operationName")]
    OperationNameRequired,
    #[error(
        "the document selects more than {0} fields (aliases included); ask for less or split it"
    )]
    TooManyFields(usize),
    #[error("the document is {0} bytes, more than the limit of {1}")]
    TooLarge(usize, usize),
    #[error("the document has more than {0} operations")]
    TooManyOperations(usize),
    #[error("the document defines more than {0} fragments")]
    TooManyFragments(usize),
    /// Apollo's automatic persisted queries: a hash-only request whose hash
    /// is not known (the client sends the query with it next). The message
    /// is the one Apollo clients look for.
    #[error("PersistedQueryNotFound")]
    PersistedQueryNotFound,
    #[error("extensions.persistedQuery: {0}")]
    PersistedQueryInvalid(String),
    #[error("extensions.persistedQuery.sha256Hash is not the SHA-256 of the query")]
    PersistedQueryHashMismatch,
}

impl DocumentError {
    /// The code the client reads.
    pub fn code(&self) -> super::ErrorCode {
        match self {
            DocumentError::PersistedQueryNotFound => super::ErrorCode::PersistedQueryNotFound,
            _ => super::ErrorCode::BadRequest,
        }
    }

    /// The limit a document went over, as named in `extensions.limit`.
    pub fn limit(&self) -> Option<&'static str> {
        match self {
            DocumentError::TooManyFields(_) => Some("maxFields"),
            DocumentError::TooLarge(..) => Some("maxDocumentBytes"),
            DocumentError::TooManyOperations(_) => Some("maxOperations"),
            DocumentError::TooManyFragments(_) => Some("maxFragments"),
            _ => None,
        }
    }
}

/// Cuts `s` to at most `max` bytes (on a character boundary), marking the cut.
pub fn bounded(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_owned();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

/// A parse error without the parser's picture of the offending line (which
/// quoted the document: a 1.5 MB line came back in a 1.57 MB error).
fn parse_message(e: &async_graphql::parser::Error) -> String {
    use async_graphql::parser::Error;
    match e {
        Error::Syntax { message, start, .. } => {
            let expected = message
                .lines()
                .find_map(|l| l.trim_start().strip_prefix("= "))
                .unwrap_or("unexpected input");
            bounded(
                &format!(
                    "syntax error at line {}, column {}: {expected}",
                    start.line, start.column
                ),
                300,
            )
        }
        other => bounded(&other.to_string(), 300),
    }
}

/// Counts the operations and fragment definitions of a document from its
/// text, without parsing: a `{` at the top level (outside parentheses,
/// strings and comments) opens one definition, a fragment's when the word
/// `fragment` came before it. Linear and allocation-free, so a document of
/// 10,000 definitions is refused before the parser sees it.
pub fn count_definitions(query: &str) -> (usize, usize) {
    let b = query.as_bytes();
    let (mut i, mut braces, mut parens) = (0, 0usize, 0usize);
    let (mut operations, mut fragments, mut fragment_next) = (0, 0, false);
    while i < b.len() {
        match b[i] {
            b'#' => {
                while i < b.len() && b[i] != b'\n' && b[i] != b'\r' {
                    i += 1;
                }
            }
            b'"' if b[i..].starts_with(b"\"\"\"") => {
                i += 3;
                while i < b.len() && !b[i..].starts_with(b"\"\"\"") {
                    i += if b[i..].starts_with(b"\\\"\"\"") {
                        4
                    } else {
                        1
                    };
                }
                i += 2;
            }
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' && b[i] != b'\n' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'(' => parens += 1,
            b')' => parens = parens.saturating_sub(1),
            b'{' => {
                if braces == 0 && parens == 0 {
                    if fragment_next {
                        fragments += 1;
                    } else {
                        operations += 1;
                    }
                    fragment_next = false;
                }
                braces += 1;
            }
            b'}' => braces = braces.saturating_sub(1),
            c if braces == 0 && parens == 0 && (c.is_ascii_alphabetic() || c == b'_') => {
                let start = i;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                    i += 1;
                }
                if &b[start..i] == b"fragment" {
                    fragment_next = true;
                }
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    (operations, fragments)
}

/// The checks that need no parse: size, then operation and fragment counts.
pub fn precheck(query: &str, limits: &Limits) -> Result<(), DocumentError> {
    if query.len() > limits.max_document_bytes {
        return Err(DocumentError::TooLarge(
            query.len(),
            limits.max_document_bytes,
        ));
    }
    let (operations, fragments) = count_definitions(query);
    if operations > limits.max_operations {
        return Err(DocumentError::TooManyOperations(limits.max_operations));
    }
    if fragments > limits.max_fragments {
        return Err(DocumentError::TooManyFragments(limits.max_fragments));
    }
    Ok(())
}

/// Counts the fields of a selection set, expanding fragment spreads, and
/// stops as soon as the count passes `max` (so a fragment bomb costs little).
fn count(doc: &ExecutableDocument, set: &SelectionSet, max: usize, n: &mut usize, depth: usize) {
    if depth > 64 {
        *n = max + 1;
    }
    for item in &set.items {
        if *n > max {
            return;
        }
        match &item.node {
            Selection::Field(f) => {
                *n += 1;
                count(doc, &f.node.selection_set.node, max, n, depth + 1);
            }
            Selection::InlineFragment(f) => {
                count(doc, &f.node.selection_set.node, max, n, depth + 1)
            }
            Selection::FragmentSpread(s) => {
                if let Some(def) = doc.fragments.get(&s.node.fragment_name.node) {
                    count(doc, &def.node.selection_set.node, max, n, depth + 1);
                }
            }
        }
    }
}

/// Parses `query`, selects the operation and checks the field count.
/// Callers run [`precheck`] first (size and definition counts).
pub fn inspect(
    query: &str,
    operation_name: Option<&str>,
    max_fields: usize,
) -> Result<Inspected, DocumentError> {
    let doc = parse(query)?;
    let (kind, introspection) = inspect_parsed(&doc, operation_name, max_fields)?;
    Ok(Inspected {
        doc,
        kind,
        introspection,
    })
}

/// Parses `query`, with a bounded message on a syntax error.
pub fn parse(query: &str) -> Result<ExecutableDocument, DocumentError> {
    async_graphql::parser::parse_query(query).map_err(|e| DocumentError::Parse(parse_message(&e)))
}

/// Selects the operation of a parsed document and checks its field count:
/// the operation's kind, and whether it asks for introspection at its top.
pub fn inspect_parsed(
    doc: &ExecutableDocument,
    operation_name: Option<&str>,
    max_fields: usize,
) -> Result<(OperationKind, bool), DocumentError> {
    let unknown = |name: &str| DocumentError::UnknownOperation(bounded(name, 100));
    let op = match (&doc.operations, operation_name) {
        (DocumentOperations::Single(op), None) => op,
        (DocumentOperations::Single(op), Some(name)) => {
            let _ = op;
            let found = doc
                .operations
                .iter()
                .find(|(n, _)| n.is_some_and(|n| n.as_str() == name));
            found.map(|(_, op)| op).ok_or_else(|| unknown(name))?
        }
        (DocumentOperations::Multiple(ops), Some(name)) => {
            ops.get(name).ok_or_else(|| unknown(name))?
        }
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => {
            ops.values().next().expect("one")
        }
        (DocumentOperations::Multiple(_), None) => {
            return Err(DocumentError::OperationNameRequired)
        }
    };
    let mut n = 0;
    count(doc, &op.node.selection_set.node, max_fields, &mut n, 0);
    if n > max_fields {
        return Err(DocumentError::TooManyFields(max_fields));
    }
    let kind = match op.node.ty {
        OperationType::Query => OperationKind::Query,
        OperationType::Mutation => OperationKind::Mutation,
        OperationType::Subscription => OperationKind::Subscription,
    };
    let introspection = top_fields(doc, &op.node.selection_set.node, 0)
        .iter()
        .any(|f| f == "__schema" || f == "__type");
    Ok((kind, introspection))
}

/// The field names selected at the top of a selection set, through fragments.
fn top_fields(doc: &ExecutableDocument, set: &SelectionSet, depth: usize) -> Vec<String> {
    if depth > 16 {
        return Vec::new();
    }
    let mut out = Vec::new();
    for item in &set.items {
        match &item.node {
            Selection::Field(f) => out.push(f.node.name.node.to_string()),
            Selection::InlineFragment(f) => {
                out.extend(top_fields(doc, &f.node.selection_set.node, depth + 1))
            }
            Selection::FragmentSpread(s) => {
                if let Some(def) = doc.fragments.get(&s.node.fragment_name.node) {
                    out.extend(top_fields(doc, &def.node.selection_set.node, depth + 1));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_queries_from_mutations_by_the_chosen_operation() {
        let doc = "query A { counts { nodes } } mutation B { deleteNode(id: \"x:y\") { id } }";
        assert_eq!(
            inspect(doc, Some("A"), 100).map(|i| i.kind),
            Ok(OperationKind::Query)
        );
        assert_eq!(
            inspect(doc, Some("B"), 100).map(|i| i.kind),
            Ok(OperationKind::Mutation)
        );
        assert_eq!(
            inspect(doc, None, 100).err(),
            Some(DocumentError::OperationNameRequired)
        );
        assert_eq!(
            inspect(doc, Some("C"), 100).err(),
            Some(DocumentError::UnknownOperation("C".into()))
        );
        assert_eq!(
            inspect("{ counts { nodes } }", None, 100).map(|i| i.kind),
            Ok(OperationKind::Query)
        );
    }

    #[test]
    fn notices_introspection_at_the_top_even_through_fragments() {
        let i = |q: &str| inspect(q, None, 100).unwrap().introspection;
        assert!(i("{ __schema { types { name } } }"));
        assert!(i(
            "{ ...F } fragment F on Query { __type(name: \"X\") { name } }"
        ));
        assert!(!i("{ counts { nodes } }"));
    }

    #[test]
    fn counts_aliases_and_expands_fragments() {
        let aliases: String = (0..20)
            .map(|i| format!("a{i}: counts {{ nodes }} "))
            .collect();
        assert!(inspect(&format!("{{ {aliases} }}"), None, 40).is_ok());
        assert_eq!(
            inspect(&format!("{{ {aliases} }}"), None, 39).err(),
            Some(DocumentError::TooManyFields(39))
        );
        let bomb = "query { ...F ...F ...F } fragment F on Query { a: counts { nodes } b: counts { nodes } }";
        assert_eq!(
            inspect(bomb, None, 11).err(),
            Some(DocumentError::TooManyFields(11))
        );
        assert!(inspect(bomb, None, 12).is_ok());
    }

    #[test]
    fn a_syntax_error_is_a_parse_error() {
        assert!(matches!(
            inspect("{ counts { ", None, 10),
            Err(DocumentError::Parse(_))
        ));
    }

    #[test]
    fn counts_definitions_without_parsing() {
        assert_eq!(count_definitions("{ a { b } }"), (1, 0));
        assert_eq!(
            count_definitions(
                "query A($v: In = {x: 1}) @d(a: \"{\") { a } fragment F on Q { b } # {\n{ c }"
            ),
            (2, 1)
        );
        assert_eq!(
            count_definitions("{ a(s: \"}}}\" t: \"\"\"{ \\\"\"\" }\"\"\") }"),
            (1, 0)
        );
        let ops: String = (0..300).map(|i| format!("query o{i} {{ a }}\n")).collect();
        assert_eq!(count_definitions(&ops), (300, 0));
    }

    #[test]
    fn a_parse_error_does_not_quote_the_document() {
        let deep = format!("{}{}", "{a".repeat(20_000), "}".repeat(19_999));
        // The parser's own message draws the offending line: the echo.
        let raw = async_graphql::parser::parse_query(&deep)
            .err()
            .unwrap()
            .to_string();
        assert!(raw.len() > deep.len(), "{}", raw.len());
        let e = inspect(&deep, None, 10).err().unwrap().to_string();
        assert!(e.len() < 400, "{e}");
        assert!(!e.contains("{a{a"), "{e}");
        let long_name = "x".repeat(10_000);
        let e = inspect("query A { a }", Some(&long_name), 10)
            .err()
            .unwrap()
            .to_string();
        assert!(e.len() < 400, "{e}");
    }
}
