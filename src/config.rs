//! The command line: one documented struct, flags with environment fallbacks
//! and defaults that work on a fresh machine.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::builder::BoolishValueParser;
use clap::{ArgAction, Parser, Subcommand};

use crate::formats::Format;
use crate::model::SizeLimits;
use crate::service::Retention;

const EXAMPLES: &str = "\
Examples:
  attache serve                                   serve ./data on 127.0.0.1:8080 (seeded if new)
  attache --data /srv/attache serve --listen 0.0.0.0:8080 --metrics-listen 10.0.0.5:9184
  attache import reports/                         import every .json file of a directory
  attache export --out backup.json                write the whole graph as one import document
  attache log --limit 5                           the latest five change sets
  attache completions bash > /etc/bash_completion.d/attache

Every flag has an environment variable (ATTACHE_…); `attache COMMAND --help` lists them.";

const SERVE_EXAMPLES: &str = "\
Examples:
  attache serve --open-writes                     local work: writes without a token, on loopback only
  ATTACHE_TOKENS=ana:editor:s3cret attache serve --listen 0.0.0.0:8080
  attache serve --metrics-listen 127.0.0.1:9184   /metrics without a token on a private port
  attache --log-format json serve                 one JSON object a log line, for a log shipper
  RUST_LOG=warn,attache::access=info attache serve   only the access log (and warnings)";

const IMPORT_EXAMPLES: &str = "\
Examples:
  attache import --check report.json              show what would change; write nothing
  attache import report.json more/                files and directories of .json files
  attache import --replace --comment 'corrected by the SCO communique' fix.json
  attache --data restored import --no-seed backup.json   restore an export exactly";

const EXPORT_EXAMPLES: &str = "\
Examples:
  attache export > graph.json
  attache --data /srv/attache export --out /backups/attache.json";

const LOG_EXAMPLES: &str = "\
Examples:
  attache log --actor cli:ana --limit 10          what one actor did last
  attache log --id person:jane-doe                every change set that touched one record
  attache log show 42                             change set 42 with its records, before and after
  attache log --format jsonl --after 1000 > tail.jsonl
  attache log compact --keep 100000";

/// Attaché: a knowledge graph of diplomatic meetings — who met whom, when, in
/// what capacity, and who says so.
#[derive(Debug, Parser)]
#[command(name = "attache", version, about, long_about = None, after_help = EXAMPLES)]
pub struct Config {
    /// The store directory (created if missing).
    #[arg(long, global = true, env = "ATTACHE_DATA", default_value = "./data")]
    pub data: PathBuf,

    /// sled's page cache in MiB. Reads come from the in-memory graph, so
    /// this serves only writes and the scan at start-up.
    #[arg(long, global = true, env = "ATTACHE_STORE_CACHE_MB", default_value_t = 64,
          value_parser = clap::value_parser!(u64).range(1..=1_048_576))]
    pub store_cache_mb: u64,

    /// Longest string field of a record, in bytes (UTF-8, after JSON
    /// unescaping). Every write keeps to it: mutations, imports (the command
    /// and the mutation) and the seed data.
    #[arg(long, global = true, env = "ATTACHE_MAX_STRING",
          default_value_t = SizeLimits::DEFAULT_MAX_STRING as u64,
          value_parser = clap::value_parser!(u64).range(1..=u32::MAX as u64))]
    pub max_string: u64,

    /// Largest record, in bytes of compact JSON (whitespace outside strings
    /// not counted). An import holds one record's text at a time, so this also
    /// bounds the memory its reading takes.
    #[arg(long, global = true, env = "ATTACHE_MAX_RECORD",
          default_value_t = SizeLimits::DEFAULT_MAX_RECORD as u64,
          value_parser = clap::value_parser!(u64).range(1..=u32::MAX as u64))]
    pub max_record: u64,

    /// How log lines are written to standard error: `text` (coloured only
    /// on a terminal) or `json` (one JSON object a line, for a log shipper).
    #[arg(long, global = true, env = "ATTACHE_LOG_FORMAT", value_enum,
          default_value_t = LogStyle::Text)]
    pub log_format: LogStyle,

    #[command(subcommand)]
    pub command: Command,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogStyle {
    Text,
    Json,
}

