//! The JSON-LD vocabulary: which term (and IRI) each field of a node, a
//! relation, a conflict or a redirect becomes, the class of each node and
//! relation kind, and the context built from those tables (committed as
//! `graph-schema/context.jsonld`, served at `/context.jsonld`).

use serde_json::{json, Map, Value};

use crate::model::{NodeKind, RelKind};

/// The IRI the export names as its `@context` (resolved to the committed
/// file; `.example` never resolves on the network, so readers map it).
pub const CONTEXT_IRI: &str = "https://attache.example/context.jsonld";
/// Our own vocabulary: classes and properties schema.org has no term for.
pub const VOCAB: &str = "https://attache.example/vocab#";
/// Where record ids live: `person:berik-asylov` is
/// `https://attache.example/id/person/berik-asylov`.
pub const ID_BASE: &str = "https://attache.example/id/";

/// How a field's value is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Val {
    Text,
    /// A partial date, typed `xsd:gYear`, `xsd:gYearMonth` or `xsd:date`.
    Date,
    /// A reference (a record id or a URL).
    Id,
    Int,
    Bool,
    Texts,
    Dates,
    Ids,
    Aliases,
    Notes,
    Citations,
}

impl Val {
    fn is_set(self) -> bool {
        matches!(
            self,
            Val::Texts | Val::Dates | Val::Ids | Val::Aliases | Val::Notes | Val::Citations
        )
    }
}

/// One field of the model as a JSON-LD term.
#[derive(Debug, Clone, Copy)]
pub struct Term {
    /// The `attache/1` field.
    pub field: &'static str,
    /// The term in the context (the key in the file).
    pub term: &'static str,
    /// Its IRI, compact (`schema:name`, `av:acting`).
    pub iri: &'static str,
    pub val: Val,
}

const fn t(field: &'static str, term: &'static str, iri: &'static str, val: Val) -> Term {
    Term {
        field,
        term,
        iri,
        val,
    }
}

/// Node fields (a node's `date` is per kind: [`node_term`]).
pub const NODE_TERMS: &[Term] = &[
    t("name", "name", "schema:name", Val::Text),
    t("aliases", "alias", "av:alias", Val::Aliases),
    t(
        "description",
        "description",
        "schema:description",
        Val::Text,
    ),
    t("kind", "category", "av:category", Val::Text),
    t("code", "code", "av:isoCode", Val::Text),
    t("start", "startDate", "schema:startDate", Val::Date),
    t("end", "endDate", "schema:endDate", Val::Date),
    t("date", "datePublished", "schema:datePublished", Val::Date),
    t("date", "dateCreated", "schema:dateCreated", Val::Date),
    t("url", "url", "schema:url", Val::Id),
    t("publisher", "publisher", "schema:publisher", Val::Text),
    t("language", "inLanguage", "schema:inLanguage", Val::Text),
    t("status", "status", "av:status", Val::Text),
    t("notes", "note", "av:note", Val::Notes),
    t("citations", "citation", "schema:citation", Val::Citations),
];

/// Relation fields.
pub const REL_TERMS: &[Term] = &[
    t("from", "from", "av:from", Val::Id),
    t("to", "to", "av:to", Val::Id),
    t("start", "startDate", "schema:startDate", Val::Date),
    t("end", "endDate", "schema:endDate", Val::Date),
    t("acting", "acting", "av:acting", Val::Bool),
    t("status", "status", "av:status", Val::Text),
    t("mode", "mode", "av:attendanceMode", Val::Text),
    t("roles", "roleName", "schema:roleName", Val::Texts),
    t("capacity", "capacity", "av:capacity", Val::Id),
    t("on_behalf_of", "onBehalfOf", "av:onBehalfOf", Val::Id),
    t("topic", "about", "schema:about", Val::Id),
    t("date", "date", "av:date", Val::Date),
    t("ordinal", "ordinal", "av:ordinal", Val::Int),
    t("summary", "summary", "av:summary", Val::Text),
    t("head", "head", "av:head", Val::Id),
    t("head_count", "headCount", "av:headCount", Val::Int),
    t("seen", "seen", "av:seen", Val::Dates),
    t("start_by", "startBy", "av:startBy", Val::Date),
    t("end_after", "endAfter", "av:endAfter", Val::Date),
    t("end_before", "endBefore", "av:endBefore", Val::Date),
    t("note", "editorNote", "av:editorNote", Val::Text),
    t("citations", "citation", "schema:citation", Val::Citations),
];

