//! One FollowTheMoney entity as written and read: an id, a schema and
//! properties, each a list of strings; plus the value conversions both
//! directions share (languages, countries, names).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::NameKind;

/// An FtM entity, as one line of a JSON lines file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entity {
    pub id: String,
    pub schema: String,
    #[serde(default)]
    pub properties: BTreeMap<String, Vec<String>>,
}

impl Entity {
    pub fn new(id: String, schema: &str) -> Self {
        Entity {
            id,
            schema: schema.to_owned(),
            properties: BTreeMap::new(),
        }
    }

    /// Adds a value, once.
    pub fn add(&mut self, prop: &str, value: impl Into<String>) {
        let value = value.into();
        if value.trim().is_empty() {
            return;
        }
        let values = self.properties.entry(prop.to_owned()).or_default();
        if !values.contains(&value) {
            values.push(value);
        }
    }

    pub fn add_opt(&mut self, prop: &str, value: Option<impl Into<String>>) {
        if let Some(v) = value {
            self.add(prop, v);
        }
    }

    /// The values of a property (none when absent).
    pub fn get(&self, prop: &str) -> &[String] {
        self.properties.get(prop).map(Vec::as_slice).unwrap_or(&[])
    }

    pub fn first(&self, prop: &str) -> Option<&str> {
        self.get(prop).first().map(String::as_str)
    }
}

/// BCP 47 primary tags and the ISO 639-3 codes FtM spells languages with,
/// for the languages of the region Attaché covers and the common ones.
const LANGUAGES: &[(&str, &str)] = &[
    ("ar", "ara"),
    ("be", "bel"),
    ("de", "deu"),
    ("en", "eng"),
    ("es", "spa"),
    ("fa", "fas"),
    ("fr", "fra"),
    ("hi", "hin"),
    ("kk", "kaz"),
    ("ky", "kir"),
    ("mn", "mon"),
    ("ru", "rus"),
    ("tg", "tgk"),
    ("tk", "tuk"),
    ("tr", "tur"),
    ("ur", "urd"),
    ("uz", "uzb"),
    ("zh", "zho"),
];

/// FtM's code for a language tag's primary language, when known.
pub fn language_to_ftm(tag: &str) -> Option<&'static str> {
    let primary = tag.split('-').next()?.to_ascii_lowercase();
    LANGUAGES
        .iter()
        .find(|(two, three)| *two == primary || *three == primary)
        .map(|(_, three)| *three)
}

/// The language tag for FtM's code, when known.
pub fn language_from_ftm(code: &str) -> Option<&'static str> {
    LANGUAGES
        .iter()
        .find(|(two, three)| *three == code || *two == code)
        .map(|(two, _)| *two)
}

/// Whether a schema is one of FtM's legal entities (these take `abbreviation`).
pub fn is_legal_entity(schema: &str) -> bool {
    matches!(
        schema,
        "Person" | "Organization" | "PublicBody" | "Company" | "LegalEntity"
    )
}

/// The FtM name property an alias of this kind goes to.
pub fn alias_prop(kind: NameKind, schema: &str) -> &'static str {
    match kind {
        NameKind::Former => "previousName",
        NameKind::Initials => "weakAlias",
        NameKind::Acronym if is_legal_entity(schema) => "abbreviation",
        NameKind::Acronym => "weakAlias",
        NameKind::NativeScript | NameKind::Transliteration | NameKind::Translation => "alias",
    }
}

/// The name properties read back as aliases, with the kind each gives.
pub const NAME_PROPS: &[(&str, NameKind)] = &[
    ("alias", NameKind::Transliteration),
    ("weakAlias", NameKind::Initials),
    ("previousName", NameKind::Former),
    ("abbreviation", NameKind::Acronym),
];