impl Config {
    /// The size limits the flags set.
    pub fn sizes(&self) -> SizeLimits {
        SizeLimits {
            max_string: self.max_string as usize,
            max_record: self.max_record as usize,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve GraphQL at /graphql and the playground at /playground. An empty
    /// store is loaded with the seed data built into the binary first.
    #[command(after_help = SERVE_EXAMPLES)]
    Serve {
        /// Address to listen on.
        #[arg(long, env = "ATTACHE_LISTEN", default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// Start with an empty store instead of loading the seed data.
        #[arg(long)]
        no_seed: bool,
        /// Also serve `/metrics` on this address, with no token: a private
        /// address for the Prometheus scraper (`127.0.0.1:9184`, or an
        /// internal interface). On `--listen`, `/metrics` needs a token.
        #[arg(long, env = "ATTACHE_METRICS_LISTEN")]
        metrics_listen: Option<SocketAddr>,
        #[command(flatten)]
        access: Access,
        /// Boxed: the limits are most of `serve`'s flags, and the command
        /// enum would otherwise be many times the size of its other variants.
        #[command(flatten)]
        limits: Box<LimitArgs>,
        #[command(flatten)]
        connections: ConnectionArgs,
        /// Longest a flush to disk may take, in seconds, before the server
        /// gives up on the disk and turns read-only (until restarted); also
        /// bounds the last flush at shutdown.
        #[arg(long, env = "ATTACHE_FLUSH_TIMEOUT", default_value_t = 30.0)]
        flush_timeout: f64,
        /// How much of the change log to keep: `all` (the default), a number
        /// of change sets (`100000`), or an age (`90d`, `12h`). Older change
        /// sets are compacted away in the background; records are never
        /// touched, and history and `asOf` reach back only as far as the log.
        #[arg(long, env = "ATTACHE_LOG_RETENTION", default_value = "all")]
        log_retention: Retention,
        #[command(flatten)]
        cluster: Box<ClusterArgs>,
    },
    /// Import files (or directories of .json files) in the import format
    /// (attache/1), or in another format with --format: everything is
    /// checked first, then applied all or nothing. A record that exists is
    /// merged: what the files add is added, nothing is dropped, and a field
    /// given another value is a conflict.
    #[command(after_help = IMPORT_EXAMPLES)]
    Import {
        /// Files or directories to import.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// The files' format (graph-schema/formats.md): each is read into
        /// attache/1 records, then imported as those would be.
        #[arg(long, value_enum, default_value_t = Format::Attache)]
        format: Format,
        /// For --format csv: the column mapping (JSON) saying which column
        /// is the person, the meeting, the role, the date and the source.
        #[arg(long)]
        mapping: Option<PathBuf>,
        /// Only check, and show what the import would change; write nothing.
        #[arg(long)]
        check: bool,
        /// Replace each record that exists as a whole instead of merging
        /// into it: what the files leave out is removed (and reported).
        #[arg(long)]
        replace: bool,
        /// Into a new store (never written to), do not load the built-in seed
        /// data with the files. By default a new store gets it, as `serve`
        /// would give it, so the files may name the seed's records.
        #[arg(long)]
        no_seed: bool,
        /// Who the change log names as the import's author (default:
        /// `cli:` and the login name).
        #[arg(long)]
        actor: Option<String>,
        /// Why: kept with the import's change set.
        #[arg(long)]
        comment: Option<String>,
        /// With `--cluster` (or ATTACHE_CLUSTER), the import goes through
        /// the cluster's shared log: the store (a stopped node's, or an empty
        /// directory) catches up with the stream first, and every node gets
        /// the import.
        #[command(flatten)]
        cluster: Box<ClusterArgs>,
    },
    /// Check the store: every index agrees with the records, no relation names
    /// a missing node, the graph rebuilds. Exits non-zero on any problem.
    Check,
    /// Write the whole graph in the import format, or in another format
    /// with --format (graph-schema/formats.md). The store must exist.
    #[command(after_help = EXPORT_EXAMPLES)]
    Export {
        /// Write to this file instead of standard output (a directory for
        /// --format csv, which writes several files).
        #[arg(long)]
        out: Option<PathBuf>,
        /// The format to write.
        #[arg(long, value_enum, default_value_t = Format::Attache)]
        format: Format,
    },
    /// List the change log, newest first (`--format jsonl`: export it, one
    /// change set with its entries a line, oldest first); `log show N` shows
    /// one change set; `log compact` removes old change sets (records stay).
    #[command(args_conflicts_with_subcommands = true, after_help = LOG_EXAMPLES)]
    Log {
        #[command(subcommand)]
        action: Option<LogAction>,
        #[command(flatten)]
        list: LogList,
    },
    /// Print a shell completion script: `attache completions bash >
    /// /etc/bash_completion.d/attache` (zsh: a file named `_attache` in a
    /// directory of `$fpath`; fish: `~/.config/fish/completions/attache.fish`).
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the GraphQL schema (SDL), or write it to a file.
    Schema {
        /// Write to this file (e.g. graph-schema/schema.graphql).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Exit non-zero if the file given with --out differs from the code.
        #[arg(long, requires = "out")]
        check: bool,
    },
}

/// Which change sets `attache log` lists.
#[derive(Debug, clap::Args)]
pub struct LogList {
    /// Only change sets after this number.
    #[arg(long, default_value_t = 0)]
    pub after: u64,
    /// At most this many (text: 20 by default; jsonl: all).
    #[arg(long)]
    pub limit: Option<usize>,
    /// Only change sets by this actor (e.g. `cli:ana`, a token's name).
    #[arg(long)]
    pub actor: Option<String>,
    /// Only change sets that touched this record.
    #[arg(long)]
    pub id: Option<String>,
    /// `text`: a line per change set, newest first. `jsonl`: each change set
    /// with its entries as a JSON line, oldest first.
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    pub format: LogFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Jsonl,
}

#[derive(Debug, Subcommand)]
pub enum LogAction {
    /// Show change set N and every record it touched.
    Show {
        seq: u64,
        /// `jsonl`: the change set with its entries, before and after, as JSON.
        #[arg(long, value_enum, default_value_t = LogFormat::Text)]
        format: LogFormat,
    },
    /// Remove old change sets from the log; the records stay as they are and
    /// the store is verified afterwards. Stop the server first.
    Compact {
        /// Keep the latest N change sets.
        #[arg(long, required_unless_present = "before", conflicts_with = "before")]
        keep: Option<u64>,
        /// Remove change sets committed before TIME (`2026-01-01` or
        /// `2026-01-01T12:00:00Z`, UTC).
        #[arg(long, value_parser = crate::changelog::parse_time)]
        before: Option<i64>,
    },
}

/// Who may read and write. Writes (mutations, imports) need a bearer token
/// whose role is editor or admin; with none configured they are refused,
/// unless `--open-writes` on a loopback address.
#[derive(Debug, clap::Args)]
pub struct Access {
    /// A file of bearer tokens, one a line: `NAME ROLE TOKEN` (ROLE: reader,
    /// editor or admin) or a bare token (an editor named `token-N` by its
    /// position). A line starting with `#` is a comment.
    #[arg(long, env = "ATTACHE_TOKEN_FILE")]
    pub token_file: Option<PathBuf>,
    /// Bearer tokens, comma-separated: each `name:role:token` or a bare token.
    /// Prefer the environment variable or a file: a command line is visible
    /// to other users of the machine.
    #[arg(
        long,
        env = "ATTACHE_TOKENS",
        hide_env_values = true,
        value_delimiter = ','
    )]
    pub tokens: Vec<String>,
    /// Reads need a token too.
    #[arg(long, env = "ATTACHE_READS_NEED_TOKEN", value_parser = BoolishValueParser::new(),
          action = ArgAction::SetTrue)]
    pub reads_need_token: bool,
    /// Allow writes without a token, for local work; refused unless listening on loopback.
    #[arg(long, env = "ATTACHE_OPEN_WRITES", value_parser = BoolishValueParser::new(),
          action = ArgAction::SetTrue)]
    pub open_writes: bool,
    /// Origins allowed to call the API from a browser (CORS), comma-separated; none by default.
    #[arg(long, env = "ATTACHE_CORS_ORIGINS", value_delimiter = ',')]
    pub cors_origin: Vec<String>,
}

