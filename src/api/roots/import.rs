//! The `import` mutation and its report: one or several documents in the
//! import format, applied as one write (all or nothing) or only previewed
//! (`dryRun`); a record that exists is merged into, or with `replace`
//! replaced; the report says what happened to each record.

use async_graphql::{ComplexObject, Context, Enum, InputObject, Object, Result, SimpleObject, ID};

use crate::api::leaves::errors::{import_error, invalid};
use crate::api::leaves::pagination::{list_cost, slice};
use crate::import::{self, ImportFailure};
use crate::service::OutcomeKind;

/// The longest `name` the `import` mutation takes for a document, in bytes.
const MAX_IMPORT_NAME: usize = 256;

/// One document of an import: a file's contents and a name for messages.
#[derive(InputObject)]
pub struct ImportDocument {
    /// Named in every problem reported (a file name); `document N` if left out.
    pub name: Option<String>,
    /// The document, in the import format.
    pub text: String,
}

/// What an import did (or would do) to a record.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum ImportOutcome {
    Created,
    /// Merged into the stored record: `added` says what it added.
    Merged,
    /// Replaced the stored record as a whole: `removed` says what went.
    Replaced,
    /// Identical to the stored record, or adding nothing to it.
    Unchanged,
    /// Gives a field a value other than the stored one: see `conflicts`.
    Conflicting,
}

impl From<OutcomeKind> for ImportOutcome {
    fn from(k: OutcomeKind) -> Self {
        match k {
            OutcomeKind::Created => ImportOutcome::Created,
            OutcomeKind::Merged => ImportOutcome::Merged,
            OutcomeKind::Replaced => ImportOutcome::Replaced,
            OutcomeKind::Unchanged => ImportOutcome::Unchanged,
            OutcomeKind::Conflicting => ImportOutcome::Conflicting,
        }
    }
}

/// A field an import gives a value other than the stored one.
#[derive(SimpleObject)]
pub struct FieldConflict {
    /// The field's path in the import format (`kind`, `aliases[2].lang`).
    pub field: String,
    /// The stored value, as JSON.
    pub stored: String,
    /// The value the document gives, as JSON.
    pub given: String,
    /// The stored record's citations nearest the field ("source:x ¶3").
    pub stored_sources: Vec<String>,
    /// The document's citations nearest the field.
    pub given_sources: Vec<String>,
}

/// What an import did (or would do) to one record.
#[derive(SimpleObject)]
pub struct ImportItem {
    pub id: ID,
    pub outcome: ImportOutcome,
    /// The document and line the record is at.
    pub file: String,
    pub line: usize,
    /// `field: value` lines: what a merge or replacement added.
    pub added: Vec<String>,
    /// What a replacement removed (a changed value is removed and added).
    pub removed: Vec<String>,
    pub conflicts: Vec<FieldConflict>,
}

/// What an import changed (or, with `dryRun`, would change).
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct ImportResult {
    /// False for a dry run: nothing was written.
    pub applied: bool,
    pub records: usize,
    pub created: usize,
    pub merged: usize,
    pub replaced: usize,
    pub unchanged: usize,
    /// Records in conflict with the store (only a dry run reports them:
    /// an import with any is refused with CONFLICT).
    pub conflicting: usize,
    /// `merged` + `replaced`.
    pub updated: usize,
    #[graphql(skip)]
    pub report: import::ImportReport,
}

#[ComplexObject]
impl ImportResult {
    /// A line per record, in the order they were applied (nodes, relations,
    /// conflicts), optionally of one outcome; paged by `offset` and `first`
    /// (at most 1000); `itemsCount` counts them all.
    #[graphql(complexity = "list_cost(first, child_complexity)")]
    async fn items(
        &self,
        outcome: Option<ImportOutcome>,
        #[graphql(default = 100)] first: Option<i32>,
        offset: Option<i32>,
    ) -> Result<Vec<ImportItem>> {
        let items: Vec<&import::ImportItem> = self.of(outcome).collect();
        Ok(slice(items, first, offset)?
            .into_iter()
            .map(|it| ImportItem {
                id: ID(it.id.clone()),
                outcome: it.outcome.into(),
                file: it.file.clone(),
                line: it.line,
                added: it.added.clone(),
                removed: it.removed.clone(),
                conflicts: it
                    .conflicts
                    .iter()
                    .map(|c| FieldConflict {
                        field: c.field.clone(),
                        stored: c.stored.clone(),
                        given: c.given.clone(),
                        stored_sources: c.stored_sources.clone(),
                        given_sources: c.given_sources.clone(),
                    })
                    .collect(),
            })
            .collect())
    }

