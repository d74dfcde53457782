//! Format 5 to 6: sled's zstd compression, by copying the store into a new
//! one and putting the copy in its place.
//!
//! sled fixes compression when it creates a store (its `conf` file says
//! `use_compression`) and refuses to open it with the other setting, so an
//! older store cannot be converted where it lies. Opening one instead:
//! 1. copies every tree into a new compressed store in `dir/MIGRATING`, at
//!    format 6, flushes it and waits until sled has let go of its files;
//! 2. renames `MIGRATING` to `MIGRATED`: the commit point;
//! 3. removes the old store's files (`conf`, `db`, `snap.*`, `blobs`) and
//!    then writes `MIGRATED/OLD_REMOVED`;
//! 4. moves each file of `MIGRATED` into `dir` and removes `MIGRATED`.
//!
//! Each step is durable (files and directories synced) before the next, so a
//! crash anywhere leaves a store that the next open can use: before the
//! commit point the old store is untouched and `MIGRATING` is discarded
//! ([`finish`]); after it, [`finish`] resumes at step 3 or 4 (a rename
//! replaces a file already moved, and removing the old files again before
//! any was moved removes only old files).

use std::fs;
use std::path::Path;

use super::{guard, Store, StoreError, LOCK_GRACE};

/// The last format sled wrote without compression.
pub(super) const LAST_UNCOMPRESSED: u32 = 5;

/// Where the compressed copy is written (step 1).
const MIGRATING: &str = "MIGRATING";
/// The complete compressed copy, waiting to take the old store's place.
const MIGRATED: &str = "MIGRATED";
/// In [`MIGRATED`]: the old store's files are gone (step 3 done).
const OLD_REMOVED: &str = "OLD_REMOVED";
/// Records copied per sled batch.
const COPY_BATCH: usize = 8192;

/// Whether `dir` holds a store sled created without compression: every
/// store of format 5 or older. A directory without a store is not one.
pub(super) fn is_uncompressed(dir: &Path) -> Result<bool, StoreError> {
    let conf = dir.join("conf");
    // Text lines, then a checksum.
    match fs::read(&conf) {
        Ok(bytes) => Ok(String::from_utf8_lossy(&bytes)
            .lines()
            .any(|l| l.replace(' ', "") == "use_compression:false")),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(guard::io_error(&conf, e)),
    }
}

/// Finishes or discards a migration an earlier open left unfinished.
/// [`StoreError::Locked`] while another open holds the directory.
pub(super) fn finish(dir: &Path) -> Result<(), StoreError> {
    let _lock = lock_dir(dir)?;
    finish_locked(dir)
}

/// Takes an advisory lock on `dir` itself, held while a migration runs or
/// is finished, so that two opens never move the same files. A directory
/// that does not exist yet holds no store to migrate.
fn lock_dir(dir: &Path) -> Result<Option<fs::File>, StoreError> {
    let file = match fs::File::open(dir) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(guard::io_error(dir, e)),
    };
    match file.try_lock() {
        Ok(()) => Ok(Some(file)),
        Err(fs::TryLockError::WouldBlock) => Err(StoreError::Locked {
            path: dir.to_owned(),
        }),
        Err(fs::TryLockError::Error(e)) => Err(guard::io_error(dir, e)),
    }
}

fn finish_locked(dir: &Path) -> Result<(), StoreError> {
    let migrating = dir.join(MIGRATING);
    if migrating.exists() {
        tracing::warn!(dir = %migrating.display(), "discarding an interrupted store migration; the store is as it was");
        remove_all(&migrating)?;
        sync_dir(dir)?;
    }
    let migrated = dir.join(MIGRATED);
    if !migrated.exists() {
        return Ok(());
    }
    if !migrated.join(OLD_REMOVED).exists() {
        for entry in read_dir(dir)? {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name == "conf" || name == "db" || name == "blobs" || name.starts_with("snap.") {
                remove_all(&entry.path())?;
            }
        }
        sync_dir(dir)?;
        let marker = migrated.join(OLD_REMOVED);
        fs::write(&marker, b"").map_err(|e| guard::io_error(&marker, e))?;
        sync_dir(&migrated)?;
    }
    for entry in read_dir(&migrated)? {
        if entry.file_name() == OLD_REMOVED {
            continue;
        }
        let target = dir.join(entry.file_name());
        if target.is_dir() {
            remove_all(&target)?;
        }
        fs::rename(entry.path(), &target).map_err(|e| guard::io_error(&target, e))?;
    }
    sync_dir(dir)?;
    remove_all(&migrated)?;
    sync_dir(dir)?;
    tracing::info!(
        to = super::FORMAT_VERSION,
        "store format migrated (compressed)"
    );
    Ok(())
}

