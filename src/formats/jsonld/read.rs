//! The JSON-LD import: a file as the export writes it (compacted with our
//! context, `{"@context": CONTEXT_IRI, "@graph": [...]}`) read one object of
//! `@graph` at a time into `attache/1` records. Each object's line is the
//! line its text ends on (the export writes one object a line).

use std::cell::Cell;
use std::fmt;
use std::io::{self, BufReader, Read};
use std::rc::Rc;
use std::sync::Arc;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use super::vocab::{self, Term, Val};
use crate::formats::problem;
use crate::import::{ImportError, Location, Parsed, MAX_PROBLEMS};
use crate::model::{Conflict, Node, NodeId, NodeKind, Relation, SizeLimits};
use crate::service::{Change, Mode, Record};

/// A problem in a record: the field (term) and what is wrong.
type Bad = (Option<String>, String);

fn bad(field: &str, message: impl Into<String>) -> Bad {
    (Some(field.to_owned()), message.into())
}

/// Counts the lines of what is read through it.
struct Lines<R> {
    inner: R,
    lines: Rc<Cell<usize>>,
}

impl<R: Read> Read for Lines<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let nl = buf[..n].iter().filter(|b| **b == b'\n').count();
        self.lines.set(self.lines.get() + nl);
        Ok(n)
    }
}

/// What the files read so far hold, in import order, and their problems.
#[derive(Default)]
pub struct Reader {
    file: Arc<str>,
    lines: Rc<Cell<usize>>,
    limits: SizeLimits,
    /// nodes, redirects, relations, conflicts.
    lists: [Vec<(Change, Location)>; 4],
    ids: std::collections::HashSet<String>,
    problems: Vec<ImportError>,
    seen_graph: bool,
}

impl Reader {
    pub fn new(limits: SizeLimits) -> Self {
        Reader {
            limits,
            ..Reader::default()
        }
    }

    fn problem(&mut self, line: Option<usize>, id: Option<&str>, (field, msg): Bad) {
        if self.problems.len() < MAX_PROBLEMS {
            let p = problem(&self.file, line, id, field.as_deref(), msg);
            self.problems.push(p);
        }
    }

    /// Reads one file.
    pub fn read(&mut self, name: &str, reader: impl Read) {
        self.file = Arc::from(name);
        self.lines = Rc::new(Cell::new(0));
        self.seen_graph = false;
        let counted = Lines {
            inner: BufReader::new(reader),
            lines: self.lines.clone(),
        };
        let mut de = serde_json::Deserializer::from_reader(counted);
        let result = DocSeed(self).deserialize(&mut de).and_then(|()| de.end());
        match result {
            Err(e) if e.is_io() || e.is_syntax() || e.is_eof() || e.is_data() => {
                let msg = e.to_string();
                let msg = msg
                    .rsplit_once(" at line ")
                    .map_or(msg.as_str(), |(m, _)| m);
                let line = (e.line() > 0).then_some(e.line());
                self.problem(line, None, (None, msg.to_owned()));
            }
            _ if !self.seen_graph && self.problems.is_empty() => {
                self.problem(None, None, bad("@graph", "the file has no `@graph` list"));
            }
            _ => {}
        }
    }

    /// The records of every file read, or every problem.
    pub fn finish(self) -> Result<Parsed, Vec<ImportError>> {
        if !self.problems.is_empty() {
            return Err(self.problems);
        }
        let mut parsed = Parsed {
            complete: true,
            ..Parsed::default()
        };
        for (c, l) in self.lists.into_iter().flatten() {
            parsed.changes.push(c);
            parsed.locations.push(l);
        }
        Ok(parsed)
    }

