//! `attache export`: the whole graph as one import document.

use std::path::Path;

use anyhow::{bail, Context, Result};

use super::{open, StoreAt};
use crate::import;

pub(super) async fn export_cmd(store: &StoreAt, out: Option<&Path>) -> Result<()> {
    // Opening would create an empty store, and the export would be empty.
    if !super::is_store(&store.data) {
        bail!(
            "there is no store at {} to export (give the store's directory with --data or ATTACHE_DATA)",
            store.data.display()
        );
    }
    let service = open(store).await?;
    let text = import::export(&service.graph());
    match out {
        Some(path) => {
            let tmp = path.with_extension("tmp");
            std::fs::write(&tmp, &text)
                .with_context(|| format!("cannot write {}", tmp.display()))?;
            std::fs::rename(&tmp, path)
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!("exported to {}", path.display());
        }
        None => print!("{text}"),
    }
    service.close().await?;
    Ok(())
}
