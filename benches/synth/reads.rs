//! The two lookups of issue 12's read rows, as the reads benchmark sends
//! them and the reads reference test checks them: Q1 an official with every
//! office held and each office's state, Q2 a meeting with its attendees and
//! the office each attended in (stated, else the one held on the date).
//!
//! Included with `#[path]` beside `synth/mod.rs`.

#![allow(dead_code)] // each includer uses its own part

/// Q1: an official, the offices held (dates, acting) and each office's state.
pub const Q1: &str = "query Official($id: ID!) { person(id: $id) { id name \
    tenures { start { text } end { text } acting office { id name jurisdiction { id name } } } } }";

/// Q2: a meeting, its attendees and the office each attended in at its date.
pub const Q2: &str = "query Meeting($id: ID!) { meeting(id: $id) { id name startDate { text } \
    attendances { person { id name } capacity { id name } capacityStatus } } }";
