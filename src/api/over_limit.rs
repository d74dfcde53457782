//! Saying why a query is over the complexity or depth limit: its score, the
//! limit and the field path that costs the most (or nests the deepest), so
//! the caller knows what to cut.
//!
//! async-graphql computes a query's complexity from the cost expressions on
//! the resolvers but reports only the total. To find the costliest part, the
//! query is measured again in pieces: each piece keeps one path from the root
//! and the whole selection below its end, and is validated (never executed) by
//! a second schema of the same types whose only extension records the score.
//! The search descends while one child accounts for more than half its
//! parent's cost. This runs only for a refused query.

use std::sync::{Arc, LazyLock, Mutex};

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextValidation,
};
use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, InlineFragment, OperationDefinition, Selection,
    SelectionSet,
};
use async_graphql::parser::Positioned;
use async_graphql::{
    Request, Response, Schema, ServerError, ValidationMode, ValidationResult, Variables,
};

use super::{MutationRoot, Query, SubscriptionRoot};

/// Where the measuring schema leaves the score of the piece it validated.
#[derive(Clone, Default)]
struct Score(Arc<Mutex<Option<usize>>>);

struct Measure;

impl ExtensionFactory for Measure {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(Measure)
    }
}

#[async_graphql::async_trait::async_trait]
impl Extension for Measure {
    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let r = next.run(ctx).await;
        if let (Ok(v), Some(score)) = (&r, ctx.data_opt::<Score>()) {
            *score.0.lock().unwrap_or_else(|e| e.into_inner()) = Some(v.complexity);
        }
        r
    }

    async fn execute(
        &self,
        _ctx: &ExtensionContext<'_>,
        _operation_name: Option<&str>,
        _next: NextExecute<'_>,
    ) -> Response {
        // Measured, never run.
        Response::default()
    }
}

/// The schema's types without data or limits, validating in the fast mode
/// (a piece leaves variables and fragments unused; that is not an error here).
static MEASURING: LazyLock<Schema<Query, MutationRoot, SubscriptionRoot>> = LazyLock::new(|| {
    Schema::build(Query::default(), MutationRoot::default(), SubscriptionRoot)
        .extension(Measure)
        .validation_mode(ValidationMode::Fast)
        .finish()
});

/// The complexity async-graphql gives `doc`, or `None` if it is not valid.
async fn measure(doc: ExecutableDocument, variables: &Variables) -> Option<usize> {
    let score = Score::default();
    let mut request = Request::new("")
        .variables(variables.clone())
        .data(score.clone());
    request.set_parsed_query(doc);
    MEASURING.execute(request).await;
    let n = *score.0.lock().unwrap_or_else(|e| e.into_inner());
    n
}

/// The operation `name` picks (or the only one).
/// The query parsed, and the selection set of the operation it runs.
fn parsed_root(
    query: &str,
    operation_name: Option<&str>,
) -> Option<(ExecutableDocument, SelectionSet)> {
    let mut doc = async_graphql::parser::parse_query(query).ok()?;
    let root = operation(&mut doc, operation_name)?
        .node
        .selection_set
        .node
        .clone();
    Some((doc, root))
}

fn operation<'a>(
    doc: &'a mut ExecutableDocument,
    name: Option<&str>,
) -> Option<&'a mut Positioned<OperationDefinition>> {
    match &mut doc.operations {
        DocumentOperations::Single(op) => Some(op),
        DocumentOperations::Multiple(ops) => match name {
            Some(n) => ops.get_mut(n),
            None if ops.len() == 1 => ops.values_mut().next(),
            None => None,
        },
    }
}

