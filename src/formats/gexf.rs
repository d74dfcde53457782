//! GEXF 1.2 (Gephi; networkx reads it): every node and relation with its
//! fields as typed, declared attributes (`attrs.rs`), and a dynamic graph:
//! each meeting, and each relation to a meeting, spans the meeting's dates
//! (at their precision: a month-precise date spans the month), each dated
//! relation (a tenure, a membership, a signature) its own dates, so Gephi's
//! timeline plays the meetings. Read back into the same records.

use std::io::Write;

use super::attrs::{self, Key, EDGE_KEYS, NODE_KEYS};
use super::graphml::{finish, read_files, sorted_relations, Element};
use super::xml::{self, get, Ev, XmlIn};
use super::{FormatError, Records};
use crate::graph::Graph;
use crate::import::{ImportError, Parsed, Source};
use crate::model::{Day, Node, NodeKind, PartialDate, Relation, SizeLimits};

const NS: &str = "http://www.gexf.net/1.2draft";

fn gexf_type(k: &Key) -> &'static str {
    match k.ty {
        attrs::Ty::Int => "long",
        attrs::Ty::Bool => "boolean",
        _ => "string",
    }
}

/// An attribute's title: `start` and `end` are the timeline's own
/// attributes in GEXF, so the fields of those names are `start_date` and
/// `end_date` (as they are written, at their precision).
fn title(k: &Key) -> &'static str {
    match k.name {
        "start" => "start_date",
        "end" => "end_date",
        n => n,
    }
}

fn day(d: Day) -> String {
    format!("{:04}-{:02}-{:02}", d.year, d.month, d.day)
}

/// The days from `start` to `end` (each at its precision: first day of the
/// start, last day of the end); a missing end is open.
fn span(
    start: Option<&PartialDate>,
    end: Option<&PartialDate>,
) -> (Option<String>, Option<String>) {
    (
        start.map(|s| day(s.earliest())),
        end.map(|e| day(e.latest())),
    )
}

/// A meeting's days: its start to its end, or the whole of its start.
fn meeting_span(n: &Node) -> (Option<String>, Option<String>) {
    match (&n.start, &n.end) {
        (Some(s), None) => span(Some(s), Some(s)),
        (s, e) => span(s.as_ref(), e.as_ref()),
    }
}

/// When a node exists on the timeline: a meeting its days, a document its
/// date; everything else always.
pub fn node_span(n: &Node) -> (Option<String>, Option<String>) {
    match n.node_kind() {
        NodeKind::Meeting => meeting_span(n),
        NodeKind::Document => span(n.date.as_ref(), n.date.as_ref()),
        _ => (None, None),
    }
}

/// When a relation exists on the timeline: its own dates (a tenure, a
/// membership, a signature's date), else the days of the meeting at one end.
pub fn edge_span(g: &Graph, r: &Relation) -> (Option<String>, Option<String>) {
    if r.start.is_some() || r.end.is_some() {
        return span(r.start.as_ref(), r.end.as_ref());
    }
    if let Some(d) = &r.date {
        return span(Some(d), Some(d));
    }
    let meeting = [&r.to, &r.from]
        .into_iter()
        .find(|id| id.kind() == NodeKind::Meeting)
        .and_then(|id| g.node(id.as_str()));
    meeting.map_or((None, None), |m| meeting_span(m))
}

