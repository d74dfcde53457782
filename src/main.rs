//! The `attache` binary: parse the command line, set up logging, dispatch.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{bail, Context, Result};
use clap::Parser;
use indicatif::{ProgressBar, ProgressStyle};

use attache::changelog;
use attache::cluster::{Cluster, ClusterConfig};
use attache::config::{
    Access, ClusterArgs, Command, Config, ConnectionArgs, LimitArgs, LogAction, LogFormat, LogList,
};
use attache::http::auth::Tokens;
use attache::http::{Auth, Connections, Limits, Options};
use attache::import::{self, ImportFailure, Source};
use attache::model::SizeLimits;
use attache::service::Service;
use attache::service::{Author, Retention};

/// Libraries that log message payloads below info: tungstenite logs every
/// WebSocket frame at trace, a `connection_init` with its bearer token
/// included. Capped at info whatever `RUST_LOG` says.
const PAYLOAD_TARGETS: [&str; 2] = ["tungstenite", "tokio_tungstenite"];

fn payload_safe(meta: &tracing::Metadata<'_>) -> bool {
    let target = meta.target();
    *meta.level() <= tracing::Level::INFO
        || !PAYLOAD_TARGETS.iter().any(|p| {
            target
                .strip_prefix(p)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with("::"))
        })
}

fn main() {
    use tracing_subscriber::prelude::*;
    let config = Config::parse();
    tracing_subscriber::registry()
        .with(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,tower_http=warn".into()),
        )
        .with(tracing_subscriber::filter::filter_fn(payload_safe))
        .with(tracing_subscriber::fmt::layer().with_writer(std::io::stderr))
        .init();
    let rt = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("attache: cannot start the runtime: {e}");
            std::process::exit(1);
        }
    };
    if let Err(e) = rt.block_on(dispatch(config)) {
        eprintln!("attache: {e:#}");
        std::process::exit(1);
    }
    // A flush stuck in the kernel must not keep the process alive.
    rt.shutdown_timeout(Duration::from_secs(5));
}

async fn dispatch(config: Config) -> Result<()> {
    let store = StoreAt {
        sizes: config.sizes(),
        data: config.data,
        cache_bytes: config.store_cache_mb << 20,
    };
    match config.command {
        Command::Serve {
            listen,
            no_seed,
            access,
            limits,
            connections,
            flush_timeout,
            log_retention,
            cluster,
        } => {
            let mut options = server_options(listen, access, *limits)?;
            options.connections = connection_options(connections)?;
            if flush_timeout <= 0.0 || !flush_timeout.is_finite() {
                bail!("--flush-timeout must be a positive number of seconds");
            }
            let flush_timeout = Duration::from_secs_f64(flush_timeout);
            let cluster = cluster_config(cluster)?;
            serve(
                &store,
                listen,
                no_seed,
                options,
                flush_timeout,
                log_retention,
                cluster,
            )
            .await
        }
        Command::Import {
            paths,
            check,
            replace,
            no_seed,
            actor,
            comment,
        } => {
            let author = Author::new(actor.unwrap_or_else(cli_actor))
                .op("import")
                .comment(comment);
            import_cmd(&store, &paths, check, replace, no_seed, author).await
        }
        Command::Export { out } => export_cmd(&store, out.as_deref()).await,
        Command::Check => check_cmd(&store).await,
        Command::Log { action, list } => log_cmd(&store, action, list).await,
        Command::Schema { out, check } => schema_cmd(out.as_deref(), check),
    }
}

/// Where the store is and how to open it.
struct StoreAt {
    data: PathBuf,
    cache_bytes: u64,
    sizes: SizeLimits,
}

/// Opens the store on the blocking pool (see [`Service::open_async`]).
async fn open(store: &StoreAt) -> Result<Service> {
    Ok(Service::open_async(&store.data, store.cache_bytes, store.sizes).await?)
}

/// Checks the access settings against the address and builds the server options.
fn server_options(
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
        cluster: None,
    })
}

/// The cluster settings, when `--cluster` names servers.
fn cluster_config(args: ClusterArgs) -> Result<Option<ClusterConfig>> {
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
    c.min_seq_timeout = Duration::from_secs_f64(args.min_seq_timeout);
    Ok(Some(c))
}

/// Refuses to change a cluster node's store behind the stream's back.
fn refuse_if_clustered(service: &Service, what: &str) -> Result<()> {
    if service.cluster_applied()?.is_some() {
        bail!(
            "refusing to {what}: this store belongs to a cluster, whose change log is the shared NATS stream; \
             a local change would not reach the other nodes (and the applier would stop at it): \
             serve it with --cluster and the same NATS servers, and import through a running node's API \
             (the `import` mutation)"
        );
    }
    Ok(())
}

