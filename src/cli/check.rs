//! `attache check`: verify a store.

use anyhow::{bail, Result};

use super::{open, StoreAt};

pub(super) async fn check_cmd(store: &StoreAt) -> Result<()> {
    let service = open(store).await?;
    let problems = service.store().verify()?;
    let g = service.graph();
    let (nodes, relations) = (g.node_count(), g.relation_count());
    let (last, compacted) = (g.log_seq(), service.store().compacted()?);
    service.close().await?;
    if !problems.is_empty() {
        bail!(
            "{} problem(s) in {}:\n  {}",
            problems.len(),
            store.data.display(),
            problems.join("\n  ")
        );
    }
    println!(
        "ok: {nodes} nodes, {relations} relations; records decode, no dangling references, no leftover trees; \
         the log agrees with the records (change sets {}…{last}: each counts its entries, \
         each record's latest logged version is the stored record)",
        compacted + 1
    );
    Ok(())
}
