//! `attache serve`: the access and limit flags checked and turned into
//! server options, the server run until Ctrl-C or SIGTERM.

use std::time::Duration;

use anyhow::{bail, Context, Result};

use super::{open, StoreAt};
use crate::config::{Access, ConnectionArgs, LimitArgs};
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
    })
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

pub(super) async fn serve(
    store: &StoreAt,
    listen: std::net::SocketAddr,
    no_seed: bool,
    options: Options,
    flush_timeout: Duration,
    retention: Retention,
) -> Result<()> {
    let service = open(store).await?;
    service.set_flush_timeout(flush_timeout);
    service.keep_log(retention);
    if !no_seed {
        let loaded = import::seed_if_new(&service)
            .await
            .context("loading the built-in seed data")?;
        if let Some(r) = loaded {
            tracing::info!(created = r.created, "seed data loaded into a new store");
        }
    }
    let listener =
        crate::http::listen(listen).with_context(|| format!("cannot listen on {listen}"))?;
    let addr = listener.local_addr()?;
    eprintln!(
        "Attaché is serving {} at http://{addr}/graphql — playground: http://{addr}/playground",
        store.data.display()
    );
    crate::http::run(listener, service, options, shutdown_signal()).await?;
    Ok(())
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
