//! The checks a record must pass on its own, before the planner checks it
//! against the rest of the graph: a node's attributes for its kind, a
//! relation's ends, properties and dates, a conflict's claims, and the
//! formats (state codes, language tags) the JSON Schema checks too.

use super::kinds::{prop_target_kinds, NodeKind, Prop};
use super::record::{node_attrs, Citation, Conflict, FieldError, Node, Relation};
use super::words::{a, any_of};

/// The number of the first meeting of a series: ordinals start at 1, in
/// imports, mutations and the JSON Schema alike.
pub const FIRST_ORDINAL: u32 = 1;

/// Whether `code` is an ISO 3166-1 alpha-2 code as written: two capitals ("KZ").
pub fn is_state_code(code: &str) -> bool {
    code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase())
}

/// Whether `tag` has the shape of a BCP 47 language tag: letters (2 to 8),
/// then subtags of 1 to 8 letters or digits after hyphens ("en", "zh-Hans").
pub fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let first = parts.next().unwrap_or("");
    (2..=8).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// Whether `code` is an ISO 15924 script code as written: a capital and three
/// small letters ("Latn", "Cyrl").
pub fn is_script_code(code: &str) -> bool {
    let b = code.as_bytes();
    b.len() == 4 && b[0].is_ascii_uppercase() && b[1..].iter().all(|c| c.is_ascii_lowercase())
}

impl Node {
    fn attrs_present(&self) -> Vec<&'static str> {
        let mut v = Vec::new();
        let mut add = |set: bool, f| {
            if set {
                v.push(f)
            }
        };
        add(self.kind.is_some(), "kind");
        add(self.code.is_some(), "code");
        add(self.start.is_some(), "start");
        add(self.end.is_some(), "end");
        add(self.date.is_some(), "date");
        add(self.url.is_some(), "url");
        add(self.publisher.is_some(), "publisher");
        add(self.language.is_some(), "language");
        add(self.status.is_some(), "status");
        v
    }

    /// Checks that need no other record.
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errs = Vec::new();
        nonblank(&mut errs, "name", &self.name);
        for (i, a) in self.aliases.iter().enumerate() {
            nonblank(&mut errs, &format!("aliases[{i}].text"), &a.text);
            if let Some(l) = a.lang.as_deref().filter(|l| !is_language_tag(l)) {
                errs.push(FieldError::new(
                    format!("aliases[{i}].lang"),
                    format!("`{l}` is not a language tag (BCP 47, e.g. `en`, `zh`, `ru`)"),
                ));
            }
            if let Some(s) = a.script.as_deref().filter(|s| !is_script_code(s)) {
                errs.push(FieldError::new(
                    format!("aliases[{i}].script"),
                    format!("`{s}` is not a script code (ISO 15924, e.g. `Latn`, `Cyrl`, `Hans`)"),
                ));
            }
        }
        if let Some(c) = self.code.as_deref().filter(|c| !is_state_code(c)) {
            errs.push(FieldError::new(
                "code",
                format!("`{c}` is not an ISO 3166-1 alpha-2 code (two capital letters, e.g. `KZ`)"),
            ));
        }
        if let Some(l) = self.language.as_deref().filter(|l| !is_language_tag(l)) {
            errs.push(FieldError::new(
                "language",
                format!("`{l}` is not a language tag (BCP 47, e.g. `en`, `zh`, `ru`)"),
            ));
        }
        for (i, n) in self.notes.iter().enumerate() {
            nonblank(&mut errs, &format!("notes[{i}].text"), &n.text);
        }
        let allowed = node_attrs(self.node_kind());
        for f in self.attrs_present() {
            if !allowed.contains(&f) {
                errs.push(FieldError::new(
                    f,
                    format!(
                        "{} has no `{f}` (allowed: {})",
                        a(self.node_kind().prefix()),
                        list_or_none(allowed.iter().copied())
                    ),
                ));
            }
        }
        if let (Some(s), Some(e)) = (&self.start, &self.end) {
            if e.latest() < s.earliest() {
                errs.push(FieldError::new(
                    "end",
                    format!("ends ({e}) before it starts ({s})"),
                ));
            }
        }
        if let Some(u) = &self.url {
            if !(u.starts_with("http://") || u.starts_with("https://")) {
                errs.push(FieldError::new(
                    "url",
                    "must start with http:// or https://",
                ));
            }
        }
        check_citations(&mut errs, self.all_citations());
        errs
    }
}

impl Relation {
    fn props_present(&self) -> Vec<Prop> {
        let mut v = Vec::new();
        let mut add = |set: bool, p| {
            if set {
                v.push(p)
            }
        };
        add(self.start.is_some(), Prop::Start);
        add(self.end.is_some(), Prop::End);
        add(self.acting.is_some(), Prop::Acting);
        add(self.status.is_some(), Prop::Status);
        add(self.mode.is_some(), Prop::Mode);
        add(!self.roles.is_empty(), Prop::Role);
        add(self.capacity.is_some(), Prop::Capacity);
        add(self.on_behalf_of.is_some(), Prop::OnBehalfOf);
        add(self.topic.is_some(), Prop::Topic);
        add(self.date.is_some(), Prop::Date);
        add(self.ordinal.is_some(), Prop::Ordinal);
        add(self.summary.is_some(), Prop::Summary);
        add(self.head.is_some(), Prop::Head);
        add(self.head_count.is_some(), Prop::HeadCount);
        add(!self.seen.is_empty(), Prop::Seen);
        add(self.start_by.is_some(), Prop::StartBy);
        add(self.end_after.is_some(), Prop::EndAfter);
        add(self.end_before.is_some(), Prop::EndBefore);
        v
    }

