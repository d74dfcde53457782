//! The Popolo classes Attaché writes and reads, as serde types: the fields
//! of Person, Organization, Post, Membership and Event it uses, named as the
//! Popolo JSON Schemas name them. Fields it does not know are ignored on
//! import (Popolo allows any further properties).

use serde::{Deserialize, Serialize};

fn none<T>(v: &Option<T>) -> bool {
    v.is_none()
}

/// A source: `url` required; `note` names the source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    pub url: String,
    #[serde(default, skip_serializing_if = "none")]
    pub note: Option<String>,
}

/// Another name; `note` says what kind of name (`transliteration`, `former` …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OtherName {
    pub name: String,
    #[serde(default, skip_serializing_if = "none")]
    pub note: Option<String>,
}

/// An identifier in a scheme (a state's ISO 3166-1 code).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identifier {
    pub identifier: String,
    #[serde(default, skip_serializing_if = "none")]
    pub scheme: Option<String>,
}

/// The scheme of a state's code.
pub const ISO_3166: &str = "ISO 3166-1 alpha-2";

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Person {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_names: Vec<OtherName>,
    #[serde(default, skip_serializing_if = "none")]
    pub summary: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<Link>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Organization {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_names: Vec<OtherName>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identifiers: Vec<Identifier>,
    #[serde(default, skip_serializing_if = "none")]
    pub classification: Option<String>,
    #[serde(default, skip_serializing_if = "none")]
    pub parent_id: Option<String>,
    #[serde(default, skip_serializing_if = "none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<Link>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Post {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_label: Vec<String>,
    #[serde(default, skip_serializing_if = "none")]
    pub organization_id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<Link>,
}

/// Who a membership is of, when not a person: `{"@type": "Organization", "id": …}`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Member {
    #[serde(rename = "@type", default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub id: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Membership {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "none")]
    pub role: Option<String>,
    #[serde(default, skip_serializing_if = "none")]
    pub member: Option<Member>,
    #[serde(default, skip_serializing_if = "none")]
    pub person_id: Option<String>,
    #[serde(default, skip_serializing_if = "none")]
    pub organization_id: Option<String>,
    #[serde(default, skip_serializing_if = "none")]
    pub post_id: Option<String>,
    #[serde(default, skip_serializing_if = "none")]
    pub start_date: Option<String>,
    #[serde(default, skip_serializing_if = "none")]
    pub end_date: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<Link>,
}

/// An event's attendee: a person, by id.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Attendee {
    #[serde(default)]
    pub id: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Event {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "none")]
    pub start_date: Option<String>,
    #[serde(default, skip_serializing_if = "none")]
    pub end_date: Option<String>,
    #[serde(default, skip_serializing_if = "none")]
    pub location: Option<String>,
    #[serde(default, skip_serializing_if = "none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "none")]
    pub classification: Option<String>,
    #[serde(default, skip_serializing_if = "none")]
    pub organization_id: Option<String>,
    #[serde(default, skip_serializing_if = "none")]
    pub parent_id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attendees: Vec<Attendee>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<Link>,
}
