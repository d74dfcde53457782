//! The node-kind and relation-kind tables of `graph-schema/ontology.md`,
//! generated from `kinds.rs` (`tests/artifacts.rs` checks the committed copy).

use super::kinds::{NodeKind, RelKind};

/// The start and end markers of a generated block named `name` in a Markdown file.
pub fn markers(name: &str) -> (String, String) {
    (
        format!("<!-- generated from src/model/kinds.rs: {name} (ATTACHE_BLESS=1 cargo test --test artifacts) -->"),
        format!("<!-- end of generated {name} -->"),
    )
}

fn code_list<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let v: Vec<String> = items.map(|s| format!("`{s}`")).collect();
    if v.is_empty() {
        "none".to_owned()
    } else {
        v.join(", ")
    }
}

fn plain_list(kinds: &[NodeKind]) -> String {
    kinds
        .iter()
        .map(|k| k.prefix())
        .collect::<Vec<_>>()
        .join(", ")
}

/// One row per node kind: prefix, description, attributes.
pub fn node_kinds_table() -> String {
    let mut s = String::from("| kind (id prefix) | what it is | own attributes |\n|---|---|---|\n");
    for k in NodeKind::ALL {
        s += &format!(
            "| `{}` | {} | {} |\n",
            k.prefix(),
            k.description(),
            code_list(k.attrs().iter().copied())
        );
    }
    s
}

/// One row per relation kind: name, ends, properties, how it reads.
pub fn relation_kinds_table() -> String {
    let mut s =
        String::from("| kind | from | to | properties | reads as |\n|---|---|---|---|---|\n");
    for k in RelKind::ALL {
        s += &format!(
            "| `{}` | {} | {} | {} | {} |\n",
            k.name(),
            plain_list(k.from_kinds()),
            plain_list(k.to_kinds()),
            code_list(k.props().iter().map(|p| p.field())),
            k.description()
        );
    }
    s
}

/// `doc` with the block between `name`'s markers replaced by `table`; `None`
/// if the markers are missing.
pub fn replace_block(doc: &str, name: &str, table: &str) -> Option<String> {
    let (start, end) = markers(name);
    let a = doc.find(&start)? + start.len();
    let b = a + doc[a..].find(&end)?;
    Some(format!("{}\n{table}{}", &doc[..a], &doc[b..]))
}

/// `doc` (the text of `ontology.md`) with both generated tables brought up to date.
pub fn regenerate_ontology_md(doc: &str) -> Option<String> {
    let doc = replace_block(doc, "node kinds", &node_kinds_table())?;
    replace_block(&doc, "relation kinds", &relation_kinds_table())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_block_between_markers_is_replaced_and_the_rest_kept() {
        let (start, end) = markers("x");
        let doc = format!("before\n{start}\nold\n{end}\nafter\n");
        assert_eq!(
            replace_block(&doc, "x", "new\n").unwrap(),
            format!("before\n{start}\nnew\n{end}\nafter\n")
        );
        assert_eq!(replace_block("no markers", "x", "new\n"), None);
    }

    #[test]
    fn the_relation_table_names_every_kind_with_its_ends() {
        let t = relation_kinds_table();
        assert_eq!(t.lines().count(), 2 + RelKind::ALL.len());
        assert!(t.contains("| `part_of` | organization | organization, state | none |"));
    }
}
