//! Request limits and the first look at a document: parse it, pick the
//! operation, tell a query from a mutation, and count its fields (aliases
//! included, fragments expanded) — before anything runs.

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
    /// Largest request body, in bytes.
    pub max_body: usize,
    /// Longest a query may run; mutations are not cut short (a write in
    /// flight completes).
    pub query_timeout: Duration,
    /// Whether `__schema` / `__type` introspection is served.
    pub introspection: bool,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 15,
            max_complexity: 50_000,
            max_fields: 500,
            max_body: 32 * 1024 * 1024,
            query_timeout: Duration::from_secs(30),
            introspection: true,
        }
    }
}

/// What a request is, found without running it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Inspected {
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
pub fn inspect(
    query: &str,
    operation_name: Option<&str>,
    max_fields: usize,
) -> Result<Inspected, DocumentError> {
    let doc = async_graphql::parser::parse_query(query)
        .map_err(|e| DocumentError::Parse(e.to_string()))?;
    let op = match (&doc.operations, operation_name) {
        (DocumentOperations::Single(op), None) => op,
        (DocumentOperations::Single(op), Some(name)) => {
            let _ = op;
            let found = doc
                .operations
                .iter()
                .find(|(n, _)| n.is_some_and(|n| n.as_str() == name));
            found
                .map(|(_, op)| op)
                .ok_or_else(|| DocumentError::UnknownOperation(name.to_owned()))?
        }
        (DocumentOperations::Multiple(ops), Some(name)) => ops
            .get(name)
            .ok_or_else(|| DocumentError::UnknownOperation(name.to_owned()))?,
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => {
            ops.values().next().expect("one")
        }
        (DocumentOperations::Multiple(_), None) => {
            return Err(DocumentError::OperationNameRequired)
        }
    };
    let mut n = 0;
    count(&doc, &op.node.selection_set.node, max_fields, &mut n, 0);
    if n > max_fields {
        return Err(DocumentError::TooManyFields(max_fields));
    }
    let kind = match op.node.ty {
        OperationType::Query => OperationKind::Query,
        OperationType::Mutation => OperationKind::Mutation,
        OperationType::Subscription => OperationKind::Subscription,
    };
    let introspection = top_fields(&doc, &op.node.selection_set.node, 0)
        .iter()
        .any(|f| f == "__schema" || f == "__type");
    Ok(Inspected {
        kind,
        introspection,
    })
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
            inspect(doc, None, 100),
            Err(DocumentError::OperationNameRequired)
        );
        assert_eq!(
            inspect(doc, Some("C"), 100),
            Err(DocumentError::UnknownOperation("C".into()))
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
            inspect(&format!("{{ {aliases} }}"), None, 39),
            Err(DocumentError::TooManyFields(39))
        );
        let bomb = "query { ...F ...F ...F } fragment F on Query { a: counts { nodes } b: counts { nodes } }";
        assert_eq!(
            inspect(bomb, None, 11),
            Err(DocumentError::TooManyFields(11))
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
}
