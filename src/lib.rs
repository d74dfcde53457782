//! Attaché: a knowledge graph of diplomatic meetings — who met whom, when, in
//! what capacity, and who says so.
//!
//! # Layout
//! - [`model`]: pure types (ids, kinds, partial dates, names, citations, records).
//! - [`store`]: sled, the source of truth; each write all or nothing (one
//!   transaction, or chunks under an undo journal for a large import).
//! - [`graph`]: the petgraph index rebuilt from the store; reads and search.
//! - [`service`]: the one write path (validate → store → graph → event) and durability.
//! - [`import`]: the import format (`attache/1`): stream-parse with line numbers,
//!   check, apply; export.
//! - [`api`]: the GraphQL schema, the only user of async-graphql.
//! - [`http`]: the axum server, the only user of axum.
//! - [`cli`]: the `attache` commands, one file each (`main.rs` only calls [`cli::main`]).
//! - [`config`]: the command line.
//! - [`metrics`]: what the server counts, for `/metrics` (the only user of `prometheus`).
//! - [`changelog`]: `attache log`: list, show, export and compact the change log.
//! - [`cluster`]: cluster mode: the change log shared over NATS JetStream
//!   (publisher, applier, snapshots); used by `main` and [`http`].
//!
//! Dependencies point one way: http → api → service → graph/store → model;
//! `cluster` sits beside `http`, over `service`, which it reaches through
//! [`service::Replicator`].

pub mod api;
pub mod changelog;
pub mod cli;
pub mod cluster;
pub mod config;
pub mod formats;
pub mod graph;
pub mod http;
pub mod import;
pub mod metrics;
pub mod model;
pub mod service;
pub mod store;
