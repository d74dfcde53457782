//! Reading one import file as a stream: the top-level object, then the records
//! of `nodes`, `relations`, `conflicts` and `redirects` one at a time, counting lines, with
//! at most one record in memory. A byte that cannot be JSON there is refused
//! where it stands; a string or a record over the size limits is refused as
//! soon as it passes the limit, before the rest of it is read.
//!
//! The scanner only finds where each record begins and ends (and which field
//! it is in); `parse.rs` turns each record's bytes into a model record with
//! serde, which checks the rest of the syntax.

use std::io::{self, Read};

use crate::model::size::{render_path, SizeLimits, Step};

use super::FORMAT;

mod record;

/// The lists of an import file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Nodes,
    Relations,
    Conflicts,
    Redirects,
}

impl Section {
    pub fn name(self) -> &'static str {
        match self {
            Section::Nodes => "nodes",
            Section::Relations => "relations",
            Section::Conflicts => "conflicts",
            Section::Redirects => "redirects",
        }
    }

    /// The field that names a record of this list in messages: `id`, or a
    /// redirect's `from` (the merged id it stands for).
    pub fn id_key(self) -> &'static str {
        match self {
            Section::Redirects => "from",
            _ => "id",
        }
    }
}

/// One record as read. Whitespace outside strings is left out, except line
/// breaks, so a line inside the record counts on from `line`.
pub struct RawRecord<'a> {
    pub section: Section,
    /// Its position in its list.
    pub index: usize,
    /// The line its `{` is on.
    pub line: usize,
    pub bytes: &'a [u8],
    /// Where the text of its `id` is in `bytes`, if it has one.
    id: Option<(usize, usize)>,
}

impl RawRecord<'_> {
    /// The record's id if it has a readable one, else `nodes[3]`.
    pub fn name(&self) -> String {
        self.id
            .and_then(|(s, e)| decode(&self.bytes[s - 1..e + 1]))
            .unwrap_or_else(|| format!("{}[{}]", self.section.name(), self.index))
    }
}

/// Why a file could not be read to its end: where, and what.
#[derive(Debug)]
pub struct ScanError {
    pub line: usize,
    pub record: Option<String>,
    pub field: Option<String>,
    pub message: String,
}

/// The fields of an import file, in the order of the `seen` flags.
const TOP_KEYS: [&str; 5] = ["format", "nodes", "relations", "conflicts", "redirects"];

const CHUNK: usize = 64 * 1024;
/// The longest top-level key or format tag (not a record's field, so not
/// under `--max-string`).
const TOP_STRING: usize = 256;
/// Deeper nesting than any record needs (serde_json's own limit is 128).
const MAX_DEPTH: usize = 64;

/// Reads the file from `reader`, handing each record to `each`; stops early,
/// without error, when `each` returns false.
pub fn scan(
    reader: impl Read,
    limits: SizeLimits,
    each: &mut dyn FnMut(RawRecord<'_>) -> bool,
) -> Result<(), ScanError> {
    let mut s = Scanner {
        r: reader,
        chunk: vec![0; CHUNK].into_boxed_slice(),
        pos: 0,
        end: 0,
        eof: false,
        line: 1,
        limits,
        buf: Vec::new(),
        newlines: 0,
        stack: Vec::new(),
        at: None,
        id: None,
        top_key: None,
    };
    s.file(each)
}

/// An open object (its current key, and whether a key comes next) or array.
enum Frame {
    Obj {
        key: Option<(usize, usize)>,
        want_key: bool,
    },
    Arr {
        index: usize,
    },
}

struct Scanner<R> {
    r: R,
    chunk: Box<[u8]>,
    pos: usize,
    end: usize,
    eof: bool,
    line: usize,
    limits: SizeLimits,
    /// The record (or top-level string) being read.
    buf: Vec<u8>,
    /// Line breaks kept in `buf` (not counted in the record's size).
    newlines: usize,
    stack: Vec<Frame>,
    /// The record being read: its list and position.
    at: Option<(Section, usize)>,
    /// Where its id is in `buf`, once read.
    id: Option<(usize, usize)>,
    /// The top-level field being read.
    top_key: Option<String>,
}

/// A JSON string literal (quotes included) as text.
fn decode(quoted: &[u8]) -> Option<String> {
    serde_json::from_slice(quoted).ok()
}

fn show(b: u8) -> String {
    if b.is_ascii_graphic() {
        format!("`{}`", b as char)
    } else {
        format!("byte 0x{b:02x}")
    }
}

fn is_scalar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')
}