/// Limits on a single request.
#[derive(Debug, clap::Args)]
pub struct LimitArgs {
    /// Deepest selection nesting.
    #[arg(long, env = "ATTACHE_MAX_DEPTH", default_value_t = 15)]
    pub max_depth: usize,
    /// Most complexity points (a field is one; lists count their page size).
    #[arg(long, env = "ATTACHE_MAX_COMPLEXITY", default_value_t = 50_000)]
    pub max_complexity: usize,
    /// Most fields in a document, aliases included.
    #[arg(long, env = "ATTACHE_MAX_FIELDS", default_value_t = 500)]
    pub max_fields: usize,
    /// Largest request body in bytes (and largest /ws message).
    #[arg(long, env = "ATTACHE_MAX_BODY", default_value_t = 32 * 1024 * 1024)]
    pub max_body: usize,
    /// Largest GraphQL document (the `query` text) in bytes; checked before parsing.
    #[arg(long, env = "ATTACHE_MAX_DOCUMENT_BYTES", default_value_t = 256 * 1024)]
    pub max_document_bytes: usize,
    /// Most operations in one document; counted before parsing.
    #[arg(long, env = "ATTACHE_MAX_OPERATIONS", default_value_t = 100)]
    pub max_operations: usize,
    /// Most fragment definitions in one document; counted before parsing.
    #[arg(long, env = "ATTACHE_MAX_FRAGMENTS", default_value_t = 200)]
    pub max_fragments: usize,
    /// Longest a query may run, in seconds.
    #[arg(long, env = "ATTACHE_QUERY_TIMEOUT", default_value_t = 30.0)]
    pub query_timeout: f64,
    /// Do not answer introspection (`__schema`, `__type`).
    #[arg(long, env = "ATTACHE_NO_INTROSPECTION", value_parser = BoolishValueParser::new(),
          action = ArgAction::SetTrue)]
    pub no_introspection: bool,
    /// Most parsed documents kept for reuse (a request with the same text
    /// is not parsed again); 0 keeps none.
    #[arg(long, env = "ATTACHE_DOCUMENT_CACHE", default_value_t = 1_000)]
    pub document_cache: usize,
    /// Most automatic persisted queries (Apollo's APQ) kept; 0 keeps none.
    #[arg(long, env = "ATTACHE_PERSISTED_QUERIES", default_value_t = 1_000)]
    pub persisted_queries: usize,
    /// Most requests in one JSON array batch on POST /graphql; each is
    /// checked against every limit as a request of its own.
    #[arg(long, env = "ATTACHE_MAX_BATCH", default_value_t = 10,
          value_parser = clap::value_parser!(u32).range(1..=1_000))]
    pub max_batch: u32,
}

