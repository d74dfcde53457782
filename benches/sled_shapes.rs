//! Raw sled's cost per write shape, with no Attaché code in the way: what
//! one `link` writes (its relation, its log entry, its history key and its
//! change set header), written as one transaction over all nine of the
//! store's trees, as one over only the four it touches, as one
//! `apply_batch` on a single tree (sled applies a batch on one tree
//! atomically), as the same four keys inserted one by one (not atomic, for
//! reference), and as a single insert of the relation. Each shape runs
//! without flushing (the CPU of the write itself), one writer flushing
//! after every write, and 16 writers sharing flushes by group commit as
//! the service's flusher does. Every figure is also a ratio to the single
//! insert of the same run. Shapes go by turns, `SHAPES_ROUNDS` times (3),
//! each on a fresh store, so they see the same machine.
//!
//! `cargo bench --bench sled_shapes` (release; without `--bench`, a small
//! smoke run). `SHAPES_WRITES` (writes per run, 20,000).

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Instant;

use sled::transaction::{TransactionalTree, UnabortableTransactionError};
use sled::Transactional;

const TREES: [&str; 9] = [
    "nodes",
    "relations",
    "conflicts",
    "meta",
    "undo",
    "redirects",
    "changesets",
    "log",
    "history",
];

#[derive(Clone, Copy, PartialEq, Debug)]
enum Shape {
    AllTrees,
    Touched,
    OneBatch,
    Loose,
    Single,
    /// Group commit at sled's level: writers queue their writes and the
    /// flusher applies every queued write in one transaction over the four
    /// trees, then flushes (with no flush, one transaction per 16 writes).
    Grouped,
}

const SHAPES: [Shape; 6] = [
    Shape::Grouped,
    Shape::AllTrees,
    Shape::Touched,
    Shape::OneBatch,
    Shape::Loose,
    Shape::Single,
];

/// The keys and values one `link` writes, of the sizes the store writes
/// (a MessagePack relation of ~120 bytes, a creation's log reference, the
/// history key's entry index, a change set header).
struct Write {
    rel_key: Vec<u8>,
    rel: Vec<u8>,
    log_key: [u8; 12],
    entry: Vec<u8>,
    hist_key: Vec<u8>,
    set_key: [u8; 8],
    set: Vec<u8>,
}

fn write_for(i: u64) -> Write {
    let id = format!("rel:attended-person-p{}-meeting-m{}", i % 9000, i);
    let mut hist_key = id.as_bytes().to_vec();
    hist_key.push(0);
    hist_key.extend_from_slice(&i.to_be_bytes());
    let mut log_key = [0u8; 12];
    log_key[..8].copy_from_slice(&i.to_be_bytes());
    Write {
        rel: vec![b'r'; 120],
        entry: [id.as_bytes(), &[b'e'; 16]].concat(),
        set: vec![b's'; 90],
        rel_key: id.into_bytes(),
        log_key,
        hist_key,
        set_key: i.to_be_bytes(),
    }
}

struct Trees {
    db: sled::Db,
    all: Vec<sled::Tree>,
    one: sled::Tree,
}

fn prefixed(p: u8, k: &[u8]) -> Vec<u8> {
    [&[p][..], k].concat()
}

fn apply(t: &Trees, shape: Shape, w: &Write) {
    type R = sled::transaction::ConflictableTransactionResult<(), ()>;
    let (rels, sets, log, hist) = (&t.all[1], &t.all[6], &t.all[7], &t.all[8]);
    match shape {
        Shape::AllTrees => {
            let a = &t.all;
            (
                &a[0], &a[1], &a[2], &a[3], &a[4], &a[5], &a[6], &a[7], &a[8],
            )
                .transaction(|(_, r, _, _, _, _, s, l, h)| -> R {
                    insert_four(w, r, s, l, h)?;
                    Ok(())
                })
                .unwrap();
        }
        // The same transaction as a group of one.
        Shape::Touched => apply_group(t, std::slice::from_ref(w)),
        Shape::OneBatch => {
            let mut b = sled::Batch::default();
            b.insert(prefixed(1, &w.rel_key), &w.rel[..]);
            b.insert(prefixed(7, &w.log_key), &w.entry[..]);
            b.insert(prefixed(8, &w.hist_key), &[0, 0, 0, 0][..]);
            b.insert(prefixed(6, &w.set_key), &w.set[..]);
            t.one.apply_batch(b).unwrap();
        }
        Shape::Loose => {
            rels.insert(&w.rel_key[..], &w.rel[..]).unwrap();
            log.insert(&w.log_key[..], &w.entry[..]).unwrap();
            hist.insert(&w.hist_key[..], &[0, 0, 0, 0][..]).unwrap();
            sets.insert(&w.set_key[..], &w.set[..]).unwrap();
        }
        Shape::Single => {
            rels.insert(&w.rel_key[..], &w.rel[..]).unwrap();
        }
        Shape::Grouped => apply_group(t, std::slice::from_ref(w)),
    }
}

