//! Many writers at once on a graph of thousands of nodes and tens of
//! thousands of relations, through the real server over HTTP: writes share
//! the recycled working copies instead of copying the graph each, memory
//! stays flat, and sixteen clients write at least as fast as one.

mod common;
use common::load::{graph_document, rss_mib, run_writers};
use common::TestServer;

use attache::service::Service;

const PEOPLE: usize = 5_000;
const MEETINGS: usize = 1_000;
const PER_PERSON: usize = 8;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixteen_writers_cost_no_graph_copy_each_nor_memory_nor_throughput() {
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

    // Warm up, then one client alone.
    run_writers(client, &server.url, 1, 20, PEOPLE, MEETINGS, 0).await;
    let one = run_writers(client, &server.url, 1, 120, PEOPLE, MEETINGS, 100).await;

    // Sixteen at once, RSS sampled all along.
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
    let sixteen = run_writers(client, &server.url, 16, 40, PEOPLE, MEETINGS, 1_000).await;
    sampling.store(false, std::sync::atomic::Ordering::Relaxed);
    let peak = sampler.await.unwrap();
    let (reused, copied) = service.working_copies();
    let copies = copied - copied_before;
    eprintln!(
        "1 client: {:.0} writes/s; 16 clients: {:.0} writes/s; {copies} graph copies \
         for {} writes ({reused} reused in all); RSS {rss_before:.0} → peak {peak:.0} MiB",
        one.per_second(),
        sixteen.per_second(),
        sixteen.writes,
    );
    assert!(
        copies <= 4,
        "{copies} full graph copies for {} writes",
        sixteen.writes
    );
    assert!(
        peak - rss_before < 150.0,
        "RSS grew from {rss_before:.0} to {peak:.0} MiB under 16 writers"
    );
    assert!(
        sixteen.per_second() >= one.per_second(),
        "16 clients wrote {:.0}/s, below 1 client's {:.0}/s",
        sixteen.per_second(),
        one.per_second()
    );
}
