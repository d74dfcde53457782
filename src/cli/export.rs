//! `attache export`: the whole graph in the import format or another
//! format (`graph-schema/formats.md`), streamed.

use std::io::Write;
use std::path::Path;

use anyhow::{bail, Context, Result};

use super::{open, StoreAt};
use crate::formats::{self, Format};
use crate::graph::Graph;

/// `attache export`: streams the graph to a file, a directory (CSV) or
/// standard output, one record at a time.
pub(super) async fn export_cmd(store: &StoreAt, out: Option<&Path>, format: Format) -> Result<()> {
    // Opening would create an empty store, and the export would be empty.
    if !super::is_store(&store.data) {
        bail!(
            "there is no store at {} to export (give the store's directory with --data or ATTACHE_DATA)",
            store.data.display()
        );
    }
    let service = open(store).await?;
    let graph = service.graph();
    let out = out.map(Path::to_path_buf);
    tokio::task::spawn_blocking(move || export_to(&graph, out.as_deref(), format)).await??;
    service.close().await?;
    Ok(())
}

fn export_to(graph: &Graph, out: Option<&Path>, format: Format) -> Result<()> {
    match out {
        Some(dir) if format.is_directory() => {
            let written = formats::export_dir(format, graph, dir)
                .with_context(|| format!("cannot export to {}", dir.display()))?;
            eprintln!("exported {} file(s) to {}", written.len(), dir.display());
        }
        None if format.is_directory() => {
            bail!("--format {format} writes several files: give --out DIR")
        }
        Some(path) => {
            let tmp = path.with_extension("tmp");
            let file = std::fs::File::create(&tmp)
                .with_context(|| format!("cannot write {}", tmp.display()))?;
            let mut w = std::io::BufWriter::new(file);
            formats::export(format, graph, &mut w)
                .with_context(|| format!("cannot write {}", tmp.display()))?;
            w.into_inner()
                .map_err(|e| e.into_error())
                .and_then(|f| f.sync_all())
                .with_context(|| format!("cannot write {}", tmp.display()))?;
            std::fs::rename(&tmp, path)
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!("exported to {}", path.display());
        }
        None => {
            let stdout = std::io::stdout();
            let mut w = std::io::BufWriter::new(stdout.lock());
            formats::export(format, graph, &mut w)?;
            w.flush()?;
        }
    }
    Ok(())
}
