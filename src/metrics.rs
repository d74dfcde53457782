//! What the server counts, for `/metrics` in the Prometheus text format: the
//! one user of the `prometheus` crate. A [`Metrics`] is a cheap `Clone`
//! handle over one registry per server (no global recorder, so servers in
//! one process, as in the tests, count apart).
//!
//! Counted as they happen: HTTP requests by route, GraphQL operation name
//! and status, with their latency (recorded by the HTTP layer's access
//! middleware from a per-request [`Note`] that the schema's observer fills
//! in); errors by GraphQL error code and limits hit (from every response,
//! HTTP or `/ws`); open subscriptions. Read when scraped ([`Metrics::render`]):
//! the graph's node and relation counts, the store's size on disk, the last
//! change set, and the change sets committed since the last scrape (read back
//! from the log, so the write path pays nothing for them).
//!
//! Label values are bounded: routes are the router's patterns, codes are
//! [`ErrorCode`](crate::api::ErrorCode)'s, and operation names are taken from
//! parsed documents only, the first [`MAX_OPERATIONS`] distinct ones as they
//! are, any later one as `other`.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use prometheus::{
    exponential_buckets, Encoder, Histogram, HistogramOpts, HistogramVec, IntCounterVec, IntGauge,
    Opts, Registry, TextEncoder,
};

use crate::cluster::Cluster;
use crate::service::Service;

/// Distinct operation names counted under their own name; later ones are `other`.
pub const MAX_OPERATIONS: usize = 200;

/// The operation label of a request that ran no GraphQL operation.
pub const NO_OPERATION: &str = "";