/// The selections below a selection, a fragment spread read as the inline
/// fragment it stands for.
fn below(sel: &mut Selection, doc: &ExecutableDocument) -> Option<SelectionSet> {
    if let Selection::FragmentSpread(s) = sel {
        let def = doc.fragments.get(&s.node.fragment_name.node)?;
        *sel = Selection::InlineFragment(Positioned::new(
            InlineFragment {
                type_condition: Some(def.node.type_condition.clone()),
                directives: Vec::new(),
                selection_set: def.node.selection_set.clone(),
            },
            s.pos,
        ));
    }
    match sel {
        Selection::Field(f) => Some(f.node.selection_set.node.clone()),
        Selection::InlineFragment(f) => Some(f.node.selection_set.node.clone()),
        Selection::FragmentSpread(_) => None,
    }
}

fn set_below(sel: &mut Selection, set: SelectionSet) {
    match sel {
        Selection::Field(f) => f.node.selection_set.node = set,
        Selection::InlineFragment(f) => f.node.selection_set.node = set,
        Selection::FragmentSpread(_) => {}
    }
}

/// The name a selection has in a path: a field's response key; a fragment none.
fn label(sel: &Selection) -> Option<String> {
    match sel {
        Selection::Field(f) => Some(f.node.response_key().node.to_string()),
        _ => None,
    }
}

/// The selection set of the root, keeping along `path` (indexes, level by
/// level) only the one selection named, and everything below its end.
fn pruned(root: &SelectionSet, path: &[usize], doc: &ExecutableDocument) -> SelectionSet {
    let Some((first, rest)) = path.split_first() else {
        return root.clone();
    };
    let mut sel = root.items[*first].clone();
    if !rest.is_empty() {
        if let Some(set) = below(&mut sel.node, doc) {
            set_below(&mut sel.node, pruned(&set, rest, doc));
        }
    }
    SelectionSet { items: vec![sel] }
}

/// The costliest field path of a query that is over the complexity limit,
/// with its score (what the query would cost with only that path kept).
pub async fn costliest_path(
    query: &str,
    variables: &Variables,
    operation_name: Option<&str>,
) -> Option<(String, usize)> {
    let (doc, root) = parsed_root(query, operation_name)?;
    let with = |path: &[usize]| {
        let mut d = doc.clone();
        let set = pruned(&root, path, &doc);
        if let Some(op) = operation(&mut d, operation_name) {
            op.node.selection_set.node = set;
        }
        d
    };
    let mut path: Vec<usize> = Vec::new();
    let mut cost = measure(with(&path), variables).await?;
    let mut names: Vec<String> = Vec::new();
    // A bound on the descent, far past any depth limit.
    for _ in 0..64 {
        let mut here = root.clone();
        for &i in &path {
            let mut sel = here.items[i].node.clone();
            here = below(&mut sel, &doc).unwrap_or_default();
        }
        let mut best: Option<(usize, usize)> = None;
        for i in 0..here.items.len() {
            let mut p = path.clone();
            p.push(i);
            if let Some(c) = measure(with(&p), variables).await {
                if best.is_none_or(|(_, b)| c > b) {
                    best = Some((i, c));
                }
            }
        }
        match best {
            Some((i, c)) if path.is_empty() || c * 2 > cost => {
                path.push(i);
                cost = c;
                names.extend(label(&here.items[i].node));
            }
            _ => break,
        }
    }
    (!names.is_empty()).then(|| (names.join("."), cost))
}

/// The path of the most deeply nested field.
pub fn deepest_path(query: &str, operation_name: Option<&str>) -> Option<String> {
    fn walk(set: &SelectionSet, doc: &ExecutableDocument, guard: usize) -> Vec<String> {
        if guard > 64 {
            return Vec::new();
        }
        let mut best: Vec<String> = Vec::new();
        for item in &set.items {
            let mut sel = item.node.clone();
            let Some(children) = below(&mut sel, doc) else {
                continue;
            };
            let mut p: Vec<String> = label(&sel).into_iter().collect();
            p.extend(walk(&children, doc, guard + 1));
            let depth = |v: &Vec<String>| v.len();
            if depth(&p) > depth(&best) {
                best = p;
            }
        }
        best
    }
    let (doc, root) = parsed_root(query, operation_name)?;
    let path = walk(&root, &doc, 0);
    (!path.is_empty()).then(|| path.join("."))
}