type Res = Result<(), ScanError>;

impl<R: Read> Scanner<R> {
    /// Makes sure a byte is buffered; false at the end of the file.
    fn fill(&mut self) -> Result<bool, ScanError> {
        while self.pos == self.end {
            if self.eof {
                return Ok(false);
            }
            match self.r.read(&mut self.chunk) {
                Ok(0) => self.eof = true,
                Ok(n) => (self.pos, self.end) = (0, n),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(self.err(format!("cannot read: {e}"))),
            }
        }
        Ok(true)
    }

    fn peek(&mut self) -> Result<Option<u8>, ScanError> {
        Ok(self.fill()?.then(|| self.chunk[self.pos]))
    }

    /// Moves past the byte just peeked.
    fn bump(&mut self) {
        if self.chunk[self.pos] == b'\n' {
            self.line += 1;
        }
        self.pos += 1;
    }

    /// Peeks at the next byte that is not whitespace.
    fn skip_ws(&mut self) -> Result<Option<u8>, ScanError> {
        while self.fill()? {
            let avail = &self.chunk[self.pos..self.end];
            let n = avail
                .iter()
                .position(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
                .unwrap_or(avail.len());
            self.line += avail[..n].iter().filter(|&&b| b == b'\n').count();
            self.pos += n;
            if self.pos < self.end {
                return Ok(Some(self.chunk[self.pos]));
            }
        }
        Ok(None)
    }

    fn record_name(&self) -> Option<String> {
        let (section, index) = self.at?;
        Some(
            self.id
                .and_then(|(s, e)| decode(&self.buf[s - 1..e + 1]))
                .unwrap_or_else(|| format!("{}[{index}]", section.name())),
        )
    }

    /// The field being read: its path inside the record, or the top-level key.
    fn field(&self) -> Option<String> {
        if self.at.is_none() {
            return self.top_key.clone();
        }
        let steps: Vec<Step> = self
            .stack
            .iter()
            .filter_map(|f| match f {
                Frame::Obj {
                    key: Some((s, e)), ..
                } => Some(Step::Key(decode(&self.buf[s - 1..e + 1]).unwrap_or_else(
                    || String::from_utf8_lossy(&self.buf[*s..*e]).into(),
                ))),
                Frame::Obj { key: None, .. } => None,
                Frame::Arr { index } => Some(Step::Index(*index)),
            })
            .collect();
        (!steps.is_empty()).then(|| render_path(&steps))
    }

    fn err(&self, message: String) -> ScanError {
        ScanError {
            line: self.line,
            record: self.record_name(),
            field: self.field(),
            message,
        }
    }

    fn found(&mut self) -> Result<String, ScanError> {
        Ok(match self.peek()? {
            Some(b) => show(b),
            None => "the end of the file".into(),
        })
    }

    /// Skips whitespace and consumes `want`, or says what came instead.
    fn expect(&mut self, want: u8, what: &str) -> Res {
        if self.skip_ws()? == Some(want) {
            self.bump();
            return Ok(());
        }
        let found = self.found()?;
        Err(self.err(format!("expected {what}, found {found}")))
    }

    /// Keeps a byte of the record, refusing the record once it is too large.
    fn keep(&mut self, b: u8) -> Res {
        self.buf.push(b);
        self.check_size()
    }

    fn check_size(&self) -> Res {
        let size = self.buf.len() - self.newlines;
        if size > self.limits.max_record || self.newlines > self.limits.max_record {
            let mut e = self.err(self.limits.record_message(size.max(self.newlines)));
            e.field = None;
            return Err(e);
        }
        Ok(())
    }

    fn file(&mut self, each: &mut dyn FnMut(RawRecord<'_>) -> bool) -> Res {
        self.expect(b'{', "`{` (an import file is one JSON object)")?;
        let mut seen = [false; TOP_KEYS.len()];
        if self.skip_ws()? == Some(b'}') {
            self.bump();
        } else {
            loop {
                self.top_key = None;
                let key = self.top_string("a field name in quotes")?;
                self.top_key = Some(key.clone());
                self.expect(b':', "`:`")?;
                let slot = TOP_KEYS.iter().position(|k| *k == key).ok_or_else(|| {
                    self.err(format!(
                        "unknown field `{key}`, expected one of `format`, `nodes`, `relations`, `conflicts`, `redirects`"
                    ))
                })?;
                if std::mem::replace(&mut seen[slot], true) {
                    return Err(self.err(format!("duplicate field `{key}`")));
                }
                let go_on = match slot {
                    0 => {
                        let v = self.top_string("a string")?;
                        if v != FORMAT {
                            return Err(self.err(format!("is `{v}`, this build reads `{FORMAT}`")));
                        }
                        true
                    }
                    1 => self.section(Section::Nodes, each)?,
                    2 => self.section(Section::Relations, each)?,
                    3 => self.section(Section::Conflicts, each)?,
                    _ => self.section(Section::Redirects, each)?,
                };
                if !go_on {
                    return Ok(());
                }
                self.top_key = None;
                match self.skip_ws()? {
                    Some(b',') => self.bump(),
                    Some(b'}') => {
                        self.bump();
                        break;
                    }
                    _ => {
                        let found = self.found()?;
                        return Err(self.err(format!("expected `,` or `}}`, found {found}")));
                    }
                }
            }
        }
        self.top_key = None;
        if !seen[0] {
            let mut e = self.err("missing field `format`".into());
            e.field = Some("format".into());
            return Err(e);
        }
        match self.skip_ws()? {
            None => Ok(()),
            Some(b) => Err(self.err(format!(
                "expected the end of the file after the object, found {}",
                show(b)
            ))),
        }
    }

    /// Reads a top-level string (a key or the format tag).
    fn top_string(&mut self, what: &str) -> Result<String, ScanError> {
        if self.skip_ws()? != Some(b'"') {
            let found = self.found()?;
            return Err(self.err(format!("expected {what}, found {found}")));
        }
        self.buf.clear();
        self.newlines = 0;
        self.string(TOP_STRING)?;
        decode(&self.buf).ok_or_else(|| self.err("not a valid string".into()))
    }

    /// Reads a list of records; false if `each` asked to stop.
    fn section(
        &mut self,
        section: Section,
        each: &mut dyn FnMut(RawRecord<'_>) -> bool,
    ) -> Result<bool, ScanError> {
        self.expect(b'[', "`[` (a list of records)")?;
        if self.skip_ws()? == Some(b']') {
            self.bump();
            return Ok(true);
        }
        let mut index = 0;
        loop {
            let line = self.line;
            self.record(section, index)?;
            let raw = RawRecord {
                section,
                index,
                line,
                bytes: &self.buf,
                id: self.id,
            };
            if !each(raw) {
                return Ok(false);
            }
            self.at = None;
            match self.skip_ws()? {
                Some(b',') => {
                    self.bump();
                    if self.skip_ws()? == Some(b']') {
                        return Err(self.err("a comma after the last record".into()));
                    }
                }
                Some(b']') => {
                    self.bump();
                    return Ok(true);
                }
                _ => {
                    let found = self.found()?;
                    return Err(
                        self.err(format!("expected `,` or `]` after a record, found {found}"))
                    );
                }
            }
            index += 1;
        }
    }
}