/// The server's metrics. Cheap to clone.
#[derive(Clone)]
pub struct Metrics {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

struct Inner {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    errors: IntCounterVec,
    limits: IntCounterVec,
    subscriptions: IntGauge,
    change_sets: IntCounterVec,
    change_set_records: Histogram,
    nodes: IntGauge,
    relations: IntGauge,
    store_bytes: IntGauge,
    last_change_set: IntGauge,
    /// Operation names seen so far (bounded by [`MAX_OPERATIONS`]). A plain
    /// mutex: held for one set lookup, never across I/O or an await.
    operations: Mutex<HashSet<String>>,
    /// The last change set counted into `change_sets` (`None`: not attached
    /// to a service yet). Held while the new ones are read at a scrape, so
    /// two scrapes at once do not count them twice; a scrape is already off
    /// the request threads.
    counted: Mutex<Option<u64>>,
    /// Cluster mode: the node's membership and the gauges read from it at
    /// each scrape (registered only then, so one node alone has none).
    cluster: OnceLock<(Cluster, ClusterGauges)>,
}

/// Where a cluster node stands, as `/health` shows it.
struct ClusterGauges {
    applied: IntGauge,
    stream_last: IntGauge,
    lag: IntGauge,
    connected: IntGauge,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    /// A new registry with every metric at zero.
    pub fn new() -> Metrics {
        let registry = Registry::new();
        let counter = |name: &str, help: &str, labels: &[&str]| {
            let c = IntCounterVec::new(Opts::new(name, help), labels).expect("valid metric");
            registry
                .register(Box::new(c.clone()))
                .expect("unique metric");
            c
        };
        let gauge = |name: &str, help: &str| {
            let g = IntGauge::new(name, help).expect("valid metric");
            registry
                .register(Box::new(g.clone()))
                .expect("unique metric");
            g
        };
        let requests = counter(
            "attache_http_requests_total",
            "HTTP requests answered, by route, GraphQL operation name (empty: none ran) and status.",
            &["route", "operation", "status"],
        );
        let errors = counter(
            "attache_graphql_errors_total",
            "GraphQL errors answered (HTTP and /ws), by extensions.code.",
            &["code"],
        );
        let limits = counter(
            "attache_limits_hit_total",
            "Requests refused for a limit, by the limit's name (as in extensions.limit).",
            &["limit"],
        );
        let change_sets = counter(
            "attache_change_sets_total",
            "Change sets committed since the server started, by op (write, import, revert, merge, seed).",
            &["op"],
        );
        // 1 ms to about 33 s.
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "attache_http_request_duration_seconds",
                "Time from a request's head to its response's head, by route and operation.",
            )
            .buckets(exponential_buckets(0.001, 2.0, 16).expect("buckets")),
            &["route", "operation"],
        )
        .expect("valid metric");
        registry
            .register(Box::new(latency.clone()))
            .expect("unique metric");
        // 1 to about a million records.
        let change_set_records = Histogram::with_opts(
            HistogramOpts::new(
                "attache_change_set_records",
                "Records changed by each change set committed since the server started.",
            )
            .buckets(exponential_buckets(1.0, 4.0, 11).expect("buckets")),
        )
        .expect("valid metric");
        registry
            .register(Box::new(change_set_records.clone()))
            .expect("unique metric");
        Metrics {
            inner: Arc::new(Inner {
                requests,
                latency,
                errors,
                limits,
                subscriptions: gauge("attache_subscriptions", "GraphQL subscriptions open now."),
                change_sets,
                change_set_records,
                nodes: gauge("attache_graph_nodes", "Nodes in the published graph."),
                relations: gauge(
                    "attache_graph_relations",
                    "Relations in the published graph.",
                ),
                store_bytes: gauge(
                    "attache_store_size_bytes",
                    "The store's size on disk, as sled counts it.",
                ),
                last_change_set: gauge(
                    "attache_last_change_set",
                    "The number of the last change set readers can see.",
                ),
                registry,
                operations: Mutex::new(HashSet::new()),
                counted: Mutex::new(None),
                cluster: OnceLock::new(),
            }),
        }
    }

    /// Starts counting `service`'s change sets from the latest one published.
    pub fn attach(&self, service: &Service) {
        lock(&self.inner.counted).get_or_insert(service.published_seq());
    }

    /// Cluster mode: reports `cluster`'s applied sequence, the stream's last
    /// sequence, the lag between them and whether NATS is connected. Only
    /// the first call counts.
    pub fn watch_cluster(&self, cluster: Cluster) {
        let gauge = |name: &str, help: &str| {
            let g = IntGauge::new(name, help).expect("valid metric");
            // Registered once: `OnceLock` below runs this at most once.
            let _ = self.inner.registry.register(Box::new(g.clone()));
            g
        };
        self.inner.cluster.get_or_init(|| {
            let gauges = ClusterGauges {
                applied: gauge(
                    "attache_cluster_applied_seq",
                    "The last change set of the shared stream this node applied.",
                ),
                stream_last: gauge(
                    "attache_cluster_stream_last_seq",
                    "The last change set the stream holds, as this node last heard.",
                ),
                lag: gauge(
                    "attache_cluster_lag",
                    "Change sets this node is behind the stream.",
                ),
                connected: gauge(
                    "attache_cluster_connected",
                    "1 while this node is connected to NATS, else 0.",
                ),
            };
            (cluster, gauges)
        });
    }

    /// The label for operation `name` (`None`: an anonymous operation).
    pub fn operation_label(&self, name: Option<&str>) -> String {
        let Some(name) = name else {
            return "anonymous".to_owned();
        };
        let mut known = lock(&self.inner.operations);
        if known.contains(name) {
            return name.to_owned();
        }
        if known.len() < MAX_OPERATIONS {
            known.insert(name.to_owned());
            return name.to_owned();
        }
        "other".to_owned()
    }

    /// One HTTP request answered.
    pub fn request(&self, route: &str, operation: &str, status: u16, took: Duration) {
        let status = status.to_string();
        self.inner
            .requests
            .with_label_values(&[route, operation, status.as_str()])
            .inc();
        self.inner
            .latency
            .with_label_values(&[route, operation])
            .observe(took.as_secs_f64());
    }

    /// One GraphQL error answered, with the limit it names, if any.
    pub fn error(&self, code: &str, limit: Option<&str>) {
        self.inner.errors.with_label_values(&[code]).inc();
        if let Some(limit) = limit {
            self.limit(limit);
        }
    }

    /// One request refused for `limit` (`maxBody`, `maxConnections`, …).
    pub fn limit(&self, limit: &str) {
        self.inner.limits.with_label_values(&[limit]).inc();
    }

    /// Counts a subscription open until the returned guard is dropped.
    pub fn subscription(&self) -> OpenSubscription {
        self.inner.subscriptions.inc();
        OpenSubscription(self.inner.subscriptions.clone())
    }

    /// The text exposition of every metric, with the gauges read from
    /// `service` now and the change sets committed since the last scrape
    /// counted. Reads the store: call it off the request threads.
    pub fn render(&self, service: &Service) -> String {
        let g = service.graph();
        let i = &self.inner;
        i.nodes.set(g.node_count() as i64);
        i.relations.set(g.relation_count() as i64);
        i.last_change_set.set(g.log_seq() as i64);
        drop(g);
        match service.store().size_on_disk() {
            Ok(bytes) => i.store_bytes.set(bytes as i64),
            Err(e) => tracing::warn!(error = %e, "cannot read the store's size for /metrics"),
        }
        self.count_change_sets(service);
        if let Some((cluster, gauges)) = i.cluster.get() {
            let status = cluster.status();
            gauges.applied.set(status.applied as i64);
            gauges.stream_last.set(status.stream_last as i64);
            gauges.lag.set(status.lag() as i64);
            gauges.connected.set(i64::from(status.connected));
        }
        let mut out = Vec::new();
        if let Err(e) = TextEncoder::new().encode(&i.registry.gather(), &mut out) {
            tracing::warn!(error = %e, "cannot encode the metrics");
        }
        String::from_utf8(out).unwrap_or_default()
    }

    /// Counts the change sets published since the last count, from the log.
    fn count_change_sets(&self, service: &Service) {
        let mut counted = lock(&self.inner.counted);
        let upto = service.published_seq();
        let after = *counted.get_or_insert(upto);
        if upto <= after {
            return;
        }
        for set in service.store().change_sets(after, upto) {
            match set {
                Ok(set) => {
                    self.inner
                        .change_sets
                        .with_label_values(&[set.op.as_str()])
                        .inc();
                    self.inner.change_set_records.observe(set.records as f64);
                }
                Err(e) => {
                    tracing::warn!(error = %e, "cannot read the change log for /metrics");
                    return;
                }
            }
        }
        *counted = Some(upto);
    }
}

