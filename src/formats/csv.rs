//! CSV for spreadsheets: a nodes file per node kind (`nodes-person.csv` …)
//! and a relations file per relation kind (`relations-attended.csv` …), with
//! headers a reader understands; and import of a spreadsheet of attendees
//! with a column mapping (see `graph-schema/formats.md`).
//!
//! A cell holding several values separates them with `; ` (aliases, roles,
//! sources); a citation is its source id, then its locator in brackets:
//! `source:tass-2019 (¶3)`.

use std::collections::{BTreeSet, HashMap};
use std::io::Write;
use std::sync::Arc;

use serde_json::Value;

use super::{problem, FormatError, Records};
use crate::graph::Graph;
use crate::import::{ImportError, Parsed, Source};
use crate::model::{
    slugify, AttendanceMode, AttendanceRole, Citation, Node, NodeId, NodeKind, PartialDate, RelId,
    RelKind, Relation, SizeLimits,
};

const NODES: &str = "nodes-";
const RELATIONS: &str = "relations-";

/// The files a CSV export writes: one per node kind and per relation kind
/// the graph has.
pub fn parts(graph: &Graph) -> Vec<String> {
    let mut out: Vec<String> = NodeKind::ALL
        .into_iter()
        .filter(|k| graph.ids_of_kind(*k).next().is_some())
        .map(|k| format!("{NODES}{}.csv", k.prefix()))
        .collect();
    let kinds: BTreeSet<RelKind> = graph.all_relations().map(|r| r.kind).collect();
    out.extend(
        kinds
            .into_iter()
            .map(|k| format!("{RELATIONS}{}.csv", k.name())),
    );
    out
}

/// A header a spreadsheet user reads: the field's words.
fn header(field: &str) -> String {
    field.replace('_', " ")
}

