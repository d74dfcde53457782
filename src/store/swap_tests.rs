//! Format 5 to 6 (`swap.rs`): an uncompressed store is copied into a
//! compressed one that takes its place, and a migration cut short at any
//! step leaves a store the next open can use, with every record.

use std::path::{Path, PathBuf};

use super::*;

fn fixture_v5() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/store-v5")
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

/// A copy of the committed format-5 store.
fn v5_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture_v5(), dir.path());
    dir
}

/// Everything a store holds, in a comparable form: its records and its log.
fn everything(s: &Store) -> (usize, usize, usize, Vec<Vec<u8>>, Vec<Vec<u8>>) {
    let c = s.load().unwrap();
    let raw = |t: &sled::Tree| t.iter().map(|kv| kv.unwrap().1.to_vec()).collect();
    (
        c.nodes.len(),
        c.relations.len(),
        c.conflicts.len(),
        raw(&s.log),
        raw(&s.changesets),
    )
}

/// What opening the format-5 fixture gives when nothing goes wrong.
fn migrated_v5() -> (usize, usize, usize, Vec<Vec<u8>>, Vec<Vec<u8>>) {
    let dir = v5_copy();
    let s = Store::open(dir.path()).unwrap();
    everything(&s)
}

/// Opens `dir` and checks it is a compressed format-6 store holding what the
/// format-5 fixture holds, with nothing of the migration left over.
fn opens_as_migrated(dir: &Path) {
    let s = Store::open(dir).unwrap();
    assert_eq!(
        s.meta("format_version").unwrap().unwrap(),
        FORMAT_VERSION.to_be_bytes()
    );
    assert!(!swap::is_uncompressed(dir).unwrap());
    assert_eq!(everything(&s), migrated_v5());
    assert!(s.verify().unwrap().is_empty());
    for leftover in ["MIGRATING", "MIGRATED"] {
        assert!(!dir.join(leftover).exists(), "{leftover} is still there");
    }
}

#[test]
fn a_new_store_is_compressed() {
    let dir = tempfile::tempdir().unwrap();
    Store::open(dir.path()).unwrap();
    let conf = std::fs::read(dir.path().join("conf")).unwrap();
    let conf = String::from_utf8_lossy(&conf);
    assert!(conf.contains("use_compression: true"), "{conf}");
}

#[test]
fn a_format_5_store_is_copied_into_a_compressed_store_with_its_records_and_log() {
    let dir = v5_copy();
    assert!(swap::is_uncompressed(dir.path()).unwrap());
    let s = Store::open(dir.path()).unwrap();
    let c = s.load().unwrap();
    assert!(!c.nodes.is_empty() && !c.relations.is_empty());
    assert_eq!(
        s.last_seq().unwrap(),
        1,
        "the fixture's one import is in the log"
    );
    drop(s);
    opens_as_migrated(dir.path());
}

#[test]
fn a_copy_cut_short_is_discarded_and_the_old_store_migrates_again() {
    // A crash while the copy was being written: the old store is untouched.
    let dir = v5_copy();
    let partial = Store::sled_config(&dir.path().join("MIGRATING"), true)
        .open()
        .unwrap();
    partial
        .open_tree("nodes")
        .unwrap()
        .insert("x", "y")
        .unwrap();
    partial.flush().unwrap();
    drop(partial);
    let old_db = std::fs::read(dir.path().join("db")).unwrap();
    assert_eq!(old_db, std::fs::read(fixture_v5().join("db")).unwrap());
    opens_as_migrated(dir.path());
}

/// A compressed copy of the format-5 fixture, as step 1 leaves it, in
/// `dir/MIGRATED` (the commit point passed).
fn committed_copy(dir: &Path) {
    let done = v5_copy();
    drop(Store::open(done.path()).unwrap());
    // Let sled's threads let go of the files before they are copied.
    std::thread::sleep(std::time::Duration::from_millis(300));
    copy_dir(done.path(), &dir.join("MIGRATED"));
}

#[test]
fn a_migration_cut_short_after_its_commit_point_is_finished_by_the_next_open() {
    let dir = v5_copy();
    committed_copy(dir.path());
    opens_as_migrated(dir.path());
}

#[test]
fn a_migration_cut_short_while_moving_the_copy_in_is_finished_by_the_next_open() {
    // The old files are gone and `conf` has moved; `db` has not.
    let dir = v5_copy();
    committed_copy(dir.path());
    for name in ["conf", "db"] {
        std::fs::remove_file(dir.path().join(name)).unwrap();
    }
    let migrated = dir.path().join("MIGRATED");
    std::fs::write(migrated.join("OLD_REMOVED"), b"").unwrap();
    std::fs::rename(migrated.join("conf"), dir.path().join("conf")).unwrap();
    opens_as_migrated(dir.path());
}
