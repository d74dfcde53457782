//! `attache serve`: the access and limit flags checked and turned into
//! server options, the server run until Ctrl-C or SIGTERM.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::{bail, Context, Result};

use super::{open, StoreAt};
use crate::cluster::{Cluster, ClusterConfig};
use crate::config::{Access, ClusterArgs, ConnectionArgs, LimitArgs, LogStyle};
use crate::http::auth::Tokens;
use crate::http::{Auth, Connections, Limits, Options};
use crate::import;
use crate::service::Retention;

/// Checks the access settings against the address and builds the server options.
pub(super) fn server_options(
    listen: std::net::SocketAddr,
    access: Access,
    limits: LimitArgs,
) -> Result<Options> {
    let mut tokens = Tokens::default();
    tokens.add_list(&access.tokens)?;
    if let Some(path) = &access.token_file {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the token file {}", path.display()))?;
        tokens.add_file(path, &text)?;
    }
    if access.open_writes && !listen.ip().is_loopback() {
        bail!(
            "refusing to accept writes without a token on {listen}, which is not a loopback address: \
             drop --open-writes and set ATTACHE_TOKENS or --token-file, or listen on 127.0.0.1"
        );
    }
    if limits.query_timeout <= 0.0 || !limits.query_timeout.is_finite() {
        bail!("--query-timeout must be a positive number of seconds");
    }
    let auth = Auth::with_tokens(tokens, access.reads_need_token, access.open_writes);
    if access.reads_need_token && !auth.has_tokens() {
        bail!("--reads-need-token needs at least one token (ATTACHE_TOKENS or --token-file)");
    }
    if !auth.has_tokens() && !access.open_writes {
        tracing::warn!("no token configured: writes are refused (set ATTACHE_TOKENS or --token-file, or --open-writes on loopback)");
    }
    Ok(Options {
        auth,
        limits: Limits {
            max_depth: limits.max_depth,
            max_complexity: limits.max_complexity,
            max_fields: limits.max_fields,
            max_body: limits.max_body,
            max_document_bytes: limits.max_document_bytes,
            max_operations: limits.max_operations,
            max_fragments: limits.max_fragments,
            query_timeout: Duration::from_secs_f64(limits.query_timeout),
            introspection: !limits.no_introspection,
            document_cache: limits.document_cache,
            persisted_queries: limits.persisted_queries,
            max_batch: limits.max_batch as usize,
        },
        cors_origins: access.cors_origin,
        connections: Connections::default(),
        metrics: crate::metrics::Metrics::new(),
        cluster: None,
    })
}

/// The cluster settings, when `--cluster` names servers.
pub(super) fn cluster_config(args: ClusterArgs) -> Result<Option<ClusterConfig>> {
    let servers: Vec<String> = args
        .servers
        .into_iter()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect();
    if servers.is_empty() {
        return Ok(None);
    }
    if args.min_seq_timeout <= 0.0 || !args.min_seq_timeout.is_finite() {
        bail!("--min-seq-timeout must be a positive number of seconds");
    }
    let mut c = ClusterConfig::new(servers);
    c.token = args.cluster_token;
    c.tls_ca = args.cluster_tls_ca;
    c.stream = args.cluster_stream;
    c.ready_lag = args.ready_lag;
    c.snapshot_every = args.snapshot_every;
    c.snapshots_kept = args.snapshots_kept;
    c.retain = args.cluster_retain;
    c.min_seq_timeout = Duration::from_secs_f64(args.min_seq_timeout);
    Ok(Some(c))
}

/// Checks the connection settings: every timeout a positive number of seconds.
pub(super) fn connection_options(args: ConnectionArgs) -> Result<Connections> {
    let seconds = |flag: &str, s: f64| {
        if s > 0.0 && s.is_finite() {
            Ok(Duration::from_secs_f64(s))
        } else {
            Err(anyhow::anyhow!(
                "--{flag} must be a positive number of seconds, not {s}"
            ))
        }
    };
    Ok(Connections {
        max_connections: args.max_connections as usize,
        header_read_timeout: seconds("header-read-timeout", args.header_read_timeout)?,
        idle_timeout: seconds("idle-timeout", args.idle_timeout)?,
        body_timeout: seconds("body-timeout", args.body_timeout)?,
    })
}