    async fn items_count(&self, outcome: Option<ImportOutcome>) -> usize {
        self.of(outcome).count()
    }
}

impl ImportResult {
    fn of(&self, outcome: Option<ImportOutcome>) -> impl Iterator<Item = &import::ImportItem> {
        self.report
            .items
            .iter()
            .filter(move |it| outcome.is_none_or(|o| ImportOutcome::from(it.outcome) == o))
    }
}

impl From<import::ImportReport> for ImportResult {
    fn from(r: import::ImportReport) -> Self {
        ImportResult {
            applied: r.applied,
            records: r.records,
            created: r.created,
            merged: r.merged,
            replaced: r.replaced,
            unchanged: r.unchanged,
            conflicting: r.conflicting,
            updated: r.merged + r.replaced,
            report: r,
        }
    }
}

/// The `import` mutation.
#[derive(Default)]
pub struct ImportMutations;

#[Object]
impl ImportMutations {
    /// Imports documents in the import format (`graph-schema/import-format.md`):
    /// `document` (named `name`) and every one of `documents`, as one write,
    /// all of it or nothing; a document may use ids another defines. A
    /// record that exists is merged into: what the document adds is added,
    /// what it leaves out is kept, and a field given another value refuses
    /// the import with CONFLICT naming both values and their sources. With
    /// `replace`, each record replaces the stored one as a whole (the report
    /// says what it removed). With `dryRun`, nothing is written: the report
    /// says what would change, conflicts included. Errors give document,
    /// line and field. With `format`, the documents are in another format
    /// (`graph-schema/formats.md`), read into the import format's records
    /// first (CSV: one document named `*.json` is the column mapping).
    #[allow(clippy::too_many_arguments)]
    async fn import(
        &self,
        ctx: &Context<'_>,
        document: Option<String>,
        #[graphql(default)] format: crate::formats::Format,
        #[graphql(default_with = "String::from(\"request\")")] name: String,
        documents: Option<Vec<ImportDocument>>,
        #[graphql(default_with = "Some(false)")] replace: Option<bool>,
        #[graphql(default_with = "Some(false)")] dry_run: Option<bool>,
        #[graphql(desc = "Why: kept with the import's change set.")] comment: Option<String>,
        #[graphql(desc = "The source of the import as a whole (a `source:` id).")] source: Option<
            ID,
        >,
    ) -> Result<ImportResult> {
        let source = source
            .map(|s| crate::model::NodeId::parse_kind(&s, crate::model::NodeKind::Source))
            .transpose()
            .map_err(|e| invalid("source", e))?;
        let (replace, dry_run) = (replace.unwrap_or(false), dry_run.unwrap_or(false));
        let mut all: Vec<(String, String)> = document.map(|d| (name, d)).into_iter().collect();
        for (i, d) in documents.into_iter().flatten().enumerate() {
            all.push((
                d.name.unwrap_or_else(|| format!("document {}", i + 1)),
                d.text,
            ));
        }
        if all.is_empty() {
            return Err(invalid("documents", "give `document` or `documents`"));
        }
        // The name is repeated in every problem reported: keep it short.
        for (n, _) in &all {
            if n.len() > MAX_IMPORT_NAME {
                return Err(invalid(
                    "name",
                    format!("is {} bytes; at most {MAX_IMPORT_NAME}", n.len()),
                ));
            }
        }
        let service = crate::api::service(ctx);
        let mut parsed = crate::api::heavy::parse_import(service, format, all).await?;
        if replace {
            parsed = parsed.replacing();
        }
        let report = if dry_run {
            // Planning works on a copy of the whole graph: off the async workers.
            let s = service.clone();
            crate::api::heavy::offload(service.graph(), move |_| import::preview(&s, parsed))
                .await?
                .map_err(|e| import_error(ImportFailure::Invalid(e)))?
        } else {
            let author = crate::api::author(ctx)
                .op("import")
                .comment(comment)
                .source(source);
            import::apply(service, parsed, Vec::new(), author)
                .await
                .map_err(import_error)?
        };
        Ok(report.into())
    }
}