/// Limits on connections: how many may be open, and how long one may hold
/// its slot without sending a request.
#[derive(Debug, clap::Args)]
pub struct ConnectionArgs {
    /// Most connections open at once (WebSockets included); past it the server
    /// stops accepting until one closes. Lowered at start-up to fit the file limit.
    #[arg(long, env = "ATTACHE_MAX_CONNECTIONS", default_value_t = 1024,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub max_connections: u32,
    /// Seconds a client has to send a whole request head, from connecting or,
    /// on a kept-alive connection, from the first byte of its next request.
    #[arg(long, env = "ATTACHE_HEADER_READ_TIMEOUT", default_value_t = 5.0)]
    pub header_read_timeout: f64,
    /// Seconds a kept-alive connection may wait for its next request.
    #[arg(long, env = "ATTACHE_IDLE_TIMEOUT", default_value_t = 30.0)]
    pub idle_timeout: f64,
    /// Seconds a client has to send a whole request body, from the end of its head.
    #[arg(long, env = "ATTACHE_BODY_TIMEOUT", default_value_t = 60.0)]
    pub body_timeout: f64,
}

/// Cluster mode: the change log is a NATS JetStream stream shared by every
/// node (see README, "Running a cluster"). Without `--cluster` nothing of
/// this applies.
#[derive(Debug, Clone, clap::Args)]
pub struct ClusterArgs {
    /// NATS servers holding the shared change log, comma-separated
    /// (`nats://h1:4222,nats://h2:4222,nats://h3:4222`; `tls://` for TLS).
    /// Three servers or more: the stream keeps three replicas.
    #[arg(long = "cluster", env = "ATTACHE_CLUSTER", value_delimiter = ',')]
    pub servers: Vec<String>,
    /// The NATS auth token (`authorization { token: … }` on the servers).
    #[arg(long, env = "ATTACHE_CLUSTER_TOKEN", hide_env_values = true)]
    pub cluster_token: Option<String>,
    /// A PEM file of CA certificates to trust for TLS to NATS.
    #[arg(long, env = "ATTACHE_CLUSTER_TLS_CA")]
    pub cluster_tls_ca: Option<PathBuf>,
    /// The JetStream stream holding the change log.
    #[arg(long, env = "ATTACHE_CLUSTER_STREAM", default_value = "ATTACHE_LOG")]
    pub cluster_stream: String,
    /// `/ready` answers 200 while this node is at most this many change
    /// sets behind the stream.
    #[arg(long, env = "ATTACHE_READY_LAG", default_value_t = 100)]
    pub ready_lag: u64,
    /// Write a snapshot to the JetStream object store every this many
    /// change sets (0: never); the stream is trimmed behind the oldest kept.
    #[arg(long, env = "ATTACHE_SNAPSHOT_EVERY", default_value_t = 10_000)]
    pub snapshot_every: u64,
    /// Snapshots kept in the object store.
    #[arg(long, env = "ATTACHE_SNAPSHOTS_KEPT", default_value_t = 2)]
    pub snapshots_kept: usize,
    /// Change sets the stream keeps behind its newest, however old the
    /// snapshots: a node that falls this far behind (or stays down this
    /// long) still catches up by replay; one further behind must start
    /// again from an empty data directory (the latest snapshot).
    #[arg(long, env = "ATTACHE_CLUSTER_RETAIN", default_value_t = 100_000)]
    pub cluster_retain: u64,
    /// Longest a request may wait, in seconds, for the minimum sequence it
    /// asks for (`X-Attache-Min-Seq`) before it fails `UNAVAILABLE`.
    #[arg(long, env = "ATTACHE_MIN_SEQ_TIMEOUT", default_value_t = 5.0)]
    pub min_seq_timeout: f64,
}
