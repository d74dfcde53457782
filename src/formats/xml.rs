//! XML for GraphML and GEXF: escaping what is written, and reading files
//! event by event with line numbers (quick-xml underneath).

use std::io::{self, BufRead, BufReader, Read, Write};
use std::sync::Arc;

use crate::import::ImportError;

/// `s` with the five XML special characters and line breaks and tabs
/// escaped, and the control characters XML 1.0 forbids dropped.
pub fn escape(s: &str) -> std::borrow::Cow<'_, str> {
    if !s
        .chars()
        .any(|c| matches!(c, '<' | '>' | '&' | '"' | '\'' | '\n' | '\r' | '\t') || is_forbidden(c))
    {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // As references, so attribute values keep them (a parser turns
            // a literal line break in an attribute into a space).
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if is_forbidden(c) => {}
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

fn is_forbidden(c: char) -> bool {
    (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r')
}

/// Writes `<tag a="v" …` attributes, escaped.
pub fn attrs(out: &mut dyn Write, pairs: &[(&str, &str)]) -> io::Result<()> {
    for (k, v) in pairs {
        write!(out, " {k}=\"{}\"", escape(v))?;
    }
    Ok(())
}

/// A buffered reader that counts the lines of what the XML parser consumed,
/// so each element is reported at its line.
struct Lines<R> {
    inner: R,
    lines: usize,
}

impl<R: BufRead> Read for Lines<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.lines += buf[..n].iter().filter(|b| **b == b'\n').count();
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Lines<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amt: usize) {
        if let Ok(buf) = self.inner.fill_buf() {
            let amt = amt.min(buf.len());
            self.lines += buf[..amt].iter().filter(|b| **b == b'\n').count();
        }
        self.inner.consume(amt);
    }
}

/// One step of an XML file, as the GraphML and GEXF readers need it.
#[derive(Debug)]
pub enum Ev {
    /// An element opens (`empty`: and closes at once), with its local name
    /// and attributes (local names too).
    Open {
        name: String,
        attrs: Vec<(String, String)>,
        empty: bool,
    },
    Text(String),
    Close(String),
    Eof,
}

/// Reads an XML file event by event, with line numbers.
pub struct XmlIn<'a> {
    reader: quick_xml::Reader<Lines<BufReader<Box<dyn Read + Send + 'a>>>>,
    buf: Vec<u8>,
    pub file: Arc<str>,
}

impl<'a> XmlIn<'a> {
    pub fn new(file: Arc<str>, reader: Box<dyn Read + Send + 'a>) -> Self {
        let lines = Lines {
            inner: BufReader::new(reader),
            lines: 0,
        };
        let mut reader = quick_xml::Reader::from_reader(lines);
        reader.config_mut().trim_text(false);
        XmlIn {
            reader,
            buf: Vec::new(),
            file,
        }
    }

    /// The line the reader is at (1-based).
    pub fn line(&self) -> usize {
        self.reader.get_ref().lines + 1
    }

    /// A problem at the current line.
    pub fn problem(
        &self,
        id: Option<&str>,
        field: Option<&str>,
        msg: impl Into<String>,
    ) -> ImportError {
        super::problem(&self.file, Some(self.line()), id, field, msg)
    }

    /// The next event (comments, declarations and processing instructions skipped).
    pub fn next(&mut self) -> Result<Ev, ImportError> {
        loop {
            self.buf.clear();
            let step = match self.reader.read_event_into(&mut self.buf) {
                Ok(ev) => event(ev),
                Err(e) => Err(format!("not well-formed XML: {e}")),
            };
            match step {
                Ok(Some(ev)) => return Ok(ev),
                Ok(None) => continue,
                Err(m) => return Err(self.problem(None, None, m)),
            }
        }
    }

    /// The text up to the close of the element just opened (nested elements refused).
    pub fn text_until_close(&mut self, element: &str) -> Result<String, ImportError> {
        let mut s = String::new();
        loop {
            match self.next()? {
                Ev::Text(t) => s.push_str(&t),
                Ev::Close(_) => return Ok(s),
                Ev::Open { name, .. } => {
                    return Err(self.problem(
                        None,
                        None,
                        format!("`<{name}>` inside `<{element}>` holds no text of ours"),
                    ))
                }
                Ev::Eof => {
                    return Err(self.problem(
                        None,
                        None,
                        format!("the file ends inside `<{element}>`"),
                    ))
                }
            }
        }
    }

    /// Skips what is inside the element just opened.
    pub fn skip(&mut self) -> Result<(), ImportError> {
        let mut depth = 1usize;
        while depth > 0 {
            match self.next()? {
                Ev::Open { empty: false, .. } => depth += 1,
                Ev::Close(_) => depth -= 1,
                Ev::Eof => return Err(self.problem(None, None, "the file ends inside an element")),
                _ => {}
            }
        }
        Ok(())
    }
}

/// One quick-xml event as ours (`None`: one we skip), or what is wrong.
fn event(ev: quick_xml::events::Event<'_>) -> Result<Option<Ev>, String> {
    use quick_xml::events::Event;
    let bad = |e: &dyn std::fmt::Display| format!("not well-formed XML: {e}");
    Ok(Some(match ev {
        Event::Start(ref s) | Event::Empty(ref s) => {
            let empty = matches!(ev, Event::Empty(_));
            let mut attrs = Vec::new();
            for a in s.attributes() {
                let a = a.map_err(|e| bad(&e))?;
                let v = a
                    .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .map_err(|e| bad(&e))?
                    .into_owned();
                attrs.push((local(a.key.local_name().as_ref()), v));
            }
            Ev::Open {
                name: local(s.local_name().as_ref()),
                attrs,
                empty,
            }
        }
        Event::End(e) => Ev::Close(local(e.local_name().as_ref())),
        Event::Text(t) => Ev::Text(t.xml10_content().into_owned()),
        Event::CData(t) => Ev::Text(t.into_inner().into_owned()),
        Event::GeneralRef(r) => {
            let c = match r.resolve_char_ref().map_err(|e| bad(&e))? {
                Some(c) => c,
                None => match &*r {
                    "lt" => '<',
                    "gt" => '>',
                    "amp" => '&',
                    "quot" => '"',
                    "apos" => '\'',
                    other => return Err(format!("unknown entity `&{other};`")),
                },
            };
            Ev::Text(c.to_string())
        }
        Event::Eof => Ev::Eof,
        _ => return Ok(None),
    }))
}

fn local(s: &str) -> String {
    s.to_owned()
}

/// The value of attribute `name`.
pub fn get<'v>(attrs: &'v [(String, String)], name: &str) -> Option<&'v str> {
    attrs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}
