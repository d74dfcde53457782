//! Heavy work: what the analysis fields cost against the complexity limit,
//! and where their computations and the `import` mutation's parse run (the
//! blocking pool, one a core).

use std::sync::{Arc, LazyLock};

use async_graphql::Result;
use tokio::sync::Semaphore;

use super::leaves::errors::internal;
use crate::graph::Graph;
use crate::import;
use crate::service::Service;

// What the analysis fields cost in complexity points, besides the fields they
// return: each builds or walks a network, so each counts for far more than a
// field (one point), in proportion to its work. Timed on a 600-person graph
// (debug build): a degree ranking ~85 ms, PageRank ~420 ms, betweenness
// ~1.8 s, stats ~10 ms, where a plain field costs well under 1 ms. With the
// default limit of 50,000 a request may ask for about 25 betweenness
// rankings, not 160 (14.9 s before).

/// A degree ranking: the co-participation network is built.
pub const DEGREE_COST: usize = 100;
/// PageRank: the network and 100 iterations over its edges.
pub const PAGERANK_COST: usize = 500;
/// Betweenness: a shortest-path search from every node (or 200 samples).
pub const BETWEENNESS_COST: usize = 2_000;
/// A pair ranking (`topPairs`): every pair of participants of every kept
/// meeting is counted, as for the co-participation network. On the
/// 600-person crowd of the tests (debug build, a loaded machine) it took
/// ~55 ms where an uncached degree ranking took ~44 ms, so it costs the same.
pub const PAIRS_COST: usize = 100;
/// One level of a path or neighbourhood search.
pub const SEARCH_LEVEL_COST: usize = 100;
/// A pass over the whole graph (`stats`, `dataChecks`).
pub const WHOLE_GRAPH_COST: usize = 50;

/// The most relations a path search may cross.
pub const MAX_PATH_DEPTH: i32 = 8;

/// The most relations a path search may look at on the async worker; a
/// search that needs more starts over on the blocking pool ([`offload`]).
/// The hop costs about what looking at this many relations does, so no
/// search pays more than twice its cost, and no worker is held for more
/// than a few hundred microseconds.
pub const INLINE_SEARCH: usize = 20_000;

/// A search: scoring the trigram index.
pub const SEARCH_COST: usize = 50;

/// A search of `depth` levels returning a page of `page` items of `child` points.
pub fn levels_cost(depth: Option<i32>, page: Option<i32>, child: usize) -> usize {
    let levels = depth.unwrap_or(1).clamp(1, MAX_PATH_DEPTH) as usize;
    levels * SEARCH_LEVEL_COST + super::leaves::pagination::page_cost(page, None, child)
}

/// How many heavy computations may run at once: one a core. Without a
/// bound, aliased rankings took a blocking thread each (35 at peak for 4
/// clients asking for 6 each, 15 with the bound), and a request stopped by
/// the timeout left its queued computations to run anyway.
fn heavy() -> Arc<Semaphore> {
    static HEAVY: LazyLock<Arc<Semaphore>> = LazyLock::new(|| {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Arc::new(Semaphore::new(cores))
    });
    HEAVY.clone()
}

/// Runs a graph computation on the blocking pool, so a long one neither
/// stalls the server's other requests nor escapes the query timeout. At most
/// one a core runs; the others wait for a permit, and a request dropped
/// while waiting (timed out, disconnected) never starts its computation.
pub async fn offload<T: Send + 'static>(
    g: Arc<Graph>,
    f: impl FnOnce(&Graph) -> T + Send + 'static,
) -> Result<T> {
    let permit = heavy()
        .acquire_owned()
        .await
        .map_err(|e| internal(format!("computation failed: {e}")))?;
    tokio::task::spawn_blocking(move || {
        // Held until the computation ends, even if the request is gone.
        let _permit = permit;
        f(&g)
    })
    .await
    .map_err(|e| internal(format!("computation failed: {e}")))
}

/// Parses an `import` mutation's documents, (name, text) pairs (together up
/// to the body limit, 32 MiB by default), on the blocking pool, one a core
/// like [`offload`], so the runtime's workers go on serving other requests
/// meanwhile.
pub async fn parse_import(
    service: &Service,
    format: crate::formats::Format,
    documents: Vec<(String, String)>,
) -> Result<import::Parsed> {
    let sizes = service.sizes();
    let failed =
        |e: &dyn std::fmt::Display| internal(format!("the import parse did not finish: {e}"));
    let permit = heavy().acquire_owned().await.map_err(|e| failed(&e))?;
    let parsed = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        let sources = documents
            .into_iter()
            .map(|(name, text)| import::Source::new(name, std::io::Cursor::new(text)))
            .collect();
        // Problems stay in the result: `import::apply` checks what was
        // read against the store too, and reports everything at once.
        match format {
            crate::formats::Format::Attache => import::read_all(sources, sizes),
            _ => crate::formats::import(format, sources, sizes).unwrap_or_else(|problems| {
                import::Parsed {
                    problems,
                    ..Default::default()
                }
            }),
        }
    })
    .await
    .map_err(|e| failed(&e))?;
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::time::Duration;

    use super::*;

    fn document(people: usize) -> String {
        let mut s = String::from("{\"format\": \"attache/1\", \"nodes\": [");
        for i in 0..people {
            if i > 0 {
                s.push(',');
            }
            s.push_str(&format!(
                "{{\"id\": \"person:p{i}\", \"name\": \"P {i}\", \"citations\": [{{\"source\": \"source:s\"}}]}}"
            ));
        }
        s.push_str("]}");
        s
    }

    // A current-thread runtime: a parse on its one worker would stop the ticker.
    // The document grows until its parse takes long enough to tell (at least
    // 100 ms, however fast the machine or the build).
    #[tokio::test]
    async fn an_import_parse_does_not_stall_the_other_tasks_of_the_runtime() {
        let dir = tempfile::tempdir().unwrap();
        let service = Service::open(dir.path()).unwrap();
        let ticks = Arc::new(AtomicUsize::new(0));
        let counter = ticks.clone();
        let ticker = tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_millis(5)).await;
                counter.fetch_add(1, Ordering::Relaxed);
            }
        });
        tokio::task::yield_now().await;
        for people in [20_000, 80_000, 320_000] {
            let doc = document(people);
            let before = ticks.load(Ordering::Relaxed);
            let start = std::time::Instant::now();
            let parsed = parse_import(&service, Default::default(), vec![("request".into(), doc)])
                .await
                .unwrap();
            let took = start.elapsed();
            let n = ticks.load(Ordering::Relaxed) - before;
            assert_eq!(parsed.changes.len(), people);
            if took >= Duration::from_millis(100) {
                ticker.abort();
                assert!(n >= 5, "the ticker ran {n} times during a {took:?} parse");
                return;
            }
        }
        panic!("no parse took 100 ms, even of 320,000 records");
    }
}
