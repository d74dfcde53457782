//! The `attache` command line: parse the flags, set up logging, run one
//! command. One file per command; `main.rs` only calls [`main`].
//!
//! - `serve.rs`: `attache serve` (options checked against the address, the
//!   server, shutdown on a signal);
//! - `import.rs`: `attache import` (files read with a progress bar);
//! - `export.rs`, `check.rs`, `log.rs`, `schema.rs`: the other commands;
//! - `logging.rs`: the log subscriber.

mod check;
mod export;
mod import;
mod log;
mod logging;
mod progress;
mod schema;
mod serve;

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{bail, Result};

use crate::config::{Command, Config};
use crate::model::SizeLimits;
use crate::service::{Author, Service};

/// Runs the command line and exits with its status.
pub fn main() {
    let config = parse();
    logging::init(config.log_format);
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
            metrics_listen,
            access,
            limits,
            connections,
            flush_timeout,
            log_retention,
            cluster,
        } => {
            let mut options = serve::server_options(listen, access, *limits)?;
            options.connections = serve::connection_options(connections)?;
            if flush_timeout <= 0.0 || !flush_timeout.is_finite() {
                bail!("--flush-timeout must be a positive number of seconds");
            }
            let plan = serve::Plan {
                listen,
                metrics_listen,
                no_seed,
                flush_timeout: Duration::from_secs_f64(flush_timeout),
                retention: log_retention,
                style: config.log_format,
                cluster: serve::cluster_config(*cluster)?,
            };
            serve::serve(&store, plan, options).await
        }
        Command::Import {
            paths,
            format,
            mapping,
            check,
            replace,
            no_seed,
            actor,
            comment,
            cluster,
        } => {
            let author = Author::new(actor.unwrap_or_else(import::cli_actor))
                .op("import")
                .comment(comment);
            let what = import::ImportArgs {
                format,
                mapping,
                check,
                replace,
                no_seed,
                cluster: serve::cluster_config(*cluster)?,
            };
            import::import_cmd(&store, &paths, what, author).await
        }
        Command::Export { out, format } => export::export_cmd(&store, out.as_deref(), format).await,
        Command::Check => check::check_cmd(&store).await,
        Command::Log { action, list } => log::log_cmd(&store, action, list).await,
        Command::Schema { out, check } => schema::schema_cmd(out.as_deref(), check),
        Command::Completions { shell } => {
            completions(shell);
            Ok(())
        }
    }
}

/// Refuses to change a cluster node's store behind the stream's back.
pub(super) fn refuse_if_clustered(service: &Service, what: &str) -> Result<()> {
    if service.cluster_applied()?.is_some() {
        bail!(
            "refusing to {what}: this store belongs to a cluster, whose change log is the shared NATS stream; \
             a local change would not reach the other nodes (and the applier would stop at it): \
             serve it with --cluster and the same NATS servers, and import through a running node's API \
             (the `import` mutation) or with `attache import --cluster` on a stopped node's store"
        );
    }
    Ok(())
}

/// The store flags: they apply to the commands that open a store.
const STORE_FLAGS: [&str; 4] = ["data", "store_cache_mb", "max_string", "max_record"];

/// Parses the command line; exits with clap's usage error when a store flag
/// is given on it to a command that opens no store (`schema`,
/// `completions`). The same setting in the environment is left alone: it is
/// meant for every command.
fn parse() -> Config {
    use clap::parser::ValueSource;
    use clap::{CommandFactory, FromArgMatches};
    let mut command = Config::command();
    let matches = command.get_matches_mut();
    if let Some((name @ ("schema" | "completions"), sub)) = matches.subcommand() {
        for flag in STORE_FLAGS {
            if sub.value_source(flag) == Some(ValueSource::CommandLine)
                || matches.value_source(flag) == Some(ValueSource::CommandLine)
            {
                let long = flag.replace('_', "-");
                command
                    .error(
                        clap::error::ErrorKind::ArgumentConflict,
                        format!(
                            "--{long} does not apply to `attache {name}`, which opens no store"
                        ),
                    )
                    .exit();
            }
        }
    }
    Config::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
}

/// Prints `shell`'s completion script for every command and flag.
fn completions(shell: clap_complete::Shell) {
    let mut command = <Config as clap::CommandFactory>::command();
    clap_complete::generate(shell, &mut command, "attache", &mut std::io::stdout());
}

/// Whether `dir` holds a store (sled writes its `conf` and `db` files on
/// creation), as opposed to a missing or unrelated directory.
pub(super) fn is_store(dir: &std::path::Path) -> bool {
    dir.join("conf").is_file() && dir.join("db").is_file()
}

/// Where the store is and how to open it.
pub(super) struct StoreAt {
    data: PathBuf,
    cache_bytes: u64,
    sizes: SizeLimits,
}

/// Opens the store on the blocking pool (see [`Service::open_async`]).
pub(super) async fn open(store: &StoreAt) -> Result<Service> {
    Ok(Service::open_async(&store.data, store.cache_bytes, store.sizes).await?)
}
