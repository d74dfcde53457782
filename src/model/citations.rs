//! A relation's citations as one shared, immutable list (issue 12, "RAM
//! after load"). Most relations cite a source without a locator, and there
//! are few sources, so the graph keeps one copy of each such list and every
//! relation citing it points there (8 bytes, no allocation of its own);
//! see `graph::Graph::adopt`. Reads go through `Deref` to a slice; a list
//! is replaced whole (`r.citations = vec![..].into()`) or changed through
//! [`Citations::make_mut`], which copies a shared list first.

use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::record::Citation;

/// See the module doc. Empty holds nothing on the heap. A thin pointer (8
/// bytes in the record, where `Arc<[Citation]>` takes 16) to the shared
/// list; the list's slice is a second allocation, paid once per list.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Citations(Option<Arc<Box<[Citation]>>>);

impl Citations {
    /// The list, for changing it in place when no other record shares it
    /// (a record just decoded); `None` when it is shared or empty.
    pub fn get_mut(&mut self) -> Option<&mut [Citation]> {
        self.0.as_mut().and_then(Arc::get_mut).map(|b| &mut **b)
    }

    /// The list, for changing it in place: copied first if another record
    /// shares it, so only this record sees the change.
    pub fn make_mut(&mut self) -> &mut [Citation] {
        match &mut self.0 {
            None => &mut [],
            Some(list) => {
                if Arc::get_mut(list).is_none() {
                    *list = Arc::new(list[..].into());
                }
                Arc::get_mut(list).expect("unshared")
            }
        }
    }

    /// Adds a citation at the end: this record's list is replaced by a
    /// copy with it, other records sharing the list keep it as it was.
    pub fn push(&mut self, c: Citation) {
        let mut v = self.to_vec();
        v.push(c);
        *self = v.into();
    }

    /// Whether `a` and `b` are one list in memory, not merely equal.
    pub fn ptr_eq(a: &Citations, b: &Citations) -> bool {
        match (&a.0, &b.0) {
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }
}

impl Deref for Citations {
    type Target = [Citation];

    fn deref(&self) -> &[Citation] {
        self.0.as_deref().map_or(&[], |b| b)
    }
}

impl From<Vec<Citation>> for Citations {
    fn from(v: Vec<Citation>) -> Citations {
        Citations((!v.is_empty()).then(|| Arc::new(v.into_boxed_slice())))
    }
}

impl From<&[Citation]> for Citations {
    fn from(v: &[Citation]) -> Citations {
        Citations((!v.is_empty()).then(|| Arc::new(v.into())))
    }
}

impl From<Citations> for Vec<Citation> {
    fn from(c: Citations) -> Vec<Citation> {
        c.to_vec()
    }
}

impl PartialEq<Vec<Citation>> for Citations {
    fn eq(&self, o: &Vec<Citation>) -> bool {
        **self == **o
    }
}

impl<'a> IntoIterator for &'a Citations {
    type Item = &'a Citation;
    type IntoIter = std::slice::Iter<'a, Citation>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl fmt::Debug for Citations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl Serialize for Citations {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        (**self).serialize(s)
    }
}

impl<'de> Deserialize<'de> for Citations {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Vec::<Citation>::deserialize(d).map(Citations::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::NodeId;

    fn cite(s: &str) -> Citation {
        Citation {
            source: NodeId::parse(s).unwrap(),
            locator: None,
        }
    }

    #[test]
    fn an_empty_list_allocates_nothing_and_reads_as_an_empty_slice() {
        let c = Citations::from(Vec::new());
        assert!(c.0.is_none());
        assert!(c.is_empty());
        assert_eq!(c, Citations::default());
    }

    #[test]
    fn a_list_is_a_thin_pointer_in_the_record() {
        assert_eq!(std::mem::size_of::<Citations>(), 8);
    }

    #[test]
    fn a_cloned_list_is_shared_and_not_editable_in_place() {
        let mut a = Citations::from(vec![cite("source:s")]);
        assert!(a.get_mut().is_some(), "unshared: editable");
        let b = a.clone();
        assert!(Citations::ptr_eq(&a, &b));
        assert!(a.get_mut().is_none(), "shared: not editable");
        assert_eq!(a, vec![cite("source:s")]);
    }

    #[test]
    fn changing_a_shared_list_changes_only_this_records_copy() {
        let mut a = Citations::from(vec![cite("source:s")]);
        let b = a.clone();
        a.make_mut()[0] = cite("source:t");
        assert_eq!(a, vec![cite("source:t")]);
        assert_eq!(b, vec![cite("source:s")]);
    }
}
