//! The `orderBy` inputs of the lists a dashboard sorts, all of one shape,
//! `{field: …, direction: ASC | DESC}`, and the one sort they share: items
//! with no value for the field last whichever the direction, ties by id, so
//! a page and the cursor or offset after it stay put between requests.

use std::cmp::Ordering;

use async_graphql::{Enum, InputObject};

/// Which way a list is sorted.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Default, Debug)]
pub enum OrderDirection {
    /// Smallest (earliest, first in the alphabet) first.
    #[default]
    Asc,
    /// Largest (latest, last in the alphabet) first.
    Desc,
}

/// Declares an `orderBy` input (`$input`) over the fields of `$field`.
macro_rules! order_input {
    ($(#[$meta:meta])* $input:ident, $field:ident { $($(#[$fmeta:meta])* $variant:ident),+ $(,)? }) => {
        /// What a list can be sorted by.
        #[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
        pub enum $field {
            $($(#[$fmeta])* $variant),+
        }

        $(#[$meta])*
        #[derive(InputObject, Copy, Clone, Debug)]
        pub struct $input {
            pub field: $field,
            #[graphql(default)]
            pub direction: OrderDirection,
        }
    };
}

order_input!(
    /// How to sort meetings; undated meetings come last either way.
    MeetingOrder, MeetingOrderField {
        /// By start date: its first possible day, then its last.
        Date,
    }
);

order_input!(
    /// How to sort people.
    PersonOrder, PersonOrderField {
        /// By name, case and diacritics folded.
        Name,
        /// By the number of held meetings taken part in (`meetingCount`).
        MeetingCount,
    }
);

order_input!(
    /// How to sort an office's holders; holders whose start nothing bounds
    /// come last either way.
    HolderOrder, HolderOrderField {
        /// By the earliest day the start may be (`dates.start.earliest`,
        /// else `dates.start.latest`), then the latest (unbounded last).
        Start,
    }
);

order_input!(
    /// How to sort attendances; those at undated meetings come last either way.
    AttendanceOrder, AttendanceOrderField {
        /// By the meeting's start date: its first possible day, then its last.
        MeetingDate,
    }
);

/// `items` sorted by `key` in `direction`; items whose key is `None` last
/// either way, ties by `id` (ascending either way).
pub fn sorted<T, K: Ord, I: Ord>(
    items: Vec<T>,
    direction: OrderDirection,
    key: impl Fn(&T) -> Option<K>,
    id: impl Fn(&T) -> I,
) -> Vec<T> {
    let mut keyed: Vec<(Option<K>, I, T)> =
        items.into_iter().map(|t| (key(&t), id(&t), t)).collect();
    keyed.sort_by(|(ka, ia, _), (kb, ib, _)| {
        let by_key = match (ka, kb) {
            (Some(a), Some(b)) => match direction {
                OrderDirection::Asc => a.cmp(b),
                OrderDirection::Desc => b.cmp(a),
            },
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        };
        by_key.then_with(|| ia.cmp(ib))
    });
    keyed.into_iter().map(|(_, _, t)| t).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(direction: OrderDirection) -> Vec<&'static str> {
        let items = vec![("d", None), ("c", Some(2)), ("a", Some(1)), ("b", Some(2))];
        sorted(items, direction, |t| t.1, |t| t.0)
            .into_iter()
            .map(|t| t.0)
            .collect()
    }

    #[test]
    fn a_sort_puts_missing_keys_last_and_breaks_ties_by_id_either_way() {
        assert_eq!(run(OrderDirection::Asc), ["a", "b", "c", "d"]);
        assert_eq!(run(OrderDirection::Desc), ["b", "c", "a", "d"]);
    }
}