    fn record(&mut self, v: Value, line: usize) {
        let Value::Object(o) = v else {
            let msg = "each element of `@graph` is an object";
            return self.problem(Some(line), None, bad("@graph", msg));
        };
        let Some(id) = o.get("@id").and_then(Value::as_str).map(str::to_owned) else {
            let msg = "an object without `@id`: every record has one";
            return self.problem(Some(line), None, bad("@id", msg));
        };
        let (list, change) = match classify(&id, o).and_then(|r| self.sized(r)) {
            Ok(Some(x)) => x,
            Ok(None) => return,
            Err(e) => return self.problem(Some(line), Some(&id), e),
        };
        if list != 1 && !self.ids.insert(id.clone()) {
            let msg = "this id is defined twice";
            return self.problem(Some(line), Some(&id), bad("@id", msg));
        }
        let at = Location {
            file: self.file.clone(),
            line,
        };
        self.lists[list].push((change, at));
    }

    /// The record within the size limits.
    fn sized(&self, r: Option<(usize, Change)>) -> Result<Option<(usize, Change)>, Bad> {
        let problems = match &r {
            Some((_, Change::Put(_, Record::Node(n)))) => self.limits.check(n),
            Some((_, Change::Put(_, Record::Relation(x)))) => self.limits.check(x),
            _ => Vec::new(),
        };
        match problems.into_iter().next() {
            Some(p) => Err((p.field, p.message)),
            None => Ok(r),
        }
    }
}

/// What an object is, as a change and the list it goes to (`None`: a
/// direct statement, derived from a relation, read past).
fn classify(id: &str, o: Map<String, Value>) -> Result<Option<(usize, Change)>, Bad> {
    let prefix = id.split_once(':').map_or("", |(p, _)| p);
    if prefix == "rel" {
        let r = relation(o)?;
        return Ok(Some((2, Change::Put(Mode::Merge, Record::Relation(r)))));
    }
    if prefix == "conflict" {
        let c = conflict(o)?;
        return Ok(Some((3, Change::Put(Mode::Merge, Record::Conflict(c)))));
    }
    let Some(kind) = NodeKind::from_prefix(prefix) else {
        return Err(bad(
            "@id",
            format!("`{id}` is no record id: its prefix is no node kind, `rel` or `conflict`"),
        ));
    };
    if o.contains_key(vocab::MERGED_INTO.term) {
        let (from, into) = redirect(id, o)?;
        let change = Change::PutRedirect {
            mode: Mode::Merge,
            from,
            into,
        };
        return Ok(Some((1, change)));
    }
    if !o.contains_key("@type") {
        if let Some(k) = o.keys().find(|k| *k != "@id" && !vocab::is_link_term(k)) {
            return Err(bad(k, "an object without `@type` carries only a direct statement (`attendee`, `organizer`, …)"));
        }
        return Ok(None);
    }
    let n = node(kind, o)?;
    Ok(Some((0, Change::Put(Mode::Merge, Record::Node(n)))))
}

fn types(o: &mut Map<String, Value>) -> Result<Vec<String>, Bad> {
    let msg = "`@type` is a class name or a list of them";
    match o.remove("@type") {
        Some(Value::String(s)) => Ok(vec![s]),
        Some(Value::Array(items)) => items
            .into_iter()
            .map(|i| match i {
                Value::String(s) => Ok(s),
                _ => Err(bad("@type", msg)),
            })
            .collect(),
        Some(_) => Err(bad("@type", msg)),
        None => Err(bad("@type", "missing: every record names its class")),
    }
}

/// Reads `T` from its `attache/1` fields; a problem names the term of the
/// field (`terms`: field → term).
fn typed<T: serde::de::DeserializeOwned>(
    map: Map<String, Value>,
    terms: &[&Term],
) -> Result<T, Bad> {
    serde_path_to_error::deserialize(Value::Object(map)).map_err(|e| {
        let path = e.path().to_string();
        let msg = e.into_inner().to_string();
        let first = path.split(['.', '[']).next().unwrap_or("");
        let field = terms
            .iter()
            .find(|t| t.field == first)
            .map(|t| path.replacen(first, t.term, 1))
            .or_else(|| (!path.is_empty() && path != ".").then_some(path));
        (field, msg)
    })
}