/// Every write of `group` in one transaction over the four trees.
fn apply_group(t: &Trees, group: &[Write]) {
    type R = sled::transaction::ConflictableTransactionResult<(), ()>;
    let (rels, sets, log, hist) = (&t.all[1], &t.all[6], &t.all[7], &t.all[8]);
    (rels, sets, log, hist)
        .transaction(|(r, s, l, h)| -> R {
            for w in group {
                insert_four(w, r, s, l, h)?;
            }
            Ok(())
        })
        .unwrap();
}

/// The four keys one `link` writes, inside a transaction.
fn insert_four(
    w: &Write,
    r: &TransactionalTree,
    s: &TransactionalTree,
    l: &TransactionalTree,
    h: &TransactionalTree,
) -> Result<(), UnabortableTransactionError> {
    r.insert(&w.rel_key[..], &w.rel[..])?;
    l.insert(&w.log_key[..], &w.entry[..])?;
    h.insert(&w.hist_key[..], &[0, 0, 0, 0][..])?;
    s.insert(&w.set_key[..], &w.set[..])?;
    Ok(())
}

fn open(dir: &Path) -> Trees {
    let db = sled::Config::new()
        .path(dir)
        .cache_capacity(64 << 20)
        .open()
        .unwrap();
    let all = TREES.iter().map(|n| db.open_tree(n).unwrap()).collect();
    let one = db.open_tree("one").unwrap();
    Trees { db, all, one }
}