/// Citations as one cell.
fn cite_cell(cs: &[Citation]) -> String {
    cs.iter()
        .map(|c| match &c.locator {
            Some(l) => format!("{} ({l})", c.source),
            None => c.source.to_string(),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// A field's JSON value as one cell.
fn cell(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| cell(Some(i)))
            .collect::<Vec<_>>()
            .join("; "),
        Some(other) => other.to_string(),
    }
}

fn csv_err(e: csv::Error) -> FormatError {
    FormatError::Io(std::io::Error::other(e))
}

/// Writes one file of the CSV export (one of [`parts`]).
pub fn export_part(graph: &Graph, part: &str, out: &mut dyn Write) -> Result<(), FormatError> {
    let unknown = || FormatError::NoPart {
        format: super::Format::Csv,
        part: part.to_owned(),
        known: parts(graph).join(", "),
    };
    let name = part.strip_suffix(".csv").ok_or_else(unknown)?;
    let mut w = csv::Writer::from_writer(std::io::BufWriter::new(out));
    if let Some(prefix) = name.strip_prefix(NODES) {
        let kind = NodeKind::from_prefix(prefix).ok_or_else(unknown)?;
        let attrs = kind.attrs();
        let mut head = vec![
            "id".to_owned(),
            "name".into(),
            "aliases".into(),
            "description".into(),
        ];
        head.extend(attrs.iter().map(|a| {
            if *a == "kind" {
                "category".into()
            } else {
                header(a)
            }
        }));
        head.extend(["notes".into(), "sources".into()]);
        w.write_record(&head).map_err(csv_err)?;
        for id in graph.ids_of_kind(kind) {
            let Some(n) = graph.node(id.as_str()) else {
                continue;
            };
            let v = serde_json::to_value(&**n).map_err(std::io::Error::other)?;
            let aliases: Vec<&str> = n.aliases.iter().map(|a| a.text.as_str()).collect();
            let notes: Vec<&str> = n.notes.iter().map(|a| a.text.as_str()).collect();
            let mut row = vec![
                n.id.to_string(),
                n.name.clone(),
                aliases.join("; "),
                n.description.clone().unwrap_or_default(),
            ];
            row.extend(attrs.iter().map(|a| cell(v.get(*a))));
            row.extend([notes.join(" | "), cite_cell(&n.citations)]);
            w.write_record(&row).map_err(csv_err)?;
        }
    } else if let Some(rk) = name.strip_prefix(RELATIONS) {
        let kind = RelKind::from_name(rk).ok_or_else(unknown)?;
        let props = kind.props();
        let mut head: Vec<String> = ["id", "from", "from name", "to", "to name"]
            .map(String::from)
            .to_vec();
        head.extend(props.iter().map(|p| header(p.field())));
        head.extend(["note".into(), "sources".into()]);
        w.write_record(&head).map_err(csv_err)?;
        let mut rels: Vec<&Relation> = graph
            .all_relations()
            .filter(|r| r.kind == kind)
            .map(|r| &**r)
            .collect();
        rels.sort_by(|a, b| a.id.cmp(&b.id));
        let name_of = |id: &NodeId| {
            graph
                .node(id.as_str())
                .map(|n| n.name.clone())
                .unwrap_or_default()
        };
        for r in rels {
            let v = serde_json::to_value(r).map_err(std::io::Error::other)?;
            let mut row = vec![
                r.id.to_string(),
                r.from.to_string(),
                name_of(&r.from),
                r.to.to_string(),
                name_of(&r.to),
            ];
            row.extend(props.iter().map(|p| cell(v.get(p.field()))));
            row.extend([r.note.clone().unwrap_or_default(), cite_cell(&r.citations)]);
            w.write_record(&row).map_err(csv_err)?;
        }
    } else {
        return Err(unknown());
    }
    w.flush()?;
    Ok(())
}

/// Which column holds what, for an attendees spreadsheet.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    /// The attendee: a person's name (a `person:` id is made from it), or
    /// the id of a person, state or organization already known.
    pub person: String,
    /// The meeting: a name (a `meeting:` id is made from it) or a `meeting:` id.
    pub meeting: String,
    /// The source: `source:` ids (with a locator in brackets) or a URL.
    pub source: String,
    /// The parts played (`host; chair`).
    #[serde(default)]
    pub role: Option<String>,
    /// The meeting's date (YYYY, YYYY-MM or YYYY-MM-DD), for meetings named.
    #[serde(default)]
    pub date: Option<String>,
    /// How the attendee took part (in_person, online, unknown).
    #[serde(default)]
    pub mode: Option<String>,
    /// The relation's id (else one is made from person and meeting).
    #[serde(default)]
    pub id: Option<String>,
}

/// Reads spreadsheets of attendees: every source named `*.json` is the
/// column mapping (exactly one), every other a CSV file with a header row.
/// Each row gives one `attended` relation, and the people, meetings and
/// sources it names by name or URL.
pub fn import(sources: Vec<Source<'_>>, _limits: SizeLimits) -> Result<Parsed, Vec<ImportError>> {
    let (maps, data): (Vec<_>, Vec<_>) =
        sources.into_iter().partition(|s| s.name.ends_with(".json"));
    let first = data.first().map(|s| s.name.clone()).unwrap_or_default();
    let [map_src] = <[Source<'_>; 1]>::try_from(maps).map_err(|m| {
        vec![problem(
            &first,
            None,
            None,
            None,
            format!(
                "a CSV import needs one column mapping (a .json file, --mapping), not {}",
                m.len()
            ),
        )]
    })?;
    let map_name = map_src.name.clone();
    let de = &mut serde_json::Deserializer::from_reader(map_src.reader);
    let mapping: Mapping = serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        vec![problem(
            &map_name,
            Some(inner.line()),
            None,
            (!path.is_empty() && path != ".").then_some(path.as_str()),
            inner.to_string(),
        )]
    })?;
    let mut records = Records::new();
    let mut dates: HashMap<String, (Option<PartialDate>, usize)> = HashMap::new();
    for src in data {
        let file: Arc<str> = Arc::from(src.name.as_str());
        read_sheet(&mapping, &file, src.reader, &mut records, &mut dates);
        if records.full() {
            break;
        }
    }
    records.finish()
}