/// Copies `old` (an uncompressed store at format 5, its journal recovered)
/// into a compressed store at the current format and puts it in the place of
/// `dir`'s store (steps 1 to 4). `old` is closed on return.
pub(super) fn migrate(old: Store, dir: &Path) -> Result<(), StoreError> {
    let _lock = lock_dir(dir)?;
    let migrating = dir.join(MIGRATING);
    {
        let new = Store::sled_config(&migrating, true).open()?;
        for name in old.db.tree_names() {
            let (from, to) = (old.db.open_tree(&name)?, new.open_tree(&name)?);
            let mut batch = sled::Batch::default();
            let mut n = 0;
            for kv in from.iter() {
                let (k, v) = kv?;
                batch.insert(k, v);
                n += 1;
                if n == COPY_BATCH {
                    to.apply_batch(std::mem::take(&mut batch))?;
                    n = 0;
                }
            }
            to.apply_batch(batch)?;
        }
        new.open_tree("meta")?
            .insert("format_version", &super::FORMAT_VERSION.to_be_bytes())?;
        new.flush()?;
    }
    drop(old);
    wait_released(&migrating.join("db"))?;
    wait_released(&dir.join("db"))?;
    sync_tree(&migrating)?;
    let migrated = dir.join(MIGRATED);
    fs::rename(&migrating, &migrated).map_err(|e| guard::io_error(&migrated, e))?;
    sync_dir(dir)?;
    finish_locked(dir)
}

/// Waits until no handle holds sled's lock on `db`: sled's background
/// threads let go of a closed store's files a moment after it is dropped,
/// and its files must not move while one could still write.
fn wait_released(db: &Path) -> Result<(), StoreError> {
    let file = fs::File::open(db).map_err(|e| guard::io_error(db, e))?;
    let start = std::time::Instant::now();
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(()),
            Err(fs::TryLockError::WouldBlock) if start.elapsed() < 5 * LOCK_GRACE => {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            Err(fs::TryLockError::WouldBlock) => {
                return Err(StoreError::Locked {
                    path: db.to_owned(),
                })
            }
            Err(fs::TryLockError::Error(e)) => return Err(guard::io_error(db, e)),
        }
    }
}

fn read_dir(dir: &Path) -> Result<Vec<fs::DirEntry>, StoreError> {
    fs::read_dir(dir)
        .and_then(|rd| rd.collect())
        .map_err(|e| guard::io_error(dir, e))
}

fn remove_all(path: &Path) -> Result<(), StoreError> {
    let res = if path.is_dir() {
        fs::remove_dir_all(path)
    } else {
        fs::remove_file(path)
    };
    match res {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(guard::io_error(path, e)),
        _ => Ok(()),
    }
}

/// Makes the entries of `dir` (creations, renames, removals) durable.
fn sync_dir(dir: &Path) -> Result<(), StoreError> {
    fs::File::open(dir)
        .and_then(|f| f.sync_all())
        .map_err(|e| guard::io_error(dir, e))
}

/// Syncs every file under `dir` and the directories themselves.
fn sync_tree(dir: &Path) -> Result<(), StoreError> {
    for entry in read_dir(dir)? {
        let path = entry.path();
        if path.is_dir() {
            sync_tree(&path)?;
        } else {
            fs::File::open(&path)
                .and_then(|f| f.sync_all())
                .map_err(|e| guard::io_error(&path, e))?;
        }
    }
    sync_dir(dir)
}
