//! Claims: a quantity attached to a model and an attribute.
//!
//! Scoping, in order: a table cell takes its model from its column or row header and
//! its attribute from the other header; otherwise the attribute comes from a keyword
//! near the number or from its unit, and the model from the nearest mention in the
//! same sentence or list item, else the parent list item, else the enclosing
//! heading. When two models are equally likely, no claim: precision beats recall.

use std::ops::Range;

use crate::kb::{Attribute, Kb, ModelId};
use crate::markdown::Structure;
use crate::mentions::Mention;
use crate::quantities::{Date, Number, Quantity};

#[derive(Debug, Clone, PartialEq)]
pub enum ClaimValue {
    Number(Number),
    /// Smallest and largest variant (`7B-65B`).
    Range(Number, Number),
    Date(Date),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Claim {
    /// The quantity as written.
    pub span: Range<usize>,
    /// The subject: usually one model; several for a shorthand list (`GPT-1/2`),
    /// in which case the claim must fit at least one of them.
    pub models: Vec<(ModelId, Option<usize>)>,
    /// The mention the model was taken from (for related information).
    pub mention: Option<Range<usize>>,
    pub attribute: Attribute,
    pub value: ClaimValue,
}

/// Attaches quantities to models. Never panics.
pub fn extract(
    _kb: &Kb,
    _text: &str,
    _structure: &Structure,
    _mentions: &[Mention],
    _quantities: &[Quantity],
) -> Vec<Claim> {
    Vec::new()
}