/// The columns of the mapping, as indexes of the header row.
struct Columns {
    person: usize,
    meeting: usize,
    source: usize,
    role: Option<usize>,
    date: Option<usize>,
    mode: Option<usize>,
    id: Option<usize>,
}

fn read_sheet(
    m: &Mapping,
    file: &Arc<str>,
    reader: Box<dyn std::io::Read + Send + '_>,
    records: &mut Records,
    dates: &mut HashMap<String, (Option<PartialDate>, usize)>,
) {
    let mut rdr = csv::ReaderBuilder::new().from_reader(reader);
    let head = match rdr.headers() {
        Ok(h) => h.clone(),
        Err(e) => return records.problem(problem(file, Some(1), None, None, e.to_string())),
    };
    let mut missing = Vec::new();
    let mut col = |name: &str| {
        let at = head.iter().position(|h| h.trim() == name.trim());
        if at.is_none() {
            missing.push(name.to_owned());
        }
        at
    };
    let (person, meeting, source) = (col(&m.person), col(&m.meeting), col(&m.source));
    let role = m.role.as_deref().and_then(&mut col);
    let date = m.date.as_deref().and_then(&mut col);
    let mode = m.mode.as_deref().and_then(&mut col);
    let id = m.id.as_deref().and_then(&mut col);
    if !missing.is_empty() {
        let have: Vec<&str> = head.iter().collect();
        for name in missing {
            records.problem(problem(
                file,
                Some(1),
                None,
                Some(&name),
                format!(
                    "the mapping names column `{name}`, which the header row lacks (it has {})",
                    have.join(", ")
                ),
            ));
        }
        return;
    }
    let (Some(person), Some(meeting), Some(source)) = (person, meeting, source) else {
        return;
    };
    let cols = Columns {
        person,
        meeting,
        source,
        role,
        date,
        mode,
        id,
    };
    for row in rdr.records() {
        let row = match row {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| p.line() as usize);
                records.problem(problem(file, line, None, None, e.to_string()));
                if records.full() {
                    return;
                }
                continue;
            }
        };
        let line = row.position().map_or(0, |p| p.line() as usize);
        let get = |i: usize| row.get(i).unwrap_or_default().trim();
        let header = |i: usize| head.get(i).unwrap_or_default().to_owned();
        if let Err((c, msg)) = read_row(&cols, &get, file, line, records, dates) {
            records.problem(problem(file, Some(line), None, Some(&header(c)), msg));
        }
        if records.full() {
            return;
        }
    }
}

