//! Size limits on records: the longest string field and the largest record,
//! both in bytes, and the check of a record against them.
//!
//! A string is measured as UTF-8 after JSON unescaping; a record as its compact
//! JSON (the stored form, which is also an exported record without its
//! indentation). The import reader (`import::scan`) measures a file's records
//! the same way while it reads them, so what export writes, import takes back.

use std::io;

use serde::Serialize;
use serde_json::ser::{CharEscape, CompactFormatter, Formatter};

/// The limits every record written must keep to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SizeLimits {
    /// Longest string field, in bytes.
    pub max_string: usize,
    /// Largest record, in bytes of compact JSON.
    pub max_record: usize,
}

impl SizeLimits {
    /// 64 KiB: the longest string in the seed data is 455 bytes; a long
    /// description of several pages still fits.
    pub const DEFAULT_MAX_STRING: usize = 64 * 1024;
    /// 1 MiB: the largest seed record is 2.5 KB; thousands of aliases,
    /// notes and citations still fit. An import reads one record at a time,
    /// so this bounds its parse buffer.
    pub const DEFAULT_MAX_RECORD: usize = 1024 * 1024;

    /// The message for a string over the limit.
    pub fn string_message(&self, len: usize) -> String {
        format!(
            "is {len} bytes long; the longest string allowed is {} bytes (`--max-string`)",
            self.max_string
        )
    }

    /// The message for a string refused part-way, once it passed the limit.
    pub fn string_over_message(&self) -> String {
        format!(
            "is longer than {} bytes, the longest string allowed (`--max-string`)",
            self.max_string
        )
    }

    /// The message for a record over the limit (`len` is a lower bound when
    /// the record was refused part-way).
    pub fn record_message(&self, len: usize) -> String {
        format!(
            "the record is over {} bytes ({len} bytes read); the largest allowed is {} bytes (`--max-record`)",
            self.max_record, self.max_record
        )
    }

    /// Every string over the limit (with its field path, as `aliases[1].text`)
    /// and the record itself if it is too large.
    pub fn check<T: Serialize>(&self, record: &T) -> Vec<SizeProblem> {
        let mut count = Count(0);
        let mut m = Measure {
            limits: *self,
            path: Vec::new(),
            in_key: false,
            string_len: 0,
            problems: Vec::new(),
        };
        let mut ser = serde_json::Serializer::with_formatter(&mut count, &mut m);
        if let Err(e) = record.serialize(&mut ser) {
            m.problems.push(SizeProblem {
                field: None,
                message: format!("cannot be measured: {e}"),
            });
        }
        if count.0 > self.max_record {
            m.problems.push(SizeProblem {
                field: None,
                message: format!(
                    "the record is {} bytes as compact JSON; the largest allowed is {} bytes (`--max-record`)",
                    count.0, self.max_record
                ),
            });
        }
        m.problems
    }
}

impl Default for SizeLimits {
    fn default() -> Self {
        SizeLimits {
            max_string: Self::DEFAULT_MAX_STRING,
            max_record: Self::DEFAULT_MAX_RECORD,
        }
    }
}

/// A record or one of its fields over a size limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SizeProblem {
    /// The field's path (`aliases[1].text`); `None` for the whole record.
    pub field: Option<String>,
    pub message: String,
}

/// One level of a field path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Key(String),
    Index(usize),
}

/// Renders a path as the model names fields: `citations[0].locator`.
pub fn render_path<'a>(steps: impl IntoIterator<Item = &'a Step>) -> String {
    let mut s = String::new();
    for step in steps {
        match step {
            Step::Key(k) if s.is_empty() => s.push_str(k),
            Step::Key(k) => {
                s.push('.');
                s.push_str(k)
            }
            Step::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}

/// Counts bytes written.
struct Count(usize);

impl io::Write for Count {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A compact formatter that also follows the field path and measures strings.
struct Measure {
    limits: SizeLimits,
    /// One entry per open object or array (the object's current key).
    path: Vec<Step>,
    in_key: bool,
    string_len: usize,
    problems: Vec<SizeProblem>,
}

impl Formatter for &mut Measure {
    fn begin_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.path.push(Step::Index(0));
        CompactFormatter.begin_array(w)
    }
    fn end_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.path.pop();
        CompactFormatter.end_array(w)
    }
    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        if let (false, Some(Step::Index(i))) = (first, self.path.last_mut()) {
            *i += 1;
        }
        CompactFormatter.begin_array_value(w, first)
    }
    fn begin_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.path.push(Step::Key(String::new()));
        CompactFormatter.begin_object(w)
    }
    fn end_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.path.pop();
        CompactFormatter.end_object(w)
    }
    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        if let Some(Step::Key(k)) = self.path.last_mut() {
            k.clear();
        }
        self.in_key = true;
        CompactFormatter.begin_object_key(w, first)
    }
    fn end_object_key<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.in_key = false;
        CompactFormatter.end_object_key(w)
    }
    fn begin_string<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.string_len = 0;
        CompactFormatter.begin_string(w)
    }
    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        match (self.in_key, self.path.last_mut()) {
            (true, Some(Step::Key(k))) => k.push_str(fragment),
            _ => self.string_len += fragment.len(),
        }
        CompactFormatter.write_string_fragment(w, fragment)
    }
    fn write_char_escape<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        escape: CharEscape,
    ) -> io::Result<()> {
        // Every escape serde_json writes stands for one byte.
        if !self.in_key {
            self.string_len += 1;
        }
        CompactFormatter.write_char_escape(w, escape)
    }
    fn end_string<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        if !self.in_key && self.string_len > self.limits.max_string {
            self.problems.push(SizeProblem {
                field: Some(render_path(&self.path)),
                message: self.limits.string_message(self.string_len),
            });
        }
        CompactFormatter.end_string(w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SMALL: SizeLimits = SizeLimits {
        max_string: 8,
        max_record: 80,
    };

    #[test]
    fn a_long_string_is_named_by_its_path() {
        let r = json!({"id": "person:a", "aliases": [{"text": "ok"}, {"text": "much too long"}]});
        let p = SMALL.check(&r);
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].field.as_deref(), Some("aliases[1].text"));
        assert!(p[0].message.contains("13 bytes"), "{}", p[0].message);
    }

    #[test]
    fn strings_are_measured_unescaped_and_records_compact() {
        // Eight quotes: 16 bytes escaped, 8 unescaped.
        assert!(SMALL.check(&json!({"a": "\"\"\"\"\"\"\"\""})).is_empty());
        let big = json!({"a": "12345678", "b": "12345678", "c": "12345678",
                         "d": "12345678", "e": "12345678", "f": "12345678"});
        let p = SMALL.check(&big);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].field, None);
        assert!(p[0].message.contains("91 bytes"), "{}", p[0].message);
    }
}
