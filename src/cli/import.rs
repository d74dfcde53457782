//! `attache import`: files read a record at a time (with a progress bar),
//! checked against the store, then applied all or nothing. With
//! `--cluster`, the store joins the cluster for the import's time: it
//! catches up with the shared log, and the import is published to it as
//! any node's write is.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use indicatif::{ProgressBar, ProgressStyle};

use super::progress::Meter;
use super::{open, StoreAt};
use crate::formats::{self, Format};
use crate::import::{self, ImportFailure, Source};
use crate::service::Author;

/// Expands directories into their files with extension `ext`, sorted.
pub(super) fn collect(paths: &[PathBuf], ext: &str) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut files: Vec<PathBuf> = std::fs::read_dir(p)
                .with_context(|| format!("cannot read directory {}", p.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| {
                    f.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.ends_with(&format!(".{ext}")))
                })
                .collect();
            files.sort();
            out.extend(files);
        } else {
            out.push(p.clone());
        }
    }
    if out.is_empty() {
        bail!("no .{ext} files to import in {paths:?}");
    }
    Ok(out)
}

pub(super) fn spinner(msg: &str) -> ProgressBar {
    let pb = ProgressBar::new_spinner();
    pb.set_style(ProgressStyle::with_template("{spinner} {msg} [{elapsed}]").expect("template"));
    pb.set_message(msg.to_owned());
    pb.enable_steady_tick(Duration::from_millis(120));
    pb
}

/// What `attache import` was asked to do besides the paths.
pub(super) struct ImportArgs {
    pub format: Format,
    pub mapping: Option<PathBuf>,
    pub check: bool,
    pub replace: bool,
    pub no_seed: bool,
    /// Import through the cluster's shared log (`--cluster`).
    pub cluster: Option<crate::cluster::ClusterConfig>,
}

pub(super) async fn import_cmd(
    store: &StoreAt,
    paths: &[PathBuf],
    args: ImportArgs,
    author: Author,
) -> Result<()> {
    let ImportArgs {
        format,
        mapping,
        check,
        replace,
        no_seed,
        cluster,
    } = args;
    if mapping.is_some() && format != Format::Csv {
        bail!("--mapping is for --format csv");
    }
    let mut files = collect(paths, format.extension())?;
    files.splice(0..0, mapping);
    let total: u64 = files
        .iter()
        .filter_map(|f| f.metadata().ok())
        .map(|m| m.len())
        .sum();
    let meter = Meter::new(total);
    // Each file is read once, a record at a time, before the store is opened:
    // a bad file fails at once, whatever the size of the store.
    let mut sources = Vec::new();
    for f in &files {
        let file =
            std::fs::File::open(f).with_context(|| format!("cannot read {}", f.display()))?;
        sources.push(Source::new(f.display().to_string(), meter.reader(file)));
    }
    // Problems stay with what was read: the check against the store below
    // adds what the records that were read get wrong, in the same report.
    let mut parsed = match format {
        Format::Attache => import::read_all_with(sources, store.sizes, &mut || meter.record()),
        _ => formats::import(format, sources, store.sizes).unwrap_or_else(|problems| {
            import::Parsed {
                problems,
                ..Default::default()
            }
        }),
    };
    meter.finish();
    if replace {
        parsed = parsed.replacing();
    }
    if let Some(c) = &cluster {
        crate::cluster::Cluster::prepare(&store.data, c).await?;
    }
    let service = open(store).await?;
    if let Some(mut c) = cluster {
        // A short-lived member: it writes no snapshot of its own.
        c.snapshot_every = 0;
        let joined = crate::cluster::Cluster::start(service.clone(), c, &store.data).await?;
        if !joined.ready() {
            bail!(
                "this store is still catching up with the cluster's stream ({:?}); run the import again once it has",
                joined.status()
            );
        }
    } else if !check {
        super::refuse_if_clustered(&service, "import into this store")?;
    }
    // A new store gets the seed data in the same write, as `serve` gives it.
    let (parsed, seeded) = if !no_seed && import::is_new(&service)? {
        import::with_seed(parsed)
    } else {
        (parsed, 0)
    };
    let meta = if seeded > 0 {
        eprintln!(
            "this store is new: the built-in seed data ({seeded} records) goes in with these files, \
             as `attache serve` would load it (--no-seed leaves it out)"
        );
        vec![(import::SEEDED.0, import::SEEDED.1.to_vec())]
    } else {
        Vec::new()
    };
    if check {
        let sp = spinner("checking");
        let res = import::preview(&service, parsed);
        sp.finish_and_clear();
        let r = res.map_err(ImportFailure::Invalid)?;
        print!("{}", r.render());
        if r.conflicting > 0 {
            bail!("{} record(s) conflict with the store", r.conflicting);
        }
        return Ok(());
    }
    let sp = spinner("checking and writing, all or nothing");
    let res = import::apply(&service, parsed, meta, author).await;
    sp.finish_and_clear();
    let r = res?;
    service.close().await?;
    print!("{}", r.render());
    Ok(())
}

/// The actor a command-line write is recorded under: `cli:` and the login name.
pub(super) fn cli_actor() -> String {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_else(|_| "unknown".into());
    format!("cli:{user}")
}
