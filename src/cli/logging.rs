//! Logging set-up: where log lines go, in what form, and which are never written.

use crate::config::LogStyle;

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

/// Installs the global subscriber: `RUST_LOG` (default `info`), lines to
/// standard error as text (coloured only when it is a terminal) or JSON,
/// payload-logging targets capped at info.
pub(super) fn init(style: LogStyle) {
    use std::io::IsTerminal;
    use tracing_subscriber::prelude::*;
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "info,tower_http=warn".into());
    let registry = tracing_subscriber::registry()
        .with(filter)
        .with(tracing_subscriber::filter::filter_fn(payload_safe));
    let lines = tracing_subscriber::fmt::layer().with_writer(std::io::stderr);
    match style {
        LogStyle::Text => registry
            .with(lines.with_ansi(std::io::stderr().is_terminal()))
            .init(),
        LogStyle::Json => registry.with(lines.json().with_ansi(false)).init(),
    }
}