/// Conflict fields.
pub const CONFLICT_TERMS: &[Term] = &[
    t("claims", "claim", "av:claim", Val::Ids),
    t("note", "editorNote", "av:editorNote", Val::Text),
];

/// A redirect (`{"@id": from, "mergedInto": into}`).
pub const MERGED_INTO: Term = t("into", "mergedInto", "av:mergedInto", Val::Id);

/// Fields inside an alias, a note and a citation: (attache field, term).
/// An alias's `lang` is the `@language` of its `name`.
pub const ALIAS_TERMS: &[(&str, &str)] = &[
    ("text", "name"),
    ("script", "script"),
    ("kind", "aliasKind"),
    ("citations", "citation"),
];
pub const NOTE_TERMS: &[(&str, &str)] = &[("text", "text"), ("citations", "citation")];
pub const CITATION_TERMS: &[(&str, &str)] = &[("source", "isBasedOn"), ("locator", "locator")];

/// Terms only used inside aliases, notes and citations.
const INNER_TERMS: &[Term] = &[
    t("script", "script", "av:script", Val::Text),
    t("kind", "aliasKind", "av:aliasKind", Val::Text),
    t("text", "text", "schema:text", Val::Text),
    t("source", "isBasedOn", "schema:isBasedOn", Val::Id),
    t("locator", "locator", "av:locator", Val::Text),
];

/// Direct schema.org statements written beside a relation record (`{"@id":
/// subject, term: object}`): the relation kind, the term, and whether the
/// subject is the relation's `to` end (an event's `attendee`).
pub const LINKS: &[(RelKind, &str, &str, bool)] = &[
    (RelKind::Attended, "attendee", "schema:attendee", true),
    (RelKind::OrganizedBy, "organizer", "schema:organizer", false),
    (RelKind::HeldIn, "location", "schema:location", false),
    (
        RelKind::SubEventOf,
        "superEvent",
        "schema:superEvent",
        false,
    ),
    (RelKind::InSeries, "superEvent", "schema:superEvent", false),
    (RelKind::MemberOf, "memberOf", "schema:memberOf", false),
    (
        RelKind::PartOf,
        "parentOrganization",
        "schema:parentOrganization",
        false,
    ),
    (
        RelKind::LocatedIn,
        "containedInPlace",
        "schema:containedInPlace",
        false,
    ),
    (RelKind::About, "about", "schema:about", false),
];

/// The direct statement a relation of `kind` adds, if any.
pub fn link(kind: RelKind) -> Option<(&'static str, bool)> {
    LINKS
        .iter()
        .find(|l| l.0 == kind)
        .map(|&(_, term, _, reversed)| (term, reversed))
}

/// Whether `term` is one of the direct-statement terms.
pub fn is_link_term(term: &str) -> bool {
    LINKS.iter().any(|l| l.1 == term)
}

/// The node term of `field` for a node of `kind` (a source's `date` is
/// `datePublished`, a document's `dateCreated`).
pub fn node_term(kind: NodeKind, field: &str) -> Option<&'static Term> {
    if field == "date" {
        let term = if kind == NodeKind::Source {
            "datePublished"
        } else {
            "dateCreated"
        };
        return NODE_TERMS.iter().find(|t| t.term == term);
    }
    NODE_TERMS.iter().find(|t| t.field == field)
}

/// The node term named `term` that a node of `kind` may carry.
pub fn node_term_named(kind: NodeKind, term: &str) -> Option<&'static Term> {
    let t = NODE_TERMS.iter().find(|t| t.term == term)?;
    (node_term(kind, t.field)?.term == term).then_some(t)
}

