//! GraphML (networkx, yEd, Gephi): every node and relation with its fields
//! as typed, declared attributes (`attrs.rs`), written record by record; and
//! read back into the same records (see `graph-schema/formats.md`).

use std::io::Write;
use std::sync::Arc;

use super::attrs::{self, Key, EDGE_KEYS, NODE_KEYS};
use super::xml::{self, escape, get, Ev, XmlIn};
use super::{FormatError, Records};
use crate::graph::Graph;
use crate::import::{ImportError, Parsed, Source};
use crate::model::{Relation, SizeLimits};

const NS: &str = "http://graphml.graphdrawing.org/xmlns";

fn graphml_type(k: &Key) -> &'static str {
    match k.ty {
        attrs::Ty::Int => "long",
        attrs::Ty::Bool => "boolean",
        _ => "string",
    }
}

/// The relations in id order (references only).
pub(super) fn sorted_relations(graph: &Graph) -> Vec<&Relation> {
    let mut rels: Vec<&Relation> = graph.all_relations().map(|r| &**r).collect();
    rels.sort_by(|a, b| a.id.cmp(&b.id));
    rels
}

/// Writes the whole graph as GraphML, one element at a time.
pub fn export(graph: &Graph, out: &mut dyn Write) -> Result<(), FormatError> {
    let mut w = std::io::BufWriter::new(out);
    writeln!(w, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        w,
        r#"<graphml xmlns="{NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="{NS} {NS}/1.0/graphml.xsd">"#
    )?;
    for (keys, target) in [(NODE_KEYS, "node"), (EDGE_KEYS, "edge")] {
        for k in keys {
            writeln!(
                w,
                r#"  <key id="{}" for="{target}" attr.name="{}" attr.type="{}"/>"#,
                k.id,
                k.name,
                graphml_type(k)
            )?;
        }
    }
    writeln!(w, r#"  <graph id="attache" edgedefault="directed">"#)?;
    for n in graph.all_nodes() {
        write!(w, "    <node")?;
        xml::attrs(&mut w, &[("id", n.id.as_str())])?;
        writeln!(w, ">")?;
        for (k, v) in attrs::node_values(n)? {
            writeln!(w, r#"      <data key="{}">{}</data>"#, k.id, escape(&v))?;
        }
        writeln!(w, "    </node>")?;
    }
    for r in sorted_relations(graph) {
        write!(w, "    <edge")?;
        xml::attrs(
            &mut w,
            &[
                ("id", r.id.as_str()),
                ("source", r.from.as_str()),
                ("target", r.to.as_str()),
            ],
        )?;
        writeln!(w, ">")?;
        for (k, v) in attrs::edge_values(r)? {
            writeln!(w, r#"      <data key="{}">{}</data>"#, k.id, escape(&v))?;
        }
        writeln!(w, "    </edge>")?;
    }
    writeln!(w, "  </graph>")?;
    writeln!(w, "</graphml>")?;
    w.flush()?;
    Ok(())
}

/// The keys a file declares: its key id → our key (keys of other tools are
/// left out, and their data ignored).
fn declared(id: &str, name: &str, target: &str) -> Option<(String, &'static Key)> {
    let keys = match target {
        "node" => NODE_KEYS,
        "edge" => EDGE_KEYS,
        _ => return None,
    };
    keys.iter()
        .find(|k| k.name == name)
        .map(|k| (id.to_owned(), k))
}

/// What is being read: a node or an edge, its ids, its line and its data.
pub(super) struct Element {
    pub node: bool,
    pub id: String,
    pub ends: Option<(String, String)>,
    pub line: usize,
    pub data: Vec<(&'static Key, String)>,
}

impl Element {
    /// A `<node>` or `<edge>` (`name`) just opened, with no data yet: its id,
    /// and an edge's source and target, or an error naming the line.
    pub(super) fn open(
        x: &XmlIn<'_>,
        name: &str,
        attrs: &[(String, String)],
    ) -> Result<Element, ImportError> {
        let node = name == "node";
        let Some(id) = get(attrs, "id") else {
            return Err(x.problem(None, Some("id"), format!("a `<{name}>` has no id")));
        };
        let ends = if node {
            None
        } else {
            match (get(attrs, "source"), get(attrs, "target")) {
                (Some(s), Some(t)) => Some((s.to_owned(), t.to_owned())),
                _ => {
                    return Err(x.problem(
                        Some(id),
                        Some("source"),
                        "an edge needs a source and a target",
                    ))
                }
            }
        };
        Ok(Element {
            node,
            id: id.to_owned(),
            ends,
            line: x.line(),
            data: Vec::new(),
        })
    }
}

/// Reads GraphML files (as written by [`export`]: our keys, by `attr.name`)
/// into `attache/1` records.
pub fn import(sources: Vec<Source<'_>>, _limits: SizeLimits) -> Result<Parsed, Vec<ImportError>> {
    read_files(sources, read_file)
}

/// Reads each XML file with `read_file` into one set of records, keeping a
/// file's problem and going on to the next until the problems are too many.
pub(super) fn read_files(
    sources: Vec<Source<'_>>,
    read_file: fn(XmlIn<'_>, &mut Records) -> Result<(), ImportError>,
) -> Result<Parsed, Vec<ImportError>> {
    let mut records = Records::new();
    for src in sources {
        let file: Arc<str> = Arc::from(src.name.as_str());
        if let Err(e) = read_file(XmlIn::new(file, src.reader), &mut records) {
            records.problem(e);
        }
        if records.full() {
            break;
        }
    }
    records.finish()
}

fn read_file(mut x: XmlIn<'_>, records: &mut Records) -> Result<(), ImportError> {
    let mut keys: Vec<(String, &'static Key)> = Vec::new();
    let mut current: Option<Element> = None;
    let mut seen_root = false;
    loop {
        match x.next()? {
            Ev::Eof => break,
            Ev::Open { name, attrs, empty } => match name.as_str() {
                "graphml" => seen_root = true,
                "key" => {
                    let (id, an, target) = (
                        get(&attrs, "id").unwrap_or_default(),
                        get(&attrs, "attr.name").unwrap_or_default(),
                        get(&attrs, "for").unwrap_or("all"),
                    );
                    if let Some(k) = declared(id, an, target) {
                        keys.push(k);
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
                "data" => {
                    let key = get(&attrs, "key").unwrap_or_default().to_owned();
                    let text = if empty {
                        String::new()
                    } else {
                        x.text_until_close("data")?
                    };
                    if let Some(el) = current.as_mut() {
                        let k = keys
                            .iter()
                            .find(|(id, k)| id == &key && k.id.starts_with("n_") == el.node);
                        if let Some((_, k)) = k {
                            el.data.push((k, text));
                        }
                    }
                }
                "graph" => {}
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
        return Err(x.problem(
            None,
            None,
            "this is not a GraphML file (no `<graphml>` element)",
        ));
    }
    Ok(())
}

/// Turns a node or edge read into a record, or a problem at its line.
pub(super) fn finish(x: &XmlIn<'_>, el: Element, records: &mut Records) {
    let made = match &el.ends {
        None => attrs::node_from(&el.id, &el.data).map(|n| records.node(n, &x.file, el.line)),
        Some((from, to)) => attrs::relation_from(&el.id, from, to, &el.data)
            .map(|r| records.relation(r, &x.file, el.line)),
    };
    match made {
        Ok(true) => {}
        Ok(false) => records.problem(super::problem(
            &x.file,
            Some(el.line),
            Some(&el.id),
            Some("id"),
            format!("`{}` is defined twice", el.id),
        )),
        Err((field, msg)) => records.problem(super::problem(
            &x.file,
            Some(el.line),
            Some(&el.id),
            field.as_deref(),
            msg,
        )),
    }
}