/// An open subscription, counted until dropped.
pub struct OpenSubscription(IntGauge);

impl Drop for OpenSubscription {
    fn drop(&mut self) {
        self.0.dec();
    }
}

/// What one HTTP request ran, filled in by the schema's observer and read by
/// the access log: the GraphQL operations (a batch has several). Cheap to
/// clone; the lock is held only to push or read a name.
#[derive(Clone, Default, Debug)]
pub struct Note(Arc<Mutex<Vec<String>>>);

impl Note {
    /// Records that operation `label` (see [`Metrics::operation_label`]) ran.
    pub fn operation(&self, label: String) {
        lock(&self.0).push(label);
    }

    /// The operations recorded, in order.
    pub fn operations(&self) -> Vec<String> {
        lock(&self.0).clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_names_past_the_bound_are_counted_as_other() {
        let m = Metrics::new();
        for i in 0..MAX_OPERATIONS {
            assert_eq!(m.operation_label(Some(&format!("Op{i}"))), format!("Op{i}"));
        }
        assert_eq!(m.operation_label(Some("OneTooMany")), "other");
        assert_eq!(m.operation_label(Some("Op0")), "Op0");
        assert_eq!(m.operation_label(None), "anonymous");
    }

    #[test]
    fn a_subscription_is_counted_while_it_is_open() {
        let m = Metrics::new();
        let open = m.subscription();
        assert_eq!(m.inner.subscriptions.get(), 1);
        drop(open);
        assert_eq!(m.inner.subscriptions.get(), 0);
    }
}
