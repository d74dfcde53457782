//! Many writers at once on a graph of thousands of nodes and tens of
//! thousands of relations, through the real server over HTTP: writes share
//! the recycled working copies instead of copying the graph each, and memory
//! stays flat.
//!
//! How fast sixteen clients write against one is a figure, not a check: it
//! is `cargo bench --bench writers` (a timing asserted here failed whenever
//! other builds loaded the machine).

mod common;
use common::load::{graph_document, rss_mib, run_writers};
use common::TestServer;

use attache::service::Service;

const PEOPLE: usize = 5_000;
const MEETINGS: usize = 1_000;
const PER_PERSON: usize = 8;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixteen_writers_cost_no_graph_copy_each_nor_memory() {
    let tmp = tempfile::tempdir().unwrap();
    let service = Service::open(tmp.path()).unwrap();
    let doc = graph_document(PEOPLE, MEETINGS, PER_PERSON);
    attache::import::import(&service, &[("gen".into(), doc)], Vec::new())
        .await
        .unwrap();
    assert_eq!(service.graph().relation_count(), PEOPLE * PER_PERSON);
    let options = attache::http::Options {
        auth: attache::http::Auth::new([common::TOKEN.to_owned()], false, false),
        ..Default::default()
    };
    let server = TestServer::serve(service.clone(), tmp.path(), options).await;
    let client = server.client();

    // Warm up; then one client and sixteen clients by turns (so both see
    // the same machine), RSS sampled all along.
    run_writers(client, &server.url, 1, 20, PEOPLE, MEETINGS, 0).await;
    let (_, copied_before) = service.working_copies();
    let rss_before = rss_mib();
    let sampling = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let sampler = {
        let sampling = sampling.clone();
        tokio::spawn(async move {
            let mut peak = 0f64;
            while sampling.load(std::sync::atomic::Ordering::Relaxed) {
                peak = peak.max(rss_mib());
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            }
            peak
        })
    };
    let mut writes = 0;
    for round in 0..3 {
        let first = 100 + round * 1_000;
        let r = run_writers(client, &server.url, 1, 50, PEOPLE, MEETINGS, first).await;
        writes += r.writes;
        let r = run_writers(client, &server.url, 16, 20, PEOPLE, MEETINGS, first + 50).await;
        writes += r.writes;
    }
    sampling.store(false, std::sync::atomic::Ordering::Relaxed);
    let peak = sampler.await.unwrap();
    let (reused, copied) = service.working_copies();
    let copies = copied - copied_before;
    eprintln!(
        "{copies} graph copies for {writes} writes ({reused} reused in all); \
         RSS {rss_before:.0} → peak {peak:.0} MiB"
    );
    assert!(
        copies <= 4,
        "{copies} full graph copies for {writes} writes"
    );
    assert!(
        peak - rss_before < 150.0,
        "RSS grew from {rss_before:.0} to {peak:.0} MiB under 16 writers"
    );
}