fn node(kind: NodeKind, mut o: Map<String, Value>) -> Result<Node, Bad> {
    let classes = vocab::node_classes(kind);
    let tys = types(&mut o)?;
    if !tys.iter().any(|t| classes.contains(&t.as_str())) {
        let msg = format!(
            "a `{}:` id is of class {}",
            kind.prefix(),
            classes.join(" or ")
        );
        return Err(bad("@type", msg));
    }
    let mut map = Map::new();
    let mut used = Vec::new();
    for (k, v) in o {
        if k == "@id" {
            map.insert("id".into(), v);
            continue;
        }
        let Some(term) = vocab::node_term_named(kind, &k) else {
            let known: Vec<&str> = vocab::NODE_TERMS
                .iter()
                .filter(|t| vocab::node_term_named(kind, t.term).is_some())
                .map(|t| t.term)
                .collect();
            return Err(bad(
                &k,
                format!("unknown term: a {} takes {}", classes[0], known.join(", ")),
            ));
        };
        map.insert(term.field.into(), field_value(term, v)?);
        used.push(term);
    }
    let n: Node = typed(map, &used)?;
    let allowed = kind.attrs();
    for t in used {
        let attr = !["name", "aliases", "description", "notes", "citations"].contains(&t.field);
        if attr && !allowed.contains(&t.field) {
            return Err(bad(t.term, format!("a {} has no `{}`", classes[0], t.term)));
        }
    }
    Ok(n)
}

fn relation(mut o: Map<String, Value>) -> Result<Relation, Bad> {
    let tys = types(&mut o)?;
    let Some(kind) = tys.iter().find_map(|t| vocab::rel_kind_of_class(t)) else {
        return Err(bad(
            "@type",
            format!("none of {} is a relation class", tys.join(", ")),
        ));
    };
    let mut map = Map::new();
    map.insert("kind".into(), kind.name().into());
    let mut used = Vec::new();
    for (k, v) in o {
        if k == "@id" {
            map.insert("id".into(), v);
            continue;
        }
        let Some(term) = vocab::REL_TERMS.iter().find(|t| t.term == k) else {
            return Err(bad(&k, "unknown term for a relation"));
        };
        map.insert(term.field.into(), field_value(term, v)?);
        used.push(term);
    }
    typed(map, &used)
}

fn conflict(mut o: Map<String, Value>) -> Result<Conflict, Bad> {
    if !types(&mut o)?.iter().any(|t| t == "Conflict") {
        return Err(bad("@type", "a `conflict:` id is of class Conflict"));
    }
    let mut map = Map::new();
    let mut used = Vec::new();
    for (k, v) in o {
        if k == "@id" {
            map.insert("id".into(), v);
            continue;
        }
        let Some(term) = vocab::CONFLICT_TERMS.iter().find(|t| t.term == k) else {
            return Err(bad(&k, "unknown term for a conflict"));
        };
        map.insert(term.field.into(), field_value(term, v)?);
        used.push(term);
    }
    typed(map, &used)
}

fn redirect(id: &str, mut o: Map<String, Value>) -> Result<(NodeId, NodeId), Bad> {
    let term = vocab::MERGED_INTO.term;
    let into = o.remove(term).unwrap_or_default();
    if let Some(k) = o.keys().find(|k| *k != "@id") {
        return Err(bad(
            k,
            format!("a redirect carries only `@id` and `{term}`"),
        ));
    }
    let from = NodeId::parse(id).map_err(|e| bad("@id", e.to_string()))?;
    let into = value(Val::Id, into)
        .ok()
        .and_then(|v| v.as_str().and_then(|s| NodeId::parse(s).ok()))
        .ok_or_else(|| bad(term, "is a node id"))?;
    Ok((from, into))
}

fn field_value(term: &Term, v: Value) -> Result<Value, Bad> {
    value(term.val, v).map_err(|m| bad(term.term, m))
}

fn list(v: Value) -> Vec<Value> {
    match v {
        Value::Array(items) => items,
        one => vec![one],
    }
}

/// A value object's `@value` (or the value itself).
fn literal(v: Value) -> Value {
    match v {
        Value::Object(mut o) if o.contains_key("@value") => o.remove("@value").unwrap_or_default(),
        other => other,
    }
}

