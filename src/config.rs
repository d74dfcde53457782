//! The command line: one documented struct, flags with environment fallbacks
//! and defaults that work on a fresh machine.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// Attaché: a knowledge graph of diplomatic meetings — who met whom, when, in
/// what capacity, and who says so.
#[derive(Debug, Parser)]
#[command(name = "attache", version, about, long_about = None)]
pub struct Config {
    /// The store directory (created if missing).
    #[arg(long, global = true, env = "ATTACHE_DATA", default_value = "./data")]
    pub data: PathBuf,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve GraphQL at /graphql and the playground at /playground. An empty
    /// store is loaded with the seed data built into the binary first.
    Serve {
        /// Address to listen on.
        #[arg(long, env = "ATTACHE_LISTEN", default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// Start with an empty store instead of loading the seed data.
        #[arg(long)]
        no_seed: bool,
    },
    /// Import files (or directories of .json files) in the seed-data format:
    /// everything is checked first, then applied in one transaction or not at all.
    Import {
        /// Files or directories to import.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Only check; write nothing.
        #[arg(long)]
        check: bool,
    },
    /// Write the whole graph in the seed-data format.
    Export {
        /// Write to this file instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
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