    /// Checks that need no other record: end kinds, allowed properties, the kinds
    /// property references point at, date order.
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errs = Vec::new();
        let k = self.kind;
        for (field, id, allowed) in [
            ("from", &self.from, k.from_kinds()),
            ("to", &self.to, k.to_kinds()),
        ] {
            if !allowed.contains(&id.kind()) {
                errs.push(FieldError::new(
                    field,
                    format!(
                        "`{}` relation cannot have {} (`{id}`) as `{field}`; expected {}",
                        k.name(),
                        a(id.kind().prefix()),
                        any_of(allowed.iter().map(|k| k.prefix()))
                    ),
                ));
            }
        }
        for p in self.props_present() {
            if !k.props().contains(&p) {
                errs.push(FieldError::new(
                    p.field(),
                    format!(
                        "`{}` relation has no `{}` (allowed: {})",
                        k.name(),
                        p.field(),
                        list_or_none(k.props().iter().map(|p| p.field()))
                    ),
                ));
            }
        }
        for (p, id) in self.prop_refs() {
            let allowed = prop_target_kinds(p);
            if !allowed.contains(&id.kind()) {
                errs.push(FieldError::new(
                    p.field(),
                    format!(
                        "`{}` must name {}, not {} (`{id}`)",
                        p.field(),
                        any_of(allowed.iter().map(|k| k.prefix())),
                        a(id.kind().prefix())
                    ),
                ));
            }
        }
        if let (Some(s), Some(e)) = (&self.start, &self.end) {
            if e.latest() < s.earliest() {
                errs.push(FieldError::new(
                    "end",
                    format!("ends ({e}) before it starts ({s})"),
                ));
            }
        }
        if self.ordinal.is_some_and(|n| n < FIRST_ORDINAL) {
            errs.push(FieldError::new(
                "ordinal",
                format!("must be {FIRST_ORDINAL} or more: the first meeting of a series is number {FIRST_ORDINAL}"),
            ));
        }
        errs.extend(vague_date_errors(self));
        if self.from == self.to {
            errs.push(FieldError::new(
                "to",
                "a relation cannot join a node to itself",
            ));
        }
        if let Some(s) = &self.summary {
            nonblank(&mut errs, "summary", s);
        }
        self.validate_delegation(&mut errs);
        check_citations(
            &mut errs,
            self.citations
                .iter()
                .enumerate()
                .map(|(i, c)| (format!("citations[{i}]"), c)),
        );
        errs
    }
}

/// Vague tenure dates that cannot all hold: an end bounded after a date that
/// is not before its upper bound, a date seen outside the recorded tenure.
fn vague_date_errors(r: &Relation) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let lower = r.end_after.map(|d| ("end_after", d));
    let upper = r
        .end_before
        .map(|d| ("end_before", d))
        .into_iter()
        .chain(r.end.map(|d| ("end", d)));
    for (uf, u) in upper {
        if let Some((lf, l)) = lower {
            if u.latest() < l.latest() {
                errs.push(FieldError::new(
                    uf,
                    format!("`{uf}` ({u}) is before `{lf}` ({l}): the end cannot be both"),
                ));
            }
        }
    }
    if let (Some(b), Some(e)) = (r.end_before, r.end) {
        if e.earliest() > b.earliest() {
            errs.push(FieldError::new(
                "end",
                format!("`end` ({e}) is after `end_before` ({b})"),
            ));
        }
    }
    if let (Some(by), Some(s)) = (r.start_by, r.start) {
        if s.earliest() > by.latest() {
            errs.push(FieldError::new(
                "start",
                format!("`start` ({s}) is after `start_by` ({by})"),
            ));
        }
    }
    for (i, d) in r.seen.iter().enumerate() {
        let before = r.start.is_some_and(|s| d.latest() < s.earliest());
        let after = r.end.is_some_and(|e| d.earliest() > e.latest());
        if before || after {
            errs.push(FieldError::new(
                format!("seen[{i}]"),
                format!("{d} is outside the recorded tenure"),
            ));
        }
    }
    errs
}

impl Conflict {
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errs = Vec::new();
        if self.claims.len() < 2 {
            errs.push(FieldError::new(
                "claims",
                "a conflict needs at least two claims",
            ));
        }
        for (i, c) in self.claims.iter().enumerate() {
            if self.claims[..i].contains(c) {
                errs.push(FieldError::new(
                    format!("claims[{i}]"),
                    format!("`{c}` is listed twice"),
                ));
            }
        }
        errs
    }
}

fn nonblank(errs: &mut Vec<FieldError>, field: &str, text: &str) {
    if text.trim().is_empty() {
        errs.push(FieldError::new(field, "must not be empty"));
    }
}

fn check_citations<'a>(
    errs: &mut Vec<FieldError>,
    cites: impl Iterator<Item = (String, &'a Citation)>,
) {
    for (field, c) in cites {
        if c.source.kind() != NodeKind::Source {
            errs.push(FieldError::new(
                format!("{field}.source"),
                format!("`{}` is not a `source:` id", c.source),
            ));
        }
    }
}

fn list_or_none<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let v: Vec<_> = items.map(|s| format!("`{s}`")).collect();
    if v.is_empty() {
        "none".to_owned()
    } else {
        v.join(", ")
    }
}

#[cfg(test)]
#[path = "validate_tests.rs"]
mod tests;
