//! Generated and committed artefacts stay true: the SDL matches the code, the
//! seed files match the JSON Schema and cite their facts, and the committed
//! fixture stores still open (so a change of on-disk format cannot go unnoticed)
//! and an older format is migrated.

use std::path::{Path, PathBuf};

use attache::import;
use attache::service::Service;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// With `ATTACHE_BLESS` set, the generated artefacts are rewritten instead of checked.
fn bless() -> bool {
    std::env::var_os("ATTACHE_BLESS").is_some()
}

/// Fails when the committed `path` differs from `generated`; rewrites it when blessing.
fn check_generated(path: &str, generated: &str) {
    let file = root().join(path);
    if bless() {
        std::fs::write(&file, generated).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&file).unwrap();
    assert!(
        committed == generated,
        "{path} is stale: run `ATTACHE_BLESS=1 cargo test --test artifacts` and commit the result"
    );
}

#[test]
fn the_committed_sdl_matches_the_code() {
    check_generated("graph-schema/schema.graphql", &attache::api::sdl());
}

#[test]
fn the_committed_json_schema_matches_the_model() {
    check_generated(
        "graph-schema/import.schema.json",
        &import::schema::json_schema_text(),
    );
}

#[test]
fn the_kind_tables_of_the_ontology_page_match_the_model() {
    let path = "graph-schema/ontology.md";
    let doc = std::fs::read_to_string(root().join(path)).unwrap();
    let generated = attache::model::tables::regenerate_ontology_md(&doc)
        .expect("ontology.md keeps the markers of its generated tables");
    check_generated(path, &generated);
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn validator() -> jsonschema::Validator {
    jsonschema::validator_for(&json(&root().join("graph-schema/import.schema.json"))).unwrap()
}

#[test]
fn every_seed_file_validates_against_the_json_schema() {
    assert!(validates_every_file_in("seed-data") >= 2);
}

#[test]
fn every_report_fixture_validates_against_the_json_schema() {
    assert!(validates_every_file_in("tests/fixtures/reports") >= 6);
}

#[test]
fn the_json_schema_takes_a_role_or_roles_but_not_both() {
    let doc =
        |rel: serde_json::Value| serde_json::json!({ "format": "attache/1", "relations": [rel] });
    let base = serde_json::json!({ "id": "rel:x", "kind": "attended", "from": "state:kz", "to": "meeting:m" });
    let with = |extra: serde_json::Value| {
        let mut r = base.clone();
        r.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        doc(r)
    };
    let v = validator();
    assert!(v.is_valid(&with(serde_json::json!({ "role": "observer" }))));
    assert!(v.is_valid(&with(
        serde_json::json!({ "roles": ["host", "chair"], "head": "office:pg", "head_count": 3 })
    )));
    assert!(!v.is_valid(&with(
        serde_json::json!({ "role": "host", "roles": ["chair"] })
    )));
    assert!(!v.is_valid(&with(serde_json::json!({ "head_count": 0 }))));
}

/// Validates every `.json` file of a directory; returns how many there were.
fn validates_every_file_in(dir: &str) -> usize {
    let v = validator();
    let mut n = 0;
    for entry in std::fs::read_dir(root().join(dir)).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let doc = json(&path);
            let errors: Vec<String> = v
                .iter_errors(&doc)
                .map(|e| format!("{} at {}", e, e.instance_path))
                .collect();
            assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
            n += 1;
        }
    }
    n
}

#[test]
fn the_kazakh_prosecutors_general_report_fixtures_validate_against_the_json_schema() {
    let v = validator();
    for name in [
        "kz-prosecutors-general.json",
        "kz-prosecutors-general-tenures.json",
    ] {
        let path = root().join("tests/fixtures/reports").join(name);
        let doc = json(&path);
        let errors: Vec<String> = v
            .iter_errors(&doc)
            .map(|e| format!("{} at {}", e, e.instance_path))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
    }
}