/// A JSON-LD value as the `attache/1` field's value.
fn value(val: Val, v: Value) -> Result<Value, String> {
    Ok(match val {
        Val::Text | Val::Date | Val::Int | Val::Bool => literal(v),
        Val::Id => match v {
            Value::Object(mut o) if o.contains_key("@id") => o.remove("@id").unwrap_or_default(),
            other => other,
        },
        Val::Texts | Val::Dates => Value::Array(list(v).into_iter().map(literal).collect()),
        Val::Ids => Value::Array(
            list(v)
                .into_iter()
                .map(|i| value(Val::Id, i))
                .collect::<Result<_, _>>()?,
        ),
        Val::Citations => objects(v, vocab::CITATION_TERMS)?,
        Val::Notes => objects(v, vocab::NOTE_TERMS)?,
        Val::Aliases => {
            let mut out = Vec::new();
            for a in list(v) {
                let Value::Object(mut a) = a else {
                    return Err("an alias is an object".into());
                };
                let mut lang = None;
                if let Some(Value::Object(mut named)) = a.remove("name") {
                    lang = named.remove("@language");
                    a.insert("name".into(), named.remove("@value").unwrap_or_default());
                } else if let Some(name) = a.get("name").cloned() {
                    a.insert("name".into(), name);
                }
                let mut one = list(objects(Value::Object(a), vocab::ALIAS_TERMS)?);
                if let (Some(lang), Some(Value::Object(o))) = (lang, one.first_mut()) {
                    o.insert("lang".into(), lang);
                }
                out.extend(one);
            }
            Value::Array(out)
        }
    })
}

/// Objects whose terms are renamed back to fields (`names`: field → term).
fn objects(v: Value, names: &[(&str, &str)]) -> Result<Value, String> {
    let mut out = Vec::new();
    for item in list(v) {
        let Value::Object(o) = item else {
            return Err(format!("expected an object, not {item}"));
        };
        let mut m = Map::new();
        for (k, v) in o {
            let Some((field, _)) = names.iter().find(|(_, t)| *t == k) else {
                let known: Vec<&str> = names.iter().map(|(_, t)| *t).collect();
                return Err(format!("unknown term `{k}` (one of {})", known.join(", ")));
            };
            let v = match *field {
                "citations" => objects(v, vocab::CITATION_TERMS)?,
                "source" => value(Val::Id, v)?,
                _ => literal(v),
            };
            m.insert((*field).into(), v);
        }
        out.push(Value::Object(m));
    }
    Ok(Value::Array(out))
}

struct DocSeed<'a>(&'a mut Reader);

impl<'de> DeserializeSeed<'de> for DocSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for DocSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON-LD document: an object with `@context` and `@graph`")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let r = self.0;
        while let Some(key) = map.next_key::<String>()? {
            let line = r.lines.get() + 1;
            match key.as_str() {
                "@context" => {
                    let v: Value = map.next_value()?;
                    if v.as_str() != Some(vocab::CONTEXT_IRI) {
                        let msg = format!("only JSON-LD compacted with Attaché's context is read: `@context` must be \"{}\"", vocab::CONTEXT_IRI);
                        r.problem(Some(line), None, bad("@context", msg));
                    }
                }
                "@graph" => {
                    r.seen_graph = true;
                    map.next_value_seed(GraphSeed(&mut *r))?;
                }
                other => {
                    let msg = "unknown top-level key: the file holds `@context` and `@graph`";
                    r.problem(Some(line), None, bad(other, msg));
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

struct GraphSeed<'a>(&'a mut Reader);

impl<'de> DeserializeSeed<'de> for GraphSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for GraphSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("`@graph`: a list of objects")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let r = self.0;
        while let Some(v) = seq.next_element::<Value>()? {
            let line = r.lines.get() + 1;
            r.record(v, line);
            if r.problems.len() >= MAX_PROBLEMS {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
            }
        }
        Ok(())
    }
}