/// What `serve` is asked to do, besides the server's options.
pub(super) struct Plan {
    pub listen: SocketAddr,
    pub metrics_listen: Option<SocketAddr>,
    pub no_seed: bool,
    pub flush_timeout: Duration,
    pub retention: Retention,
    pub style: LogStyle,
    /// Cluster mode: the NATS servers and the stream (`--cluster`).
    pub cluster: Option<ClusterConfig>,
}

pub(super) async fn serve(store: &StoreAt, plan: Plan, mut options: Options) -> Result<()> {
    if let Some(c) = &plan.cluster {
        Cluster::prepare(&store.data, c).await?;
    }
    let service = open(store).await?;
    service.set_flush_timeout(plan.flush_timeout);
    if let Some(c) = plan.cluster {
        // The log is the stream's: local retention would drop change sets
        // behind the stream's back (snapshots trim the stream instead).
        if plan.retention != Retention::All {
            bail!("--log-retention does not apply to a cluster node: the stream is trimmed behind its snapshots");
        }
        let joined = Cluster::start(service.clone(), c, &store.data).await?;
        tracing::info!(status = ?joined.status(), "joined the cluster");
        options.cluster = Some(joined);
    } else {
        super::refuse_if_clustered(&service, "serve this store without --cluster")?;
        service.keep_log(plan.retention);
    }
    if !plan.no_seed {
        let loaded = import::seed_if_new(&service)
            .await
            .context("loading the built-in seed data")?;
        if let Some(r) = loaded {
            tracing::info!(created = r.created, "seed data loaded into a new store");
        }
    }
    let listen = plan.listen;
    let listener =
        crate::http::listen(listen).with_context(|| format!("cannot listen on {listen}"))?;
    let addr = listener.local_addr()?;
    // The private metrics listener stops when the server has.
    let (stop_metrics, stopped) = tokio::sync::oneshot::channel::<()>();
    let mut private = None;
    if let Some(at) = plan.metrics_listen {
        let l = crate::http::listen(at)
            .with_context(|| format!("cannot listen on {at} (--metrics-listen)"))?;
        private = Some(l.local_addr()?);
        tokio::spawn(crate::http::serve_metrics(
            l,
            service.clone(),
            options.metrics.clone(),
            async {
                let _ = stopped.await;
            },
        ));
    }
    started(plan.style, &store.data.display().to_string(), addr, private);
    crate::http::run(listener, service, options, shutdown_signal()).await?;
    let _ = stop_metrics.send(());
    Ok(())
}

/// The start-up line, naming every URL served; written whatever `RUST_LOG`
/// says (scripts wait for it), as a JSON object under `--log-format json`.
fn started(style: LogStyle, data: &str, addr: SocketAddr, metrics: Option<SocketAddr>) {
    let urls = [
        ("graphql", format!("http://{addr}/graphql")),
        ("subscriptions", format!("ws://{addr}/ws")),
        ("explorer", format!("http://{addr}/")),
        ("playground", format!("http://{addr}/playground")),
        ("health", format!("http://{addr}/health")),
        ("metrics", format!("http://{addr}/metrics")),
    ];
    let private = metrics.map(|m| format!("http://{m}/metrics"));
    let mut text = format!(
        "Attaché is serving {data} at {} (subscriptions {}), explorer {}, GraphiQL {}, \
         health {}, metrics {} (with a token)",
        urls[0].1, urls[1].1, urls[2].1, urls[3].1, urls[4].1, urls[5].1
    );
    if let Some(p) = &private {
        text.push_str(&format!(" and {p} (no token)"));
    }
    match style {
        LogStyle::Text => eprintln!("{text}"),
        LogStyle::Json => {
            let mut fields = serde_json::Map::new();
            fields.insert("message".into(), text.into());
            fields.insert("data".into(), data.into());
            for (name, url) in urls {
                fields.insert(name.into(), url.into());
            }
            if let Some(p) = private {
                fields.insert("metrics_private".into(), p.into());
            }
            let line = serde_json::json!({
                "timestamp": crate::model::instant::format_ms(now_ms()),
                "level": "INFO",
                "fields": fields,
                "target": "attache::serve",
            });
            eprintln!("{line}");
        }
    }
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

pub(super) async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
