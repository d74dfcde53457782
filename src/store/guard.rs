//! What [`Store::open`](super::Store::open) does around sled's own open so
//! that opening a store can never leave it unopenable.
//!
//! Each time sled 0.34 opens a store whose log has moved on since its last
//! snapshot, it writes a new snapshot of its page table to
//! `snap.<lsn>.generating` and renames it to `snap.<lsn>`. Its reader lists
//! every file whose name starts with `snap.` (it skips only `.in___motion`)
//! and reads the greatest name. So when the write fails part-way — a full disk
//! leaves a 0-byte file, a crash a short one — the `.generating` file is taken
//! for the newest snapshot, and every later open fails with "Read corrupted
//! data at file offset None" (spacejam/sled#1527 and #1533, open; sled
//! will not fix it in 0.34).
//!
//! Such a file is never needed: sled deletes older snapshots only after the
//! rename, so the snapshot it would have replaced is still there, and the log
//! holds everything since (sled rebuilds the snapshot from it on the next
//! open). We therefore remove every `.generating` file before sled opens, with
//! a warning, and again after an open that failed, so that a failed open
//! leaves the store as it found it. Both happen only while we hold the lock
//! sled takes on the `db` file, so an open in progress in another process is
//! never disturbed.

use std::io::ErrorKind;
use std::path::Path;

use super::{StoreError, LOCK_GRACE};

/// sled's open, guarded: an incomplete snapshot left by an earlier open is
/// removed first, and one this open leaves is removed after it.
pub(super) fn open_sled(dir: &Path, cache: u64) -> Result<sled::Db, StoreError> {
    let locked = || StoreError::Locked {
        path: dir.to_owned(),
    };
    if let Cleanup::Locked = remove_incomplete_snapshots(dir)? {
        return Err(locked());
    }
    let e = match sled_config(dir).cache_capacity(cache).open() {
        Ok(db) => return Ok(db),
        Err(e) => e,
    };
    if let sled::Error::Io(ref io) = e {
        if io.kind() == ErrorKind::WouldBlock || io.to_string().contains("lock") {
            return Err(locked());
        }
    }
    // sled may let go of its lock a moment after the failed open; a leftover
    // still locked after that is cleared by the next open.
    let start = std::time::Instant::now();
    loop {
        match remove_incomplete_snapshots(dir) {
            Ok(Cleanup::Locked) if start.elapsed() < LOCK_GRACE => {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            Ok(_) => break,
            Err(clean) => {
                tracing::warn!(error = %clean, "cannot clear up after a failed open");
                break;
            }
        }
    }
    Err(if is_disk_full(&e) {
        StoreError::DiskFull {
            path: dir.to_owned(),
        }
    } else {
        StoreError::Open {
            path: dir.to_owned(),
            source: e,
        }
    })
}

/// sled's configuration for the store in `dir`, for everything that opens
/// it (the store itself, and the benches and tests that look inside).
pub fn sled_config(dir: &Path) -> sled::Config {
    sled::Config::new().path(dir)
}

/// What the cleanup found.
enum Cleanup {
    /// Done, or nothing to do.
    Done,
    /// Another open handle holds the store's lock; nothing was touched.
    Locked,
}

/// Removes every incomplete sled snapshot in `dir`, if no one holds the
/// store's lock.
fn remove_incomplete_snapshots(dir: &Path) -> Result<Cleanup, StoreError> {
    let db = dir.join("db");
    // A store sled has never opened has no snapshot yet.
    let Ok(file) = std::fs::File::open(&db) else {
        return Ok(Cleanup::Done);
    };
    // The same advisory lock (flock) sled takes, held while we look.
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => return Ok(Cleanup::Locked),
        Err(std::fs::TryLockError::Error(e)) => return Err(io_error(&db, e)),
    }
    let entries = std::fs::read_dir(dir).map_err(|e| io_error(dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| io_error(dir, e))?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if !(name.starts_with("snap.") && name.ends_with(".generating")) {
            continue;
        }
        let path = entry.path();
        let bytes = entry.metadata().map(|m| m.len()).unwrap_or(0);
        std::fs::remove_file(&path).map_err(|e| io_error(&path, e))?;
        tracing::warn!(
            file = %path.display(),
            bytes,
            "removed an incomplete sled snapshot left by an interrupted open \
             (a full disk or a crash); sled rebuilds it from its log"
        );
    }
    Ok(Cleanup::Done)
}

fn io_error(path: &Path, source: std::io::Error) -> StoreError {
    StoreError::Io {
        path: path.to_owned(),
        source,
    }
}

/// Whether a sled error means the disk (or the quota) is full.
pub(super) fn is_disk_full(e: &sled::Error) -> bool {
    matches!(e, sled::Error::Io(io)
        if matches!(io.kind(), ErrorKind::StorageFull | ErrorKind::QuotaExceeded))
}