/// Group commit: writers count their writes, one flusher flushes while
/// any write is not on disk, and each writer waits for a flush begun
/// after its write. Returns writes per second and writes per flush.
fn group_commit(t: &Arc<Trees>, shape: Shape, threads: u64, writes: u64) -> (f64, f64) {
    let committed = Arc::new(AtomicU64::new(0));
    let flushed = Arc::new((Mutex::new(0u64), Condvar::new()));
    let flushes = Arc::new(AtomicU64::new(0));
    let done = Arc::new(AtomicU64::new(0));
    let queue: Arc<Mutex<Vec<Write>>> = Arc::default();
    let flusher = {
        let (t, committed, flushed, flushes, done, queue) = (
            t.clone(),
            committed.clone(),
            flushed.clone(),
            flushes.clone(),
            done.clone(),
            queue.clone(),
        );
        std::thread::spawn(move || loop {
            let target = committed.load(Ordering::SeqCst);
            let on_disk = *flushed.0.lock().unwrap();
            if target == on_disk {
                if done.load(Ordering::SeqCst) == threads {
                    return;
                }
                std::thread::yield_now();
                continue;
            }
            if shape == Shape::Grouped {
                let group = std::mem::take(&mut *queue.lock().unwrap());
                apply_group(&t, &group);
            }
            t.db.flush().unwrap();
            flushes.fetch_add(1, Ordering::Relaxed);
            *flushed.0.lock().unwrap() = target;
            flushed.1.notify_all();
        })
    };
    let start = Instant::now();
    let each = writes / threads;
    let workers: Vec<_> = (0..threads)
        .map(|th| {
            let (t, committed, flushed, done, queue) = (
                t.clone(),
                committed.clone(),
                flushed.clone(),
                done.clone(),
                queue.clone(),
            );
            std::thread::spawn(move || {
                for i in 0..each {
                    let w = write_for(th * each + i);
                    // Queued and counted under one lock, so a flush that
                    // sees the count applies the write.
                    let mine = if shape == Shape::Grouped {
                        let mut q = queue.lock().unwrap();
                        q.push(w);
                        committed.fetch_add(1, Ordering::SeqCst) + 1
                    } else {
                        apply(&t, shape, &w);
                        committed.fetch_add(1, Ordering::SeqCst) + 1
                    };
                    let mut on_disk = flushed.0.lock().unwrap();
                    while *on_disk < mine {
                        on_disk = flushed.1.wait(on_disk).unwrap();
                    }
                }
                done.fetch_add(1, Ordering::SeqCst);
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
    let secs = start.elapsed().as_secs_f64();
    flusher.join().unwrap();
    let n = each * threads;
    (
        n as f64 / secs,
        n as f64 / flushes.load(Ordering::Relaxed).max(1) as f64,
    )
}

/// Writes per second with no flush at all, one writer.
fn no_flush(t: &Trees, shape: Shape, writes: u64) -> f64 {
    let start = Instant::now();
    if shape == Shape::Grouped {
        for i in (0..writes).step_by(16) {
            let group: Vec<Write> = (i..(i + 16).min(writes)).map(write_for).collect();
            apply_group(t, &group);
        }
    } else {
        for i in 0..writes {
            apply(t, shape, &write_for(i));
        }
    }
    writes as f64 / start.elapsed().as_secs_f64()
}

/// Writes per second, one writer flushing after each write.
fn flush_each(t: &Trees, shape: Shape, writes: u64) -> f64 {
    let start = Instant::now();
    for i in 0..writes {
        apply(t, shape, &write_for(i));
        t.db.flush().unwrap();
    }
    writes as f64 / start.elapsed().as_secs_f64()
}

fn main() {
    let bench = std::env::args().any(|a| a == "--bench");
    let var = |name: &str, default: u64, smoke: u64| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(if bench { default } else { smoke })
    };
    let writes = var("SHAPES_WRITES", 20_000, 320);
    let rounds = var("SHAPES_ROUNDS", 3, 1);
    let flushed_writes = (writes / 4).max(16);
    // [shape][mode] = per-round figures; modes: no flush, flush each, 16 threads.
    let mut figs = vec![[Vec::new(), Vec::new(), Vec::new()]; SHAPES.len()];
    let mut per_flush = vec![Vec::new(); SHAPES.len()];
    for _ in 0..rounds {
        for (s, &shape) in SHAPES.iter().enumerate() {
            let dir = tempfile::tempdir().unwrap();
            // Each mode starts from empty trees, in its own store.
            let t = open(&dir.path().join("a"));
            figs[s][0].push(no_flush(&t, shape, writes));
            drop(t);
            let t = open(&dir.path().join("b"));
            figs[s][1].push(flush_each(&t, shape, flushed_writes / 4));
            drop(t);
            let t = Arc::new(open(&dir.path().join("c")));
            let (rate, per) = group_commit(&t, shape, 16, flushed_writes);
            figs[s][2].push(rate);
            per_flush[s].push(per);
        }
    }
    let median = |v: &[f64]| {
        let mut v = v.to_vec();
        v.sort_by(|a, b| a.total_cmp(b));
        v[v.len() / 2]
    };
    println!(
        "sled write shapes, {writes} writes unflushed, {} flushed by one writer, {flushed_writes} by 16 (median of {rounds}; x = ratio to a single insert)",
        flushed_writes / 4
    );
    let single = SHAPES.len() - 1;
    let base: Vec<f64> = (0..3).map(|m| median(&figs[single][m])).collect();
    println!(
        "{:<10} {:>12} {:>7} {:>12} {:>7} {:>12} {:>7} {:>10}",
        "shape", "no flush/s", "x", "flush each/s", "x", "16 group/s", "x", "per flush"
    );
    for (s, shape) in SHAPES.iter().enumerate() {
        let m: Vec<f64> = (0..3).map(|m| median(&figs[s][m])).collect();
        println!(
            "{:<10} {:>12.0} {:>7.2} {:>12.0} {:>7.2} {:>12.0} {:>7.2} {:>10.1}",
            format!("{shape:?}"),
            m[0],
            m[0] / base[0],
            m[1],
            m[1] / base[1],
            m[2],
            m[2] / base[2],
            median(&per_flush[s]),
        );
    }
}
