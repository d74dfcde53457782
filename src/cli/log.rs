//! `attache log`: list, export, show or compact the change log.

use anyhow::{bail, Result};

use super::{open, StoreAt};
use crate::changelog;
use crate::config::{LogAction, LogFormat, LogList};

/// `attache log`: list, export, show or compact the change log.
pub(super) async fn log_cmd(
    store: &StoreAt,
    action: Option<LogAction>,
    list: LogList,
) -> Result<()> {
    let service = open(store).await?;
    let svc = service.clone();
    let text = tokio::task::spawn_blocking(move || -> Result<String> {
        let service = svc;
        Ok(match action {
            None => {
                let jsonl = list.format == LogFormat::Jsonl;
                let select = changelog::Select {
                    after: list.after,
                    limit: list.limit.or((!jsonl).then_some(20)),
                    actor: list.actor,
                    id: list.id,
                };
                let sets = changelog::select(&service, &select, !jsonl)?;
                if jsonl {
                    changelog::export(&service, &sets, &mut std::io::stdout().lock())?;
                    String::new()
                } else {
                    changelog::render_list(&sets)
                }
            }
            Some(LogAction::Show { seq, format }) => {
                let g = service.graph();
                let Some(set) = service.change_set(&g, seq)? else {
                    bail!("change set {seq} is not in the log (compacted, or not written yet)");
                };
                let entries = service.change_entries(&g, seq)?;
                match format {
                    LogFormat::Text => changelog::render_show(&set, &entries),
                    LogFormat::Jsonl => format!("{}\n", changelog::to_json(&set, &entries)),
                }
            }
            Some(LogAction::Compact { keep, before }) => {
                super::refuse_if_clustered(&service, "compact this store's log")?;
                let what = match (keep, before) {
                    (Some(n), _) => changelog::Compact::Keep(n),
                    (None, Some(t)) => changelog::Compact::Before(t),
                    (None, None) => bail!("give --keep N or --before TIME"),
                };
                let c = changelog::compact(&service, what)?;
                let kept = if c.last > c.through {
                    format!("{}…{}", c.through + 1, c.last)
                } else {
                    "none".to_owned()
                };
                format!(
                    "removed {} change set(s); the log keeps change sets {kept}; the store verifies\n",
                    c.removed
                )
            }
        })
    })
    .await??;
    service.close().await?;
    print!("{text}");
    Ok(())
}