/// One row's records, or the column that is wrong and why.
fn read_row<'r>(
    c: &Columns,
    get: &dyn Fn(usize) -> &'r str,
    file: &Arc<str>,
    line: usize,
    records: &mut Records,
    dates: &mut HashMap<String, (Option<PartialDate>, usize)>,
) -> Result<(), (usize, String)> {
    let need = |i: usize| {
        let v = get(i);
        if v.is_empty() {
            Err((i, "is empty".to_owned()))
        } else {
            Ok(v)
        }
    };
    let citations = citations(need(c.source)?, file, line, records).map_err(|m| (c.source, m))?;
    let date = match c.date.map(get).filter(|d| !d.is_empty()) {
        Some(d) => Some(PartialDate::parse(d).map_err(|e| (c.date.unwrap_or(0), e.to_string()))?),
        None => None,
    };
    let who = need(c.person)?;
    let from = match who.contains(':') {
        true => NodeId::parse(who).map_err(|e| (c.person, e.to_string()))?,
        false => {
            let id = named(NodeKind::Person, who).map_err(|e| (c.person, e))?;
            let mut n = Node::new(id.clone(), who);
            n.citations = citations.clone().into();
            records.node(n, file, line);
            id
        }
    };
    let what = need(c.meeting)?;
    let to = match what.contains(':') {
        true => {
            NodeId::parse_kind(what, NodeKind::Meeting).map_err(|e| (c.meeting, e.to_string()))?
        }
        false => {
            let id = named(NodeKind::Meeting, what).map_err(|e| (c.meeting, e))?;
            match dates.get(id.as_str()) {
                Some((d, at)) if *d != date => {
                    let said = d.map_or("no date".to_owned(), |d| d.to_string());
                    return Err((
                        c.date.unwrap_or(c.meeting),
                        format!(
                            "meeting `{what}` has {said} on line {at}, not {}",
                            date.map_or("no date".to_owned(), |d| d.to_string())
                        ),
                    ));
                }
                Some(_) => {}
                None => {
                    dates.insert(id.as_str().to_owned(), (date, line));
                    let mut n = Node::new(id.clone(), what);
                    n.start = date;
                    n.citations = citations.clone().into();
                    records.node(n, file, line);
                }
            }
            id
        }
    };
    let id = match c.id.map(get).filter(|s| !s.is_empty()) {
        Some(s) => RelId::parse(s).map_err(|e| (c.id.unwrap_or(0), e.to_string()))?,
        None => RelId::derived(RelKind::Attended.name(), &from, &to, 1),
    };
    let mut r = Relation::new(id, RelKind::Attended, from, to);
    if let Some(i) = c.role {
        for part in get(i)
            .split([';', ','])
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            r.roles
                .push(enum_value::<AttendanceRole>(part).map_err(|m| (i, m))?);
        }
    }
    if let Some(i) = c.mode.filter(|i| !get(*i).is_empty()) {
        r.mode = Some(enum_value::<AttendanceMode>(get(i)).map_err(|m| (i, m))?);
    }
    r.citations = citations.into();
    if !records.relation(r, file, line) {
        return Err((
            c.id.unwrap_or(c.person),
            "repeats an attendance of an earlier row".into(),
        ));
    }
    Ok(())
}

/// The id made from a name.
fn named(kind: NodeKind, name: &str) -> Result<NodeId, String> {
    NodeId::parse(&format!("{}:{}", kind.prefix(), slugify(name)))
        .map_err(|e| format!("no {} id can be made from `{name}`: {e}", kind.prefix()))
}

/// A snake_case name as one of an enumeration's values, or a message listing them.
fn enum_value<T: serde::de::DeserializeOwned>(s: &str) -> Result<T, String> {
    let norm = s.trim().to_lowercase().replace([' ', '-'], "_");
    serde_json::from_value(Value::String(norm)).map_err(|e| {
        let msg = e.to_string();
        format!(
            "`{s}`: {}",
            msg.split_once(", expected")
                .map_or(msg.as_str(), |(_, rest)| rest.trim())
                .trim_start_matches("one of ")
        )
    })
}

/// The citations of a sources cell: `source:` ids with an optional
/// locator in brackets, or URLs (a source node is made for each URL).
fn citations(
    cell: &str,
    file: &Arc<str>,
    line: usize,
    records: &mut Records,
) -> Result<Vec<Citation>, String> {
    let mut out = Vec::new();
    for part in cell.split(';').map(str::trim).filter(|s| !s.is_empty()) {
        if part.starts_with("http://") || part.starts_with("https://") {
            let id = named(
                NodeKind::Source,
                part.trim_start_matches("https://")
                    .trim_start_matches("http://"),
            )?;
            let mut n = Node::new(id.clone(), part);
            n.url = Some(part.to_owned());
            records.node(n, file, line);
            out.push(Citation {
                source: id,
                locator: None,
            });
            continue;
        }
        let (id, locator) = match part.strip_suffix(')').and_then(|p| p.split_once(" (")) {
            Some((id, loc)) => (id.trim(), Some(loc.trim().to_owned())),
            None => (part, None),
        };
        let source = NodeId::parse_kind(id, NodeKind::Source)
            .map_err(|e| format!("`{part}` is neither a source id (source:…) nor a URL: {e}"))?;
        out.push(Citation { source, locator });
    }
    Ok(out)
}
