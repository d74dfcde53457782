//! The JSON Schema of the import format (`graph-schema/import.schema.json`),
//! generated from the model: the kinds, their ends and properties come from
//! `model::kinds`, the record fields from `model::record`. The committed file
//! is this function's output; `tests/artifacts.rs` fails when it is stale.

use serde_json::{json, Map, Value};

use crate::model::ids::MAX_ID_LEN;
use crate::model::kinds::prop_target_kinds;
use crate::model::{
    AttendanceMode, AttendanceRole, MeetingStatus, MembershipStatus, NameKind, NodeKind, Prop,
    RelKind,
};

use super::FORMAT;

/// The characters of an id after its prefix (see `model::ids`).
const SLUG: &str = "[a-z0-9._/:-]+";
/// A BCP 47 language tag, loosely.
const LANG: &str = "^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$";
/// The fields every node may have, whatever its kind.
const NODE_FIELDS: [&str; 6] = ["id", "name", "aliases", "description", "notes", "citations"];
/// The fields every relation may have, whatever its kind.
const RELATION_FIELDS: [&str; 6] = ["id", "kind", "from", "to", "note", "citations"];

/// The schema as committed: pretty-printed, with a final newline.
pub fn json_schema_text() -> String {
    let mut s = serde_json::to_string_pretty(&json_schema()).expect("a JSON value prints");
    s.push('\n');
    s
}

/// The JSON Schema (draft 2020-12) of one import file.
pub fn json_schema() -> Value {
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://attache.invalid/graph-schema/import.schema.json",
        "title": format!("Attaché import file ({FORMAT})"),
        "description": "One import file: nodes, relations, conflicts and redirects in the serde JSON form of the Rust model (src/model). Cross-record rules (every referenced id exists, no duplicate ids across the import, start not after end, from != to, real calendar days) are checked by the importer, not by this schema.",
        "type": "object",
        "additionalProperties": false,
        "required": ["format"],
        "properties": {
            "format": { "const": FORMAT },
            "nodes": { "type": "array", "items": def("node") },
            "relations": { "type": "array", "items": def("relation") },
            "conflicts": { "type": "array", "items": def("conflict") },
            "redirects": { "type": "array", "items": def("redirect") }
        },
        "$defs": defs()
    })
}

fn def(name: &str) -> Value {
    json!({ "$ref": format!("#/$defs/{name}") })
}

/// An id whose prefix is one of `prefixes`.
fn id_pattern(prefixes: &[&str]) -> Value {
    let head = match prefixes {
        [one] => (*one).to_owned(),
        many => format!("({})", many.join("|")),
    };
    json!({
        "type": "string",
        "maxLength": MAX_ID_LEN,
        "pattern": format!("^{head}:{SLUG}$")
    })
}

fn kinds_pattern(kinds: &[NodeKind]) -> Value {
    id_pattern(&kinds.iter().map(|k| k.prefix()).collect::<Vec<_>>())
}

fn described(mut v: Value, description: &str) -> Value {
    v["description"] = description.into();
    v
}

fn names<T: Copy>(all: &[T], name: fn(T) -> &'static str) -> Value {
    all.iter().map(|&v| name(v)).collect()
}

/// `fooBar` for `foo_bar`: the `$defs` name of a property's id type.
fn camel(field: &str) -> String {
    let mut out = String::new();
    for (i, part) in field.split('_').enumerate() {
        let mut c = part.chars();
        if let (true, Some(first)) = (i > 0, c.next()) {
            out.push(first.to_ascii_uppercase());
            out.extend(c);
        } else {
            out.push_str(part);
        }
    }
    out
}

