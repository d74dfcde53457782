//! A strict parser of the Prometheus text exposition format (0.0.4), for
//! the tests that scrape `/metrics`: every line must be a `# HELP`, a
//! `# TYPE` or a sample of a declared family, with well-formed names, quoted
//! label values and a number; anything else fails the test with the line.

use std::collections::BTreeMap;

/// A sample's name and its labels, sorted.
pub type Key = (String, BTreeMap<String, String>);

/// Every sample of a scrape.
#[derive(Debug, Default)]
pub struct Scrape {
    pub samples: BTreeMap<Key, f64>,
    /// Each family's declared type.
    pub types: BTreeMap<String, String>,
}

impl Scrape {
    /// The sample `name` with exactly these labels; 0 when absent (a counter
    /// not yet incremented is not written).
    pub fn get(&self, name: &str, labels: &[(&str, &str)]) -> f64 {
        let labels = labels
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        self.samples
            .get(&(name.to_owned(), labels))
            .copied()
            .unwrap_or(0.0)
    }

    /// The sum of every sample `name` whose labels include these.
    pub fn sum(&self, name: &str, labels: &[(&str, &str)]) -> f64 {
        self.samples
            .iter()
            .filter(|((n, l), _)| {
                n == name
                    && labels
                        .iter()
                        .all(|(k, v)| l.get(*k).map(String::as_str) == Some(*v))
            })
            .map(|(_, v)| v)
            .sum()
    }
}

fn is_name(s: &str, colon: bool) -> bool {
    let mut chars = s.chars();
    let ok_first = |c: char| c.is_ascii_alphabetic() || c == '_' || (colon && c == ':');
    matches!(chars.next(), Some(c) if ok_first(c))
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || (colon && c == ':'))
}

fn number(s: &str) -> Option<f64> {
    match s {
        "+Inf" => Some(f64::INFINITY),
        "-Inf" => Some(f64::NEG_INFINITY),
        "NaN" => Some(f64::NAN),
        _ => s.parse().ok(),
    }
}

/// The family a sample belongs to, given the declared types.
fn family<'a>(name: &'a str, types: &BTreeMap<String, String>) -> Option<&'a str> {
    if types.contains_key(name) {
        return Some(name);
    }
    for suffix in ["_bucket", "_sum", "_count"] {
        if let Some(base) = name.strip_suffix(suffix) {
            if matches!(
                types.get(base).map(String::as_str),
                Some("histogram" | "summary")
            ) {
                return Some(base);
            }
        }
    }
    None
}

/// `{a="x",b="y"}` (after the name) into labels; the rest of the line.
fn labels(rest: &str, line: &str) -> (BTreeMap<String, String>, String) {
    let mut out = BTreeMap::new();
    let Some(body) = rest.strip_prefix('{') else {
        return (out, rest.to_owned());
    };
    let mut chars = body.chars().peekable();
    loop {
        if chars.peek() == Some(&'}') {
            chars.next();
            break;
        }
        let name: String = chars.by_ref().take_while(|c| *c != '=').collect();
        assert!(is_name(&name, false), "bad label name {name:?} in {line:?}");
        assert_eq!(chars.next(), Some('"'), "unquoted label value in {line:?}");
        let mut value = String::new();
        loop {
            match chars.next() {
                Some('\\') => match chars.next() {
                    Some('\\') => value.push('\\'),
                    Some('"') => value.push('"'),
                    Some('n') => value.push('\n'),
                    other => panic!("bad escape {other:?} in {line:?}"),
                },
                Some('"') => break,
                Some(c) => value.push(c),
                None => panic!("unterminated label value in {line:?}"),
            }
        }
        assert!(
            out.insert(name, value).is_none(),
            "repeated label in {line:?}"
        );
        match chars.next() {
            Some(',') => {}
            Some('}') => break,
            other => panic!("expected , or }} but found {other:?} in {line:?}"),
        }
    }
    (out, chars.collect())
}

/// Parses a whole exposition, failing on the first malformed line.
pub fn parse(text: &str) -> Scrape {
    let mut s = Scrape::default();
    assert!(
        text.ends_with('\n'),
        "the exposition must end with a newline"
    );
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# ") {
            let mut parts = rest.splitn(3, ' ');
            let (kind, name) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
            assert!(is_name(name, true), "bad metric name in {line:?}");
            match kind {
                "HELP" => {}
                "TYPE" => {
                    let t = parts.next().unwrap_or("");
                    assert!(
                        ["counter", "gauge", "histogram", "summary", "untyped"].contains(&t),
                        "bad type in {line:?}"
                    );
                    assert!(
                        s.types.insert(name.to_owned(), t.to_owned()).is_none(),
                        "type declared twice: {line:?}"
                    );
                }
                _ => panic!("unknown comment {line:?}"),
            }
            continue;
        }
        assert!(!line.is_empty(), "empty line in the exposition");
        let end = line.find(['{', ' ']).unwrap_or(line.len());
        let name = &line[..end];
        assert!(is_name(name, true), "bad metric name in {line:?}");
        assert!(
            family(name, &s.types).is_some(),
            "sample of an undeclared family: {line:?}"
        );
        let (labels, rest) = labels(&line[end..], line);
        let mut fields = rest.split_whitespace();
        let value = fields.next().and_then(number);
        let value = value.unwrap_or_else(|| panic!("bad value in {line:?}"));
        if let Some(ts) = fields.next() {
            assert!(ts.parse::<i64>().is_ok(), "bad timestamp in {line:?}");
        }
        assert!(fields.next().is_none(), "trailing text in {line:?}");
        let key = (name.to_owned(), labels);
        assert!(
            s.samples.insert(key, value).is_none(),
            "repeated sample {line:?}"
        );
    }
    s
}
