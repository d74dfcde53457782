//! `ThinStr`: an owned, immutable string of at most 255 bytes in one heap
//! block, its length in the block's first byte (issue 12, "RAM after
//! load"). A relation id is held once, by its relation (the graph's indexes
//! point at the relation, not at the id), so it needs no shared count:
//! this is 8 bytes in the record and 1 + length on the heap, where an
//! `ArcStr` takes 16 + length. Cloning copies the text.

use std::alloc::{alloc, dealloc, handle_alloc_error, Layout};
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::ptr::NonNull;

/// See the module doc.
pub struct ThinStr(NonNull<u8>);

// SAFETY: a `ThinStr` owns its block, which nothing else points at, and
// never changes it after `new`: it is a `Box<str>` in all but layout.
unsafe impl Send for ThinStr {}
// SAFETY: as above; `&ThinStr` only reads.
unsafe impl Sync for ThinStr {}

/// The block of a string of `len` bytes: the length byte, then the text.
fn layout(len: usize) -> Layout {
    Layout::from_size_align(1 + len, 1).expect("a small block")
}

impl ThinStr {
    /// Copies `s` into a block of its own; panics when it is longer than
    /// 255 bytes (ids are at most `MAX_ID_LEN`, 200).
    pub fn new(s: &str) -> ThinStr {
        let len = u8::try_from(s.len()).expect("a thin string is at most 255 bytes");
        let layout = layout(s.len());
        // SAFETY: `layout` is never zero-sized (it has the length byte);
        // the block is written in full (1 + len bytes) before it is read.
        unsafe {
            let Some(p) = NonNull::new(alloc(layout)) else {
                handle_alloc_error(layout)
            };
            p.as_ptr().write(len);
            std::ptr::copy_nonoverlapping(s.as_ptr(), p.as_ptr().add(1), s.len());
            ThinStr(p)
        }
    }

    pub fn as_str(&self) -> &str {
        // SAFETY: the block holds the length byte and that many bytes
        // copied from a `&str` in `new`, so they are valid UTF-8.
        unsafe {
            let p = self.0.as_ptr();
            let bytes = std::slice::from_raw_parts(p.add(1), usize::from(*p));
            std::str::from_utf8_unchecked(bytes)
        }
    }
}

impl Drop for ThinStr {
    fn drop(&mut self) {
        // SAFETY: the block was allocated in `new` with this layout (its
        // length byte unchanged since) and is freed once, here.
        unsafe { dealloc(self.0.as_ptr(), layout(self.len())) }
    }
}

impl Clone for ThinStr {
    fn clone(&self) -> ThinStr {
        ThinStr::new(self.as_str())
    }
}

impl Deref for ThinStr {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl From<&str> for ThinStr {
    fn from(s: &str) -> ThinStr {
        ThinStr::new(s)
    }
}

impl From<String> for ThinStr {
    fn from(s: String) -> ThinStr {
        ThinStr::new(&s)
    }
}

impl PartialEq for ThinStr {
    fn eq(&self, o: &ThinStr) -> bool {
        self.as_str() == o.as_str()
    }
}

impl Eq for ThinStr {}

/// Hashes as the `str` does, so maps keyed by ids find them by `&str`.
impl Hash for ThinStr {
    fn hash<H: Hasher>(&self, h: &mut H) {
        self.as_str().hash(h)
    }
}

impl PartialOrd for ThinStr {
    fn partial_cmp(&self, o: &ThinStr) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

impl Ord for ThinStr {
    fn cmp(&self, o: &ThinStr) -> Ordering {
        self.as_str().cmp(o.as_str())
    }
}

impl fmt::Display for ThinStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::BuildHasher;

    #[test]
    fn holds_text_of_every_length_it_takes_and_compares_and_hashes_as_str() {
        for len in [0, 1, 17, 200, 255] {
            let text = "ab".repeat(128)[..len].to_owned();
            let t = ThinStr::new(&text);
            assert_eq!(t.as_str(), text);
            let copy = t.clone();
            drop(t);
            assert_eq!(&*copy, text, "a clone owns its own copy");
            let s = std::collections::hash_map::RandomState::new();
            assert_eq!(s.hash_one(&copy), s.hash_one(text.as_str()));
        }
        assert!(ThinStr::new("rel:a") < ThinStr::new("rel:b"));
        assert_eq!(std::mem::size_of::<Option<ThinStr>>(), 8);
    }

    #[test]
    #[should_panic(expected = "at most 255 bytes")]
    fn refuses_text_longer_than_its_length_byte_counts() {
        ThinStr::new(&"a".repeat(256));
    }
}
