//! Reading one record, and the strings in it, into the scanner's buffer:
//! whitespace outside strings left out, line breaks kept, the field path
//! followed so a problem names its field, and the size limits applied as
//! the bytes arrive.

use std::io::Read;

use super::{is_scalar, show, Frame, Res, ScanError, Scanner, Section, MAX_DEPTH};

impl<R: Read> Scanner<R> {
    /// Reads one record into `buf`, whitespace outside strings left out
    /// (a space is kept between two scalars, so `1 2` stays an error).
    pub(super) fn record(&mut self, section: Section, index: usize) -> Res {
        self.buf.clear();
        self.newlines = 0;
        self.stack.clear();
        self.id = None;
        self.at = Some((section, index));
        let (mut ws, mut scalar) = (false, false);
        loop {
            let Some(b) = self.peek()? else {
                return Err(self.err("the file ends inside a record".into()));
            };
            match b {
                b' ' | b'\t' | b'\r' => {
                    self.bump();
                    ws = true;
                    continue;
                }
                b'\n' => {
                    self.bump();
                    self.newlines += 1;
                    self.keep(b'\n')?;
                    ws = true;
                    continue;
                }
                _ if is_scalar(b) => {
                    if ws && scalar {
                        self.keep(b' ')?;
                    }
                    self.bump();
                    self.keep(b)?;
                    (ws, scalar) = (false, true);
                    continue;
                }
                _ => (ws, scalar) = (false, false),
            }
            match b {
                b'"' => {
                    let key = match self.stack.last_mut() {
                        Some(Frame::Obj { key, want_key }) if *want_key => {
                            *key = None;
                            true
                        }
                        _ => false,
                    };
                    let start = self.buf.len() + 1;
                    self.string(self.limits.max_string)?;
                    let end = self.buf.len() - 1;
                    let depth = self.stack.len();
                    if key {
                        if let Some(Frame::Obj { key, want_key }) = self.stack.last_mut() {
                            (*key, *want_key) = (Some((start, end)), false);
                        }
                    } else if let (
                        1,
                        Some(Frame::Obj {
                            key: Some((s, e)), ..
                        }),
                    ) = (depth, self.stack.last())
                    {
                        let key = self.at.map_or("id", |(section, _)| section.id_key());
                        if &self.buf[*s..*e] == key.as_bytes() {
                            self.id = Some((start, end));
                        }
                    }
                }
                b'{' | b'[' => {
                    if self.stack.len() >= MAX_DEPTH {
                        return Err(self.err(format!("nested more than {MAX_DEPTH} deep")));
                    }
                    self.bump();
                    self.keep(b)?;
                    self.stack.push(if b == b'{' {
                        Frame::Obj {
                            key: None,
                            want_key: true,
                        }
                    } else {
                        Frame::Arr { index: 0 }
                    });
                }
                b'}' | b']' => {
                    match (b, self.stack.last()) {
                        (b'}', Some(Frame::Obj { .. })) | (b']', Some(Frame::Arr { .. })) => {}
                        (_, None) => {}
                        (_, Some(open)) => {
                            let want = if matches!(open, Frame::Obj { .. }) {
                                "`}`"
                            } else {
                                "`]`"
                            };
                            return Err(self.err(format!("expected {want}, found {}", show(b))));
                        }
                    }
                    if self.stack.is_empty() {
                        break;
                    }
                    self.bump();
                    self.keep(b)?;
                    self.stack.pop();
                }
                b',' => {
                    match self.stack.last_mut() {
                        None => break,
                        Some(Frame::Obj { want_key, .. }) => *want_key = true,
                        Some(Frame::Arr { index }) => *index += 1,
                    }
                    self.bump();
                    self.keep(b)?;
                }
                b':' => {
                    self.bump();
                    self.keep(b)?;
                }
                _ => return Err(self.err(format!("unexpected {}", show(b)))),
            }
            if self.stack.is_empty() {
                break;
            }
        }
        if self.buf.is_empty() {
            let found = self.found()?;
            return Err(self.err(format!("expected a record, found {found}")));
        }
        Ok(())
    }

    /// Reads a string literal (the next byte is its `"`) into `buf`, refusing
    /// it as soon as its text passes the limit, and any raw control byte.
    pub(super) fn string(&mut self, max: usize) -> Res {
        self.bump();
        self.keep(b'"')?;
        let mut len = 0usize;
        loop {
            if !self.fill()? {
                return Err(self.err("the file ends inside a string".into()));
            }
            let avail = &self.chunk[self.pos..self.end];
            let run = avail
                .iter()
                .position(|&c| c == b'"' || c == b'\\' || c < 0x20)
                .unwrap_or(avail.len());
            if run > 0 {
                len += run;
                if len > max {
                    return Err(self.too_long(max));
                }
                self.buf.extend_from_slice(&avail[..run]);
                self.pos += run;
                self.check_size()?;
                continue;
            }
            let c = self.chunk[self.pos];
            match c {
                b'"' => {
                    self.bump();
                    return self.keep(b'"');
                }
                b'\\' => {
                    self.bump();
                    self.keep(b'\\')?;
                    let e = self.escaped()?;
                    len += match e {
                        b'u' => {
                            let mut cp = 0u32;
                            for _ in 0..4 {
                                let h = self.escaped()?;
                                let d = (h as char).to_digit(16).ok_or_else(|| {
                                    self.err(format!("invalid \\u escape: {}", show(h)))
                                })?;
                                cp = cp * 16 + d;
                            }
                            // UTF-8 bytes; a surrogate pair counts 4 on its first half.
                            match cp {
                                0..=0x7f => 1,
                                0x80..=0x7ff => 2,
                                0xd800..=0xdbff => 4,
                                0xdc00..=0xdfff => 0,
                                _ => 3,
                            }
                        }
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => 1,
                        _ => return Err(self.err(format!("invalid escape \\{}", e as char))),
                    };
                    if len > max {
                        return Err(self.too_long(max));
                    }
                }
                b'\n' => return Err(self.err("a string runs to the end of its line".into())),
                _ => {
                    return Err(self.err(format!(
                        "a control character (byte 0x{c:02x}) in a string; write it as an escape"
                    )))
                }
            }
        }
    }

    fn too_long(&self, max: usize) -> ScanError {
        if self.at.is_some() {
            self.err(self.limits.string_over_message())
        } else {
            self.err(format!("is longer than {max} bytes"))
        }
    }

    /// The next byte of an escape, kept.
    fn escaped(&mut self) -> Result<u8, ScanError> {
        let Some(b) = self.peek()? else {
            return Err(self.err("the file ends inside a string".into()));
        };
        if b < 0x20 {
            return Err(self.err(format!("invalid escape: {}", show(b))));
        }
        self.bump();
        self.keep(b)?;
        Ok(b)
    }
}