/// Writes the whole graph as GEXF, one element at a time.
pub fn export(graph: &Graph, out: &mut dyn Write) -> Result<(), FormatError> {
    let mut w = std::io::BufWriter::new(out);
    writeln!(w, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(w, r#"<gexf xmlns="{NS}" version="1.2">"#)?;
    writeln!(
        w,
        "  <meta><creator>Attaché</creator><description>Who met whom, when, in what capacity, and who says so</description></meta>"
    )?;
    writeln!(
        w,
        r#"  <graph mode="dynamic" defaultedgetype="directed" timeformat="date">"#
    )?;
    for (keys, class) in [(NODE_KEYS, "node"), (EDGE_KEYS, "edge")] {
        writeln!(w, r#"    <attributes class="{class}" mode="static">"#)?;
        for k in keys {
            writeln!(
                w,
                r#"      <attribute id="{}" title="{}" type="{}"/>"#,
                k.id,
                title(k),
                gexf_type(k)
            )?;
        }
        writeln!(w, "    </attributes>")?;
    }
    writeln!(w, "    <nodes>")?;
    for n in graph.all_nodes() {
        let (start, end) = node_span(n);
        write!(w, "      <node")?;
        let mut a = vec![("id", n.id.as_str()), ("label", n.name.as_str())];
        push_span(&mut a, &start, &end);
        xml::attrs(&mut w, &a)?;
        writeln!(w, "><attvalues>")?;
        for (k, v) in attrs::node_values(n)? {
            write!(w, "        <attvalue")?;
            xml::attrs(&mut w, &[("for", k.id), ("value", &v)])?;
            writeln!(w, "/>")?;
        }
        writeln!(w, "      </attvalues></node>")?;
    }
    writeln!(w, "    </nodes>")?;
    writeln!(w, "    <edges>")?;
    for r in sorted_relations(graph) {
        let (start, end) = edge_span(graph, r);
        write!(w, "      <edge")?;
        let mut a = vec![
            ("id", r.id.as_str()),
            ("source", r.from.as_str()),
            ("target", r.to.as_str()),
            ("label", r.kind.name()),
        ];
        push_span(&mut a, &start, &end);
        xml::attrs(&mut w, &a)?;
        writeln!(w, "><attvalues>")?;
        for (k, v) in attrs::edge_values(r)? {
            write!(w, "        <attvalue")?;
            xml::attrs(&mut w, &[("for", k.id), ("value", &v)])?;
            writeln!(w, "/>")?;
        }
        writeln!(w, "      </attvalues></edge>")?;
    }
    writeln!(w, "    </edges>")?;
    writeln!(w, "  </graph>")?;
    writeln!(w, "</gexf>")?;
    w.flush()?;
    Ok(())
}

fn push_span<'a>(a: &mut Vec<(&str, &'a str)>, start: &'a Option<String>, end: &'a Option<String>) {
    if let Some(s) = start {
        a.push(("start", s));
    }
    if let Some(e) = end {
        a.push(("end", e));
    }
}

/// Reads GEXF files (as written by [`export`]: our attributes, by title)
/// into `attache/1` records. Labels and time intervals are derived from the
/// attributes, so they are not read.
pub fn import(sources: Vec<Source<'_>>, _limits: SizeLimits) -> Result<Parsed, Vec<ImportError>> {
    read_files(sources, read_file)
}

fn read_file(mut x: XmlIn<'_>, records: &mut Records) -> Result<(), ImportError> {
    // (class, file's attribute id) → our key.
    let mut keys: Vec<(bool, String, &'static Key)> = Vec::new();
    let mut class_is_node = true;
    let mut current: Option<Element> = None;
    let mut seen_root = false;
    loop {
        match x.next()? {
            Ev::Eof => break,
            Ev::Open { name, attrs, empty } => match name.as_str() {
                "gexf" => seen_root = true,
                "attributes" => class_is_node = get(&attrs, "class") != Some("edge"),
                "attribute" => {
                    let ours = if class_is_node { NODE_KEYS } else { EDGE_KEYS };
                    let title = get(&attrs, "title").unwrap_or_default();
                    if let Some(k) = ours.iter().find(|k| self::title(k) == title) {
                        let id = get(&attrs, "id").unwrap_or_default().to_owned();
                        keys.push((class_is_node, id, k));
                    }
                    if !empty {
                        x.skip()?;
                    }
                }
                "node" | "edge" => {
                    let el = Element::open(&x, &name, &attrs)?;
                    if empty {
                        finish(&x, el, records);
                    } else {
                        current = Some(el);
                    }
                }
                "attvalue" => {
                    let (Some(el), Some(f)) = (current.as_mut(), get(&attrs, "for")) else {
                        continue;
                    };
                    let value = get(&attrs, "value").unwrap_or_default();
                    if let Some((_, _, k)) = keys.iter().find(|(n, id, _)| *n == el.node && id == f)
                    {
                        el.data.push((k, value.to_owned()));
                    }
                    if !empty {
                        x.skip()?;
                    }
                }
                "graph" | "nodes" | "edges" | "attvalues" => {}
                _ if !empty => x.skip()?,
                _ => {}
            },
            Ev::Close(name) if name == "node" || name == "edge" => {
                if let Some(el) = current.take() {
                    finish(&x, el, records);
                }
            }
            Ev::Close(_) | Ev::Text(_) => {}
        }
        if records.full() {
            break;
        }
    }
    if !seen_root {
        return Err(x.problem(None, None, "this is not a GEXF file (no `<gexf>` element)"));
    }
    Ok(())
}
