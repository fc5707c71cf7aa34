//! The serde shape of one KB TOML file. Unknown keys are errors, so a typo in a
//! field name is reported instead of silently ignored.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct File {
    #[serde(default)]
    pub model: Vec<Model>,
    #[serde(default)]
    pub ambiguous: Vec<Ambiguous>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Model {
    pub id: Spanned<String>,
    pub name: Option<String>,
    #[serde(default)]
    pub aliases: Vec<Spanned<String>>,
    #[serde(default)]
    pub misspellings: Vec<Spanned<String>>,
    pub kind: Option<Spanned<String>>,
    pub case_sensitive: Option<bool>,
    pub generic: Option<bool>,
    pub org: Option<String>,
    pub released: Option<Spanned<String>>,
    pub released_source: Option<String>,
    #[serde(default)]
    pub released_alternates: Vec<Alternate>,
    pub architecture: Option<Spanned<String>>,
    pub moe: Option<bool>,
    pub paper: Option<Paper>,
    pub description: Option<String>,
    #[serde(default)]
    pub facts: BTreeMap<String, Spanned<Fact>>,
    #[serde(default)]
    pub variants: Vec<Variant>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Variant {
    pub name: Spanned<String>,
    #[serde(default)]
    pub aliases: Vec<Spanned<String>>,
    #[serde(default)]
    pub facts: BTreeMap<String, Spanned<Fact>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fact {
    pub value: Spanned<toml::Value>,
    pub source: Option<String>,
    #[serde(default)]
    pub alternates: Vec<Alternate>,
    pub note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Alternate {
    pub value: Spanned<toml::Value>,
    pub reason: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Paper {
    pub title: String,
    pub url: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ambiguous {
    pub alias: Spanned<String>,
    pub models: Vec<String>,
    pub reason: String,
}