fn defs() -> Value {
    let mut d = Map::new();
    d.insert(
        "nodeId".into(),
        described(
            kinds_pattern(&NodeKind::ALL),
            "A node id: `<kind>:<slug>`; the prefix names the node kind.",
        ),
    );
    for k in NodeKind::ALL {
        d.insert(format!("{}Id", k.prefix()), kinds_pattern(&[k]));
    }
    d.insert(
        "relId".into(),
        described(id_pattern(&["rel"]), "A relation id: `rel:<slug>`."),
    );
    d.insert(
        "conflictId".into(),
        described(
            id_pattern(&["conflict"]),
            "A conflict id: `conflict:<slug>`.",
        ),
    );
    for p in Prop::ALL {
        if prop_target_kinds(p).len() > 1 {
            d.insert(
                format!("{}Id", camel(p.field())),
                kinds_pattern(prop_target_kinds(p)),
            );
        }
    }
    let Value::Object(records) = json!({
        "text": {
            "type": "string",
            "pattern": "\\S",
            "description": "Text that is not blank."
        },
        "date": {
            "type": "string",
            "pattern": "^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$",
            "description": "A partial date, as precise as the source: YYYY, YYYY-MM or YYYY-MM-DD; that the day exists in its month is checked by the importer."
        },
        "citation": {
            "type": "object",
            "additionalProperties": false,
            "required": ["source"],
            "properties": {
                "source": def("sourceId"),
                "locator": {
                    "type": "string",
                    "description": "Paragraph number or short locator, e.g. \"¶3\", \"bullet 2\"."
                }
            }
        },
        "citations": { "type": "array", "items": def("citation") },
        "alias": {
            "type": "object",
            "additionalProperties": false,
            "required": ["text"],
            "properties": {
                "text": def("text"),
                "lang": { "type": "string", "pattern": LANG, "description": "BCP 47 language tag." },
                "script": {
                    "type": "string",
                    "pattern": "^[A-Z][a-z]{3}$",
                    "description": "ISO 15924 script code."
                },
                "kind": {
                    "enum": names(&NameKind::ALL, NameKind::name),
                    "default": NameKind::default().name()
                },
                "citations": def("citations")
            }
        },
        "note": {
            "type": "object",
            "additionalProperties": false,
            "required": ["text"],
            "properties": { "text": def("text"), "citations": def("citations") }
        },
        "node": node(),
        "relation": relation(),
        "conflict": {
            "type": "object",
            "additionalProperties": false,
            "required": ["id", "claims"],
            "properties": {
                "id": def("conflictId"),
                "claims": {
                    "type": "array",
                    "items": def("relId"),
                    "minItems": 2,
                    "uniqueItems": true
                },
                "note": { "type": "string" }
            }
        },
        "redirect": {
            "type": "object",
            "additionalProperties": false,
            "required": ["from", "into"],
            "description": "What a merge left: `from` names no node any more and reads as `into`, a node of the same kind that is not merged itself. The importer checks the kinds and that `from` is no node.",
            "properties": {
                "from": def("nodeId"),
                "into": def("nodeId")
            }
        }
    }) else {
        unreachable!("an object literal")
    };
    d.extend(records);
    Value::Object(d)
}

/// A node: every field any kind may have, then one rule per kind naming the
/// fields that kind allows.
fn node() -> Value {
    let rules: Vec<Value> = NodeKind::ALL
        .iter()
        .map(|k| {
            let fields: Vec<&str> = NODE_FIELDS.iter().chain(k.attrs()).copied().collect();
            json!({
                "if": {
                    "properties": { "id": { "pattern": format!("^{}:", k.prefix()) } },
                    "required": ["id"]
                },
                "then": { "propertyNames": { "enum": fields } }
            })
        })
        .collect();
    json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["id", "name"],
        "properties": {
            "id": def("nodeId"),
            "name": def("text"),
            "aliases": { "type": "array", "items": def("alias") },
            "description": { "type": "string" },
            "kind": {
                "type": "string",
                "description": "Free category (\"city\", \"protocol\", \"news report\")."
            },
            "code": {
                "type": "string",
                "pattern": "^[A-Z]{2}$",
                "description": "ISO 3166-1 alpha-2 code."
            },
            "start": def("date"),
            "end": def("date"),
            "date": def("date"),
            "url": { "type": "string", "pattern": "^https?://" },
            "publisher": { "type": "string" },
            "language": { "type": "string", "pattern": LANG },
            "status": {
                "enum": names(&MeetingStatus::ALL, MeetingStatus::name),
                "description": "A meeting's status; none recorded means held. Only a held meeting counts in statistics."
            },
            "notes": { "type": "array", "items": def("note") },
            "citations": def("citations")
        },
        "allOf": rules
    })
}

