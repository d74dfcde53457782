//! Open formats through the `attache` binary (issue 15): each format's
//! export → import → export of the seed data and of a generated graph gives
//! the same records where the format carries them, and bad input is
//! refused with its file, line and column.

#[path = "../benches/synth/mod.rs"]
mod synth;

mod common;

use std::path::{Path, PathBuf};

use common::{attache, text};
use serde_json::{json, Value};

/// A store holding the seed data, or (`generated`) a small synthetic graph.
fn store(dir: &Path, name: &str, generated: bool) -> PathBuf {
    let data = dir.join(name);
    let input = if generated {
        let file = dir.join(format!("{name}-synth.json"));
        std::fs::write(&file, synth::World::generate(0.02).import_document()).unwrap();
        file
    } else {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("seed-data")
    };
    let out = attache(&data, &["import", "--no-seed", input.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    data
}

fn export(data: &Path, format: &str, out: &Path) {
    let o = attache(
        data,
        &["export", "--format", format, "--out", out.to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
}

fn import(data: &Path, format: &str, files: &[&Path]) -> std::process::Output {
    let mut args = vec!["import", "--no-seed", "--format", format];
    args.extend(files.iter().map(|f| f.to_str().unwrap()));
    attache(data, &args)
}

/// The attache/1 export's nodes and relations (conflicts left out).
fn records(data: &Path) -> (Value, Value) {
    let o = attache(data, &["export"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    (v["nodes"].clone(), v["relations"].clone())
}

/// Export in a lossless `format` → import into a new store → export again:
/// the same file, and the same nodes and relations as the original store.
fn xml_round_trip(format: &str, generated: bool) {
    let dir = tempfile::tempdir().unwrap();
    let a = store(dir.path(), "a", generated);
    let first = dir.path().join(format!("first.{format}"));
    export(&a, format, &first);
    let b = dir.path().join("b");
    let o = import(&b, format, &[&first]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let second = dir.path().join(format!("second.{format}"));
    export(&b, format, &second);
    assert_eq!(
        std::fs::read_to_string(&first).unwrap(),
        std::fs::read_to_string(&second).unwrap()
    );
    assert_eq!(records(&a), records(&b));
}

/// The `(id, name)` of every node of these kinds in the attache/1 export.
fn named(data: &Path, kinds: &[&str]) -> Vec<(String, String)> {
    let (nodes, _) = records(data);
    let mut out: Vec<(String, String)> = nodes
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| {
            kinds
                .iter()
                .any(|k| n["id"].as_str().unwrap().starts_with(k))
        })
        .map(|n| {
            (
                n["id"].as_str().unwrap().to_owned(),
                n["name"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    out.sort();
    out
}

/// Export in a lossy `format` → import into a new store → export again:
/// the same file (what the format carries survives), and every node of the
/// kinds it carries by id is there with its name.
fn lossy_round_trip(format: &str, generated: bool, kinds: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let a = store(dir.path(), "a", generated);
    let first = dir.path().join(format!("first.{format}"));
    export(&a, format, &first);
    let b = dir.path().join("b");
    let o = import(&b, format, &[&first]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let second = dir.path().join(format!("second.{format}"));
    export(&b, format, &second);
    let (x, y) = (
        std::fs::read_to_string(&first).unwrap(),
        std::fs::read_to_string(&second).unwrap(),
    );
    for (l, (p, q)) in x.lines().zip(y.lines()).enumerate() {
        assert_eq!(p, q, "line {}", l + 1);
    }
    assert_eq!(x.lines().count(), y.lines().count());
    let kept = named(&a, kinds);
    assert!(kept.len() > 10, "{kept:?}");
    assert_eq!(kept, named(&b, kinds));
}

const FTM_KINDS: &[&str] = &[
    "person:",
    "state:",
    "organization:",
    "office:",
    "meeting:",
    "document:",
];
const POPOLO_KINDS: &[&str] = &["person:", "state:", "organization:", "office:", "meeting:"];

#[test]
fn attache_round_trips_a_generated_graph() {
    xml_round_trip("attache", true);
}

#[test]
fn ftm_round_trips_the_seed_data() {
    lossy_round_trip("ftm", false, FTM_KINDS);
}

#[test]
fn ftm_round_trips_a_generated_graph() {
    lossy_round_trip("ftm", true, FTM_KINDS);
}

#[test]
fn popolo_round_trips_the_seed_data() {
    lossy_round_trip("popolo", false, POPOLO_KINDS);
}

#[test]
fn popolo_round_trips_a_generated_graph() {
    lossy_round_trip("popolo", true, POPOLO_KINDS);
}

#[test]
fn graphml_round_trips_the_seed_data() {
    xml_round_trip("graphml", false);
}

#[test]
fn graphml_round_trips_a_generated_graph() {
    xml_round_trip("graphml", true);
}

#[test]
fn gexf_round_trips_the_seed_data() {
    xml_round_trip("gexf", false);
}

#[test]
fn gexf_round_trips_a_generated_graph() {
    xml_round_trip("gexf", true);
}

#[test]
fn gexf_edges_to_a_meeting_span_its_dates_at_their_precision() {
    let dir = tempfile::tempdir().unwrap();
    let doc = json!({"format": "attache/1",
        "nodes": [
            {"id": "source:s", "name": "S"},
            {"id": "person:a", "name": "A", "citations": [{"source": "source:s"}]},
            {"id": "meeting:m", "name": "M", "start": "2019-05", "citations": [{"source": "source:s"}]}
        ],
        "relations": [{"id": "rel:a-m", "kind": "attended", "from": "person:a", "to": "meeting:m",
                       "citations": [{"source": "source:s"}]}]});
    let file = dir.path().join("in.json");
    std::fs::write(&file, doc.to_string()).unwrap();
    let data = dir.path().join("d");
    assert!(import(&data, "attache", &[&file]).status.success());
    let out = dir.path().join("g.gexf");
    export(&data, "gexf", &out);
    let gexf = std::fs::read_to_string(out).unwrap();
    assert!(gexf.contains(r#"mode="dynamic""#), "{gexf}");
    let edge = gexf.lines().find(|l| l.contains("<edge ")).unwrap();
    assert!(
        edge.contains(r#"start="2019-05-01" end="2019-05-31""#),
        "{edge}"
    );
}

#[test]
fn a_graphml_node_with_a_bad_date_is_refused_with_file_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.graphml");
    std::fs::write(
        &file,
        r#"<?xml version="1.0" encoding="UTF-8"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
  <key id="d0" for="node" attr.name="name" attr.type="string"/>
  <key id="d1" for="node" attr.name="start" attr.type="string"/>
  <graph edgedefault="directed">
    <node id="source:s"><data key="d0">S</data></node>
    <node id="meeting:m">
      <data key="d0">M</data><data key="d1">2019-13</data>
    </node>
  </graph>
</graphml>
"#,
    )
    .unwrap();
    let o = import(&dir.path().join("d"), "graphml", &[&file]);
    assert!(!o.status.success());
    let err = text(&o.stderr);
    assert!(
        err.contains("bad.graphml:7: meeting:m field `start`"),
        "{err}"
    );
}

#[test]
fn a_popolo_file_with_a_bad_date_is_refused_with_file_line_element_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("people.json");
    std::fs::write(
        &file,
        r#"{"persons": [
  {"id": "p1", "name": "Jane Doe"}
],
"posts": [{"id": "pg", "label": "Prosecutor General"}],
"memberships": [
  {"id": "m1", "person_id": "p1", "post_id": "pg", "start_date": "2020-13"}
]}
"#,
    )
    .unwrap();
    let data = dir.path().join("d");
    let o = import(&data, "popolo", &[&file]);
    assert!(!o.status.success());
    let err = text(&o.stderr);
    assert!(
        err.contains("people.json:6: m1 field `start_date`"),
        "{err}"
    );
    assert!(err.contains("nothing was imported"), "{err}");
}

#[test]
fn export_as_csv_without_a_directory_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let a = store(dir.path(), "a", false);
    let o = attache(&a, &["export", "--format", "csv"]);
    assert!(!o.status.success());
    assert!(text(&o.stderr).contains("--out DIR"), "{}", text(&o.stderr));
}

/// Reads a CSV file's rows as header → value maps.
fn rows(path: &Path) -> Vec<Vec<(String, String)>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let head = r.headers().unwrap().clone();
    r.records()
        .map(|row| {
            let row = row.unwrap();
            head.iter()
                .zip(row.iter())
                .map(|(h, v)| (h.to_owned(), v.to_owned()))
                .collect()
        })
        .collect()
}

const ATTENDANCE_MAPPING: &str = r#"{"id": "id", "person": "from", "meeting": "to",
    "role": "roles", "mode": "mode", "source": "sources"}"#;

/// Export as CSV; import the attendance file with a column mapping into a
/// store holding everything but the attendances; export again: every file
/// is the same, and the attendances agree on what the import carries.
fn csv_round_trip(generated: bool) {
    let dir = tempfile::tempdir().unwrap();
    let a = store(dir.path(), "a", generated);
    let first = dir.path().join("first");
    export(&a, "csv", &first);
    // Store b: a's records without the attendances (nor the conflicts,
    // which may name them).
    let o = attache(&a, &["export"]);
    let mut all: Value = serde_json::from_slice(&o.stdout).unwrap();
    all["relations"]
        .as_array_mut()
        .unwrap()
        .retain(|r| r["kind"] != "attended");
    all["conflicts"] = json!([]);
    let rest = dir.path().join("rest.json");
    std::fs::write(&rest, all.to_string()).unwrap();
    let b = dir.path().join("b");
    assert!(import(&b, "attache", &[&rest]).status.success());
    let mapping = dir.path().join("attendance.json");
    std::fs::write(&mapping, ATTENDANCE_MAPPING).unwrap();
    let sheet = first.join("relations-attended.csv");
    let o = attache(
        &b,
        &[
            "import",
            "--format",
            "csv",
            "--mapping",
            mapping.to_str().unwrap(),
            sheet.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let second = dir.path().join("second");
    export(&b, "csv", &second);
    let mut names: Vec<_> = std::fs::read_dir(&first)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    assert!(names.len() > 4, "{names:?}");
    for name in names {
        let (x, y) = (first.join(&name), second.join(&name));
        if name == "relations-attended.csv" {
            let carried = ["id", "from", "to", "mode", "roles", "sources"];
            let keep = |rows: Vec<Vec<(String, String)>>| -> Vec<Vec<(String, String)>> {
                rows.into_iter()
                    .map(|r| {
                        r.into_iter()
                            .filter(|(h, _)| carried.contains(&h.as_str()))
                            .collect()
                    })
                    .collect()
            };
            assert_eq!(keep(rows(&x)), keep(rows(&y)));
        } else {
            assert_eq!(
                std::fs::read_to_string(&x).unwrap(),
                std::fs::read_to_string(&y).unwrap(),
                "{name:?}"
            );
        }
    }
}

#[test]
fn csv_attendances_round_trip_through_the_seed_data() {
    csv_round_trip(false);
}

#[test]
fn csv_attendances_round_trip_through_a_generated_graph() {
    csv_round_trip(true);
}

#[test]
fn a_spreadsheet_of_attendees_by_name_makes_people_meetings_and_sources() {
    let dir = tempfile::tempdir().unwrap();
    let sheet = dir.path().join("attendees.csv");
    std::fs::write(
        &sheet,
        "Who,Event,Part,When,Where it says so\n\
         Jane Doe,Vienna talks,host,2021-03,https://example.org/report\n\
         John Roe,Vienna talks,\"guest; speaker\",2021-03,https://example.org/report\n",
    )
    .unwrap();
    let mapping = dir.path().join("map.json");
    std::fs::write(
        &mapping,
        r#"{"person": "Who", "meeting": "Event", "role": "Part", "date": "When", "source": "Where it says so"}"#,
    )
    .unwrap();
    let data = dir.path().join("d");
    let o = attache(
        &data,
        &[
            "import",
            "--no-seed",
            "--format",
            "csv",
            "--mapping",
            mapping.to_str().unwrap(),
            sheet.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let (nodes, rels) = records(&data);
    let ids: Vec<&str> = nodes
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap())
        .collect();
    assert!(
        ids.contains(&"person:jane-doe") && ids.contains(&"meeting:vienna-talks"),
        "{ids:?}"
    );
    let meeting = nodes
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"] == "meeting:vienna-talks")
        .unwrap();
    assert_eq!(meeting["start"], "2021-03");
    let roe = rels
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["from"] == "person:john-roe")
        .unwrap();
    assert_eq!(roe["roles"], json!(["guest", "speaker"]));
}

#[test]
fn a_bad_cell_in_an_attendee_spreadsheet_is_refused_with_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let sheet = dir.path().join("attendees.csv");
    std::fs::write(
        &sheet,
        "Person,Meeting,Date,Source\n\
         Jane Doe,Vienna talks,2021-03,https://example.org/a\n\
         John Roe,Graz talks,2021-14,https://example.org/a\n",
    )
    .unwrap();
    let mapping = dir.path().join("map.json");
    std::fs::write(
        &mapping,
        r#"{"person": "Person", "meeting": "Meeting", "date": "Date", "source": "Source"}"#,
    )
    .unwrap();
    let o = attache(
        &dir.path().join("d"),
        &[
            "import",
            "--no-seed",
            "--format",
            "csv",
            "--mapping",
            mapping.to_str().unwrap(),
            sheet.to_str().unwrap(),
        ],
    );
    assert!(!o.status.success());
    let err = text(&o.stderr);
    assert!(err.contains("attendees.csv:3: field `Date`"), "{err}");
    assert!(err.contains("nothing was imported"), "{err}");
}

#[test]
fn a_mapping_naming_a_column_the_sheet_lacks_is_refused_at_the_header() {
    let dir = tempfile::tempdir().unwrap();
    let sheet = dir.path().join("attendees.csv");
    std::fs::write(&sheet, "Person,Meeting\nJane Doe,Vienna talks\n").unwrap();
    let mapping = dir.path().join("map.json");
    std::fs::write(
        &mapping,
        r#"{"person": "Person", "meeting": "Meeting", "source": "Source"}"#,
    )
    .unwrap();
    let o = attache(
        &dir.path().join("d"),
        &[
            "import",
            "--no-seed",
            "--format",
            "csv",
            "--mapping",
            mapping.to_str().unwrap(),
            sheet.to_str().unwrap(),
        ],
    );
    assert!(!o.status.success());
    let err = text(&o.stderr);
    assert!(err.contains("attendees.csv:1: field `Source`"), "{err}");
}