/// The classes (terms) of a node kind: the first is the one written
/// (an organization that is part of a state is written
/// `GovernmentOrganization`); any of them is read.
pub fn node_classes(kind: NodeKind) -> &'static [&'static str] {
    match kind {
        NodeKind::Person => &["Person"],
        NodeKind::State => &["Country"],
        NodeKind::Organization => &["Organization", "GovernmentOrganization"],
        NodeKind::Office => &["Office"],
        NodeKind::Meeting => &["Event"],
        NodeKind::Series => &["EventSeries"],
        NodeKind::Document => &["DigitalDocument"],
        NodeKind::Place => &["Place"],
        NodeKind::Topic => &["DefinedTerm"],
        NodeKind::Source => &["CreativeWork"],
    }
}

/// Node classes: term → IRI.
const NODE_CLASSES: &[(&str, &str)] = &[
    ("Person", "schema:Person"),
    ("Country", "schema:Country"),
    ("Organization", "schema:Organization"),
    ("GovernmentOrganization", "schema:GovernmentOrganization"),
    ("Office", "av:Office"),
    ("Event", "schema:Event"),
    ("EventSeries", "schema:EventSeries"),
    ("DigitalDocument", "schema:DigitalDocument"),
    ("Place", "schema:Place"),
    ("DefinedTerm", "schema:DefinedTerm"),
    ("CreativeWork", "schema:CreativeWork"),
    ("Role", "schema:Role"),
    ("Conflict", "av:Conflict"),
];

/// A relation kind's class term: its name in upper camel case
/// (`spoke_at` → `SpokeAt`, IRI `av:SpokeAt`).
pub fn rel_class(kind: RelKind) -> String {
    kind.name()
        .split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// The relation kind whose class is `term`.
pub fn rel_kind_of_class(term: &str) -> Option<RelKind> {
    RelKind::ALL.into_iter().find(|k| rel_class(*k) == term)
}

/// Whether a relation of `kind` is also a `schema:Role` (a tenure, a
/// membership, an attendance: dated or with role names).
pub fn is_role(kind: RelKind) -> bool {
    matches!(kind, RelKind::Holds | RelKind::MemberOf | RelKind::Attended)
}

fn definition(iri: &str, val: Val) -> Value {
    let mut d = Map::new();
    d.insert("@id".into(), iri.into());
    if matches!(val, Val::Id | Val::Ids) {
        d.insert("@type".into(), "@id".into());
    }
    if val.is_set() {
        d.insert("@container".into(), "@set".into());
    }
    if d.len() == 1 {
        iri.into()
    } else {
        Value::Object(d)
    }
}

/// The context document (`graph-schema/context.jsonld`).
pub fn context() -> Value {
    let mut c = Map::new();
    c.insert("schema".into(), "https://schema.org/".into());
    c.insert("xsd".into(), "http://www.w3.org/2001/XMLSchema#".into());
    c.insert("av".into(), VOCAB.into());
    let prefixes = NodeKind::ALL
        .iter()
        .map(|k| k.prefix())
        .chain(["rel", "conflict"]);
    for p in prefixes {
        c.insert(p.into(), format!("{ID_BASE}{p}/").into());
    }
    for (term, iri) in NODE_CLASSES {
        c.insert((*term).into(), (*iri).into());
    }
    for k in RelKind::ALL {
        let class = rel_class(k);
        c.insert(class.clone(), format!("av:{class}").into());
    }
    let terms = NODE_TERMS
        .iter()
        .chain(REL_TERMS)
        .chain(CONFLICT_TERMS)
        .chain(INNER_TERMS)
        .chain(std::iter::once(&MERGED_INTO));
    for term in terms {
        if let Some(old) = c.get(term.term) {
            assert_eq!(
                old,
                &definition(term.iri, term.val),
                "term `{}` defined twice, differently",
                term.term
            );
        }
        c.insert(term.term.into(), definition(term.iri, term.val));
    }
    for (_, term, iri, _) in LINKS {
        c.insert((*term).into(), definition(iri, Val::Id));
    }
    json!({ "@context": c })
}

/// The context as the committed file's text.
pub fn context_text() -> String {
    let mut s = serde_json::to_string_pretty(&context()).expect("a context serializes");
    s.push('\n');
    s
}