/// The schema of a relation property's value.
fn prop_schema(p: Prop) -> Value {
    match p {
        Prop::Start | Prop::End | Prop::Date | Prop::StartBy | Prop::EndAfter | Prop::EndBefore => {
            def("date")
        }
        Prop::Seen => json!({ "type": "array", "items": def("date") }),
        Prop::Acting => json!({ "type": "boolean" }),
        Prop::Status => json!({ "enum": names(&MembershipStatus::ALL, MembershipStatus::name) }),
        Prop::Mode => json!({ "enum": names(&AttendanceMode::ALL, AttendanceMode::name) }),
        Prop::Role => json!({
            "type": "array",
            "items": role(),
            "uniqueItems": true,
            "description": "The parts played at the meeting, several at once (host and chair)."
        }),
        Prop::Head => described(
            def("officeId"),
            "The office that led a state's or an organization's delegation when no one is named.",
        ),
        Prop::Capacity | Prop::OnBehalfOf | Prop::Topic => match prop_target_kinds(p) {
            [one] => def(&format!("{}Id", one.prefix())),
            _ => def(&format!("{}Id", camel(p.field()))),
        },
        Prop::Ordinal => json!({
            "type": "integer",
            "description": "The meeting's number in its series; the first is 1.",
            "minimum": crate::model::FIRST_ORDINAL,
            "maximum": u32::MAX
        }),
        Prop::Summary => def("text"),
        Prop::HeadCount => json!({
            "type": "integer",
            "minimum": 1,
            "maximum": u32::MAX,
            "description": "How many people the delegation had."
        }),
    }
}

fn role() -> Value {
    json!({ "enum": names(&AttendanceRole::ALL, AttendanceRole::name) })
}

/// The schema of a property's older field ([`Prop::older_field`]): one value.
fn older_schema(p: Prop) -> Value {
    match p {
        Prop::Role => described(
            role(),
            "One role: the older form of `roles`, still read. Give `role` or `roles`, not both.",
        ),
        _ => prop_schema(p),
    }
}

/// A relation: every field any kind may have, then one rule per kind naming
/// its ends and the properties it allows.
fn relation() -> Value {
    let mut props = Map::new();
    props.insert("id".into(), def("relId"));
    props.insert(
        "kind".into(),
        json!({ "enum": names(&RelKind::ALL, RelKind::name) }),
    );
    props.insert("from".into(), def("nodeId"));
    props.insert("to".into(), def("nodeId"));
    for p in Prop::ALL {
        if let Some(older) = p.older_field() {
            props.insert(older.into(), older_schema(p));
        }
        props.insert(p.field().into(), prop_schema(p));
    }
    props.insert("note".into(), json!({ "type": "string" }));
    props.insert("citations".into(), def("citations"));
    let rules: Vec<Value> = RelKind::ALL
        .iter()
        .map(|k| {
            let fields: Vec<&str> = RELATION_FIELDS
                .iter()
                .copied()
                .chain(
                    k.props()
                        .iter()
                        .flat_map(|p| p.older_field().into_iter().chain([p.field()])),
                )
                .collect();
            let mut then = json!({
                "properties": {
                    "from": kinds_pattern(k.from_kinds()),
                    "to": kinds_pattern(k.to_kinds())
                },
                "propertyNames": { "enum": fields }
            });
            // A property and its older field, not both.
            let both: Vec<Value> = k
                .props()
                .iter()
                .filter_map(|p| {
                    p.older_field()
                        .map(|o| json!({ "required": [o, p.field()] }))
                })
                .collect();
            match both.len() {
                0 => {}
                1 => then["not"] = both[0].clone(),
                _ => then["not"] = json!({ "anyOf": both }),
            }
            json!({
                "if": { "properties": { "kind": { "const": k.name() } }, "required": ["kind"] },
                "then": then
            })
        })
        .collect();
    json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["id", "kind", "from", "to"],
        "properties": props,
        "allOf": rules
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_property_pointing_at_several_kinds_gets_its_own_id_type() {
        assert_eq!(camel("on_behalf_of"), "onBehalfOf");
        let d = defs();
        assert_eq!(
            d["onBehalfOfId"]["pattern"],
            format!("^(state|organization|person):{SLUG}$")
        );
    }

    #[test]
    fn every_relation_kind_has_a_rule() {
        let s = json_schema();
        assert_eq!(
            s["$defs"]["relation"]["allOf"].as_array().unwrap().len(),
            RelKind::ALL.len()
        );
    }
}