#[test]
fn the_fixture_import_file_validates_against_the_json_schema() {
    let doc = json(&root().join("tests/fixtures/store-v1.json"));
    let errors: Vec<String> = validator()
        .iter_errors(&doc)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn the_json_schema_rejects_a_property_of_another_relation_kind() {
    let doc = serde_json::json!({
        "format": "attache/1",
        "relations": [{ "id": "rel:x", "kind": "chaired", "from": "person:a", "to": "meeting:m", "ordinal": 3 }]
    });
    assert!(!validator().is_valid(&doc));
}

#[test]
fn the_json_schema_refuses_an_ordinal_of_zero_as_the_model_does() {
    let doc = |n: u32| {
        serde_json::json!({
            "format": "attache/1",
            "relations": [{ "id": "rel:x", "kind": "in_series", "from": "meeting:m", "to": "series:s", "ordinal": n }]
        })
    };
    assert!(!validator().is_valid(&doc(0)));
    assert!(validator().is_valid(&doc(attache::model::FIRST_ORDINAL)));
}

#[tokio::test]
async fn every_seed_fact_cites_a_source() {
    let dir = tempfile::tempdir().unwrap();
    let s = Service::open(dir.path()).unwrap();
    import::seed_if_new(&s).await.unwrap();
    let g = s.graph();
    for n in g.all_nodes() {
        if n.node_kind() != attache::model::NodeKind::Source {
            assert!(!n.citations.is_empty(), "{} has no citation", n.id);
        }
        for a in &n.aliases {
            assert!(
                !a.citations.is_empty(),
                "{} alias {} has no citation",
                n.id,
                a.text
            );
        }
    }
    for r in g.all_relations() {
        assert!(!r.citations.is_empty(), "{} has no citation", r.id);
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// Opens a copy of a committed fixture store and checks it holds what
/// `tests/fixtures/store-v1.json` says; returns the service.
async fn open_fixture(name: &str) -> (tempfile::TempDir, Service) {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&root().join("tests/fixtures").join(name), dir.path());
    let s = Service::open(dir.path()).unwrap();
    let exported = import::export(&s.graph());
    let source = std::fs::read_to_string(root().join("tests/fixtures/store-v1.json")).unwrap();
    let expected: import::ImportFile = serde_json::from_str(&source).unwrap();
    let got: import::ImportFile = serde_json::from_str(&exported).unwrap();
    assert_eq!(
        serde_json::to_value(&got.nodes).unwrap(),
        serde_json::to_value(sorted_nodes(expected.nodes)).unwrap()
    );
    assert_eq!(got.relations.len(), expected.relations.len());
    assert_eq!(got.conflicts.len(), 1);
    assert!(s.store().verify().unwrap().is_empty());
    (dir, s)
}

fn stored_format(s: &Service) -> u32 {
    let v = s.store().meta("format_version").unwrap().unwrap();
    u32::from_be_bytes(v.try_into().unwrap())
}

/// If this fails after a change to the store or the record encoding, bump
/// `store::FORMAT_VERSION`, add a migration, and commit a new fixture
/// (`attache --data tests/fixtures/store-vN import --no-seed --actor fixture
/// tests/fixtures/store-v1.json`).
#[tokio::test]
async fn the_committed_format_8_fixture_store_still_reads_the_same() {
    assert_eq!(
        attache::store::FORMAT_VERSION,
        8,
        "format changed: add a migration and a new fixture"
    );
    let (_d, s) = open_fixture("store-v8").await;
    assert_eq!(stored_format(&s), 8);
    // Its one import is change set 1 in the log, with its author.
    let g = s.graph();
    let set = s.change_set(&g, 1).unwrap().unwrap();
    assert_eq!((set.actor.as_str(), set.op.as_str()), ("fixture", "import"));
    assert_eq!(set.records as usize, s.change_entries(&g, 1).unwrap().len());
}

/// A format-7 store's values are JSON; they read the same once migrated
/// (`open_fixture` verifies the log against the records).
#[tokio::test]
async fn a_format_7_store_is_migrated_to_the_current_format_on_open() {
    migrates("store-v7").await;
}

/// A format-7 store's records stay JSON until they change; a record written
/// after the migration reads back beside them, and the store still opens.
#[tokio::test]
async fn a_migrated_format_7_store_takes_new_writes_beside_its_old_records() {
    let (dir, s) = open_fixture("store-v7").await;
    let g = s.graph();
    let conflict = g.conflicts().next().unwrap().id.clone();
    s.write(vec![attache::service::Change::DeleteConflict(conflict)])
        .await
        .unwrap();
    let before = import::export(&s.graph());
    s.close().await.unwrap();
    drop(s);
    let again = Service::open(dir.path()).unwrap();
    assert_eq!(import::export(&again.graph()), before);
    assert!(again.store().verify().unwrap().is_empty());
    let g = again.graph();
    assert_eq!(again.change_entries(&g, 2).unwrap().len(), 1);
}

/// A format-6 store indexed both ends of every relation entry; once
/// migrated it keeps only the ends its entries took away (`open_fixture`
/// verifies the index).
#[tokio::test]
async fn a_format_6_store_is_migrated_to_the_current_format_on_open() {
    migrates("store-v6").await;
}

/// A format-5 store's log holds every creation in full; it reads the same
/// after the migration (`open_fixture` verifies the log against the records).
#[tokio::test]
async fn a_format_5_store_is_migrated_to_the_current_format_on_open() {
    migrates("store-v5").await;
}

#[tokio::test]
async fn a_format_5_store_s_logged_creations_read_back_in_full_after_migration() {
    let (_d, s) = open_fixture("store-v5").await;
    let g = s.graph();
    let entries = s.change_entries(&g, 1).unwrap();
    assert!(!entries.is_empty());
    assert!(entries.iter().all(|e| e.after.is_some()));
}

#[tokio::test]
async fn a_format_4_store_is_migrated_to_the_current_format_on_open() {
    migrates("store-v4").await;
}

/// A store from before the change log keeps its records; its log begins with
/// the first write after the upgrade, numbered 1.
#[tokio::test]
async fn a_migrated_store_begins_its_log_at_its_first_write() {
    let (_d, s) = open_fixture("store-v4").await;
    assert_eq!(s.graph().log_seq(), 0);
    let g = s.graph();
    let any = g.all_nodes().next().unwrap().id.clone();
    let v = s.as_of(&g, any.as_str(), 0).unwrap();
    assert!(v.is_some(), "a record from before the log is as it is now");
    let c = s
        .write(vec![attache::service::Change::DeleteConflict(
            g.conflicts().next().unwrap().id.clone(),
        )])
        .await
        .unwrap();
    assert_eq!(c.change_set, Some(1));
}

/// Opens a copy of an older fixture store: it reads the same (`open_fixture`,
/// whose `verify` also finds no tree of an older format), is now at the
/// current format, and stays there when opened again.
async fn migrates(name: &str) {
    let (dir, s) = open_fixture(name).await;
    assert_eq!(stored_format(&s), attache::store::FORMAT_VERSION);
    s.close().await.unwrap();
    drop(s);
    let again = Service::open(dir.path()).unwrap();
    assert_eq!(stored_format(&again), attache::store::FORMAT_VERSION);
    assert!(again.store().verify().unwrap().is_empty());
}

#[tokio::test]
async fn a_format_1_store_is_migrated_to_the_current_format_on_open() {
    migrates("store-v1").await;
}

#[tokio::test]
async fn a_format_2_store_is_migrated_to_the_current_format_on_open() {
    migrates("store-v2").await;
}

#[tokio::test]
async fn a_format_3_store_is_migrated_to_the_current_format_on_open() {
    migrates("store-v3").await;
}

/// Format 3 stored an attendance's one `role`; format 4 stores `roles`. The
/// migration rewrites the record, and what it says is unchanged.
#[tokio::test]
async fn a_format_3_single_role_is_stored_as_a_list_of_roles_after_migration() {
    let v1: import::ImportFile = serde_json::from_str(
        &std::fs::read_to_string(root().join("tests/fixtures/store-v1.json")).unwrap(),
    )
    .unwrap();
    let with_role = v1
        .relations
        .iter()
        .find(|r| !r.roles.is_empty())
        .expect("the fixture has an attendance with a role");
    let (dir, s) = open_fixture("store-v3").await;
    let migrated = s.graph().relation(with_role.id.as_str()).unwrap().clone();
    assert_eq!(migrated.roles, with_role.roles);
    s.close().await.unwrap();
    drop(s);
    let db = attache::store::sled_config(dir.path()).open().unwrap();
    let raw = db
        .open_tree("relations")
        .unwrap()
        .get(with_role.id.as_str())
        .unwrap()
        .unwrap();
    // Rewritten by this build: record version 2, MessagePack with field names.
    assert_eq!(raw[0], 2);
    let json: serde_json::Value = rmp_serde::from_slice(&raw[1..]).unwrap();
    assert!(json.get("role").is_none(), "{json}");
    assert_eq!(
        json["roles"],
        serde_json::to_value(&with_role.roles).unwrap()
    );
}

fn sorted_nodes(mut v: Vec<attache::model::Node>) -> Vec<attache::model::Node> {
    v.sort_by(|a, b| (a.node_kind(), &a.id).cmp(&(b.node_kind(), &b.id)));
    v
}

/// The kinds named in a JSON Schema id pattern such as `^(person|state):…$`
/// or `^person:…$`.
fn pattern_kinds(schema: &serde_json::Value) -> Vec<String> {
    let pattern = schema["pattern"].as_str().expect("an id pattern");
    let head = pattern
        .trim_start_matches('^')
        .split(':')
        .next()
        .unwrap()
        .trim_start_matches('(')
        .trim_end_matches(')');
    let mut kinds: Vec<String> = head.split('|').map(str::to_owned).collect();
    kinds.sort();
    kinds
}

fn names(kinds: &[attache::model::NodeKind]) -> Vec<String> {
    let mut v: Vec<String> = kinds.iter().map(|k| k.prefix().to_owned()).collect();
    v.sort();
    v
}

#[test]
fn the_json_schema_knows_every_kind_the_model_has_with_its_ends_and_properties() {
    use attache::model::{NodeKind, RelKind};
    let schema = json(&root().join("graph-schema/import.schema.json"));
    let defs = &schema["$defs"];
    let stale = "graph-schema/import.schema.json disagrees with src/model/kinds.rs";
    assert_eq!(
        pattern_kinds(&defs["nodeId"]),
        names(&NodeKind::ALL),
        "{stale}"
    );
    let relation = &defs["relation"];
    let listed: Vec<&str> = relation["properties"]["kind"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let model: Vec<&str> = RelKind::ALL.iter().map(|k| k.name()).collect();
    assert_eq!(listed, model, "{stale}: relation kinds");
    for kind in RelKind::ALL {
        let rule = relation["allOf"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["if"]["properties"]["kind"]["const"] == kind.name())
            .unwrap_or_else(|| panic!("{stale}: no rule for `{}`", kind.name()));
        let then = &rule["then"];
        assert_eq!(
            pattern_kinds(&then["properties"]["from"]),
            names(kind.from_kinds()),
            "{stale}: the `from` end of `{}`",
            kind.name()
        );
        assert_eq!(
            pattern_kinds(&then["properties"]["to"]),
            names(kind.to_kinds()),
            "{stale}: the `to` end of `{}`",
            kind.name()
        );
        let mut fields: Vec<&str> = then["propertyNames"]["enum"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        fields.sort();
        let mut want: Vec<&str> = ["id", "kind", "from", "to", "note", "citations"]
            .into_iter()
            .chain(kind.props().iter().map(|p| p.field()))
            .chain(kind.props().iter().filter_map(|p| p.older_field()))
            .collect();
        want.sort();
        assert_eq!(fields, want, "{stale}: the properties of `{}`", kind.name());
    }
}

#[test]
fn the_committed_json_ld_context_matches_the_code() {
    check_generated(
        "graph-schema/context.jsonld",
        &attache::formats::jsonld::context_text(),
    );
}