/// Checks the connection settings: every timeout a positive number of seconds.
fn connection_options(args: ConnectionArgs) -> Result<Connections> {
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

async fn serve(
    store: &StoreAt,
    listen: std::net::SocketAddr,
    no_seed: bool,
    mut options: Options,
    flush_timeout: Duration,
    retention: Retention,
    cluster: Option<ClusterConfig>,
) -> Result<()> {
    if let Some(c) = &cluster {
        Cluster::prepare(&store.data, c).await?;
    }
    let service = open(store).await?;
    service.set_flush_timeout(flush_timeout);
    if let Some(c) = cluster {
        // The log is the stream's: local retention would drop change sets
        // behind the stream's back (snapshots trim the stream instead).
        if retention != Retention::All {
            bail!("--log-retention does not apply to a cluster node: the stream is trimmed behind its snapshots");
        }
        let joined = Cluster::start(service.clone(), c).await?;
        tracing::info!(status = ?joined.status(), "joined the cluster");
        options.cluster = Some(joined);
    } else {
        refuse_if_clustered(&service, "serve this store without --cluster")?;
        service.keep_log(retention);
    }
    if !no_seed {
        let loaded = import::seed_if_new(&service)
            .await
            .context("loading the built-in seed data")?;
        if let Some(r) = loaded {
            tracing::info!(created = r.created, "seed data loaded into a new store");
        }
    }
    let listener =
        attache::http::listen(listen).with_context(|| format!("cannot listen on {listen}"))?;
    let addr = listener.local_addr()?;
    eprintln!(
        "Attaché is serving {} at http://{addr}/graphql — playground: http://{addr}/playground",
        store.data.display()
    );
    attache::http::run(listener, service, options, shutdown_signal()).await?;
    Ok(())
}

async fn shutdown_signal() {
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

/// Expands directories into their .json files, sorted.
fn collect(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut files: Vec<PathBuf> = std::fs::read_dir(p)
                .with_context(|| format!("cannot read directory {}", p.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.extension().is_some_and(|x| x == "json"))
                .collect();
            files.sort();
            out.extend(files);
        } else {
            out.push(p.clone());
        }
    }
    if out.is_empty() {
        bail!("no .json files to import in {paths:?}");
    }
    Ok(out)
}

fn spinner(msg: &str) -> ProgressBar {
    let pb = ProgressBar::new_spinner();
    pb.set_style(ProgressStyle::with_template("{spinner} {msg} [{elapsed}]").expect("template"));
    pb.set_message(msg.to_owned());
    pb.enable_steady_tick(Duration::from_millis(120));
    pb
}

/// Counts the bytes read into a progress bar.
struct Progress<R> {
    inner: R,
    bar: ProgressBar,
}

impl<R: Read> Read for Progress<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.bar.inc(n as u64);
        Ok(n)
    }
}

async fn import_cmd(
    store: &StoreAt,
    paths: &[PathBuf],
    check: bool,
    replace: bool,
    no_seed: bool,
    author: Author,
) -> Result<()> {
    let files = collect(paths)?;
    let total: u64 = files
        .iter()
        .filter_map(|f| f.metadata().ok())
        .map(|m| m.len())
        .sum();
    let pb = ProgressBar::new(total);
    pb.set_style(
        ProgressStyle::with_template("reading {bytes}/{total_bytes} {wide_bar} {msg}")
            .expect("template"),
    );
    // Each file is read once, a record at a time, before the store is opened:
    // a bad file fails at once, whatever the size of the store.
    let mut sources = Vec::new();
    for f in &files {
        let file =
            std::fs::File::open(f).with_context(|| format!("cannot read {}", f.display()))?;
        let reader = Progress {
            inner: file,
            bar: pb.clone(),
        };
        sources.push(Source::new(f.display().to_string(), reader));
    }
    // Problems stay with what was read: the check against the store below
    // adds what the records that were read get wrong, in the same report.
    let mut parsed = import::read_all(sources, store.sizes);
    pb.finish_and_clear();
    if replace {
        parsed = parsed.replacing();
    }
    let service = open(store).await?;
    if !check {
        refuse_if_clustered(&service, "import into this store")?;
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
fn cli_actor() -> String {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_else(|_| "unknown".into());
    format!("cli:{user}")
}

async fn export_cmd(store: &StoreAt, out: Option<&Path>) -> Result<()> {
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

async fn check_cmd(store: &StoreAt) -> Result<()> {
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

/// `attache log`: list, export, show or compact the change log.
async fn log_cmd(store: &StoreAt, action: Option<LogAction>, list: LogList) -> Result<()> {
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
                refuse_if_clustered(&service, "compact this store's log")?;
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

fn schema_cmd(out: Option<&Path>, check: bool) -> Result<()> {
    let sdl = attache::api::sdl();
    match (out, check) {
        (Some(path), true) => {
            let on_disk = std::fs::read_to_string(path).unwrap_or_default();
            if on_disk != sdl {
                bail!(
                    "{} is stale: run `attache schema --out {}`",
                    path.display(),
                    path.display()
                );
            }
            eprintln!("{} is current", path.display());
        }
        (Some(path), false) => {
            std::fs::write(path, &sdl)
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!("wrote {}", path.display());
        }
        (None, _) => print!("{sdl}"),
    }
    Ok(())
}
