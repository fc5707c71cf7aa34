//! LN003 date-mismatch.

use std::path::Path;

use crate::claims::{Claim, ClaimValue};
use crate::facts::display_value;
use crate::kb::{Attribute, Kb};

use super::kb_mismatch::subject_name;
use super::matching::{agrees, rewrite_date};
use super::{Edit, Finding, Fix, Rule};

pub const DOC: &str = "\
## LN003 date-mismatch

**What it does.** Flags a release year or date written next to a model \
(`LLama2（2023.07.18）`, `Transformer - 2017`, `2019年推出的GPT-2`) that contradicts \
the knowledge base.

**Why.** Timelines are the first thing readers copy. One day either side is \
accepted: announcements cross time zones. Dates the KB lists as alternates (an \
announcement before a release) are accepted too.

**Silence it.** `<!-- llmnotes-disable-next-line date-mismatch -->` above the line.";

pub fn check(kb: &Kb, path: &Path, text: &str, claims: &[Claim]) -> Vec<Finding> {
    let mut out = Vec::new();
    for claim in claims {
        let (Attribute::Released, ClaimValue::Date(d)) = (claim.attribute, &claim.value) else {
            continue;
        };
        let Some(&(id, variant)) = claim.models.first() else {
            continue;
        };
        let model = kb.model(id);
        let Some(fact) = model.fact(Attribute::Released) else {
            continue;
        };
        if agrees(&claim.value, &[fact]) != Some(false) {
            continue;
        }
        let found = text.get(claim.span.clone()).unwrap_or("").to_string();
        let mut expected = display_value(Attribute::Released, fact.value);
        if !fact.alternates.is_empty() {
            let alts: Vec<String> = fact
                .alternates
                .iter()
                .map(|a| {
                    format!(
                        "{} ({})",
                        display_value(Attribute::Released, a.value),
                        a.reason
                    )
                })
                .collect();
            expected.push_str(&format!("; also accepted: {}", alts.join(", ")));
        }
        let message = format!(
            "{} release date: the note says {found}, the knowledge base says {expected} (source: {})",
            subject_name(model, variant),
            fact.source
        );
        let mut finding = Finding::new(
            Rule::DateMismatch,
            path.to_path_buf(),
            claim.span.clone(),
            message,
        );
        finding.model = Some(model.id.clone());
        finding.attribute = Some(Attribute::Released);
        finding.found = Some(found.clone());
        finding.expected = Some(display_value(Attribute::Released, fact.value));
        finding.source = Some(fact.source.clone());
        if let Some(kd) = fact.value.as_date() {
            let new = rewrite_date(&found, d, &kd);
            finding.fix = Some(Fix {
                title: format!("Replace {found} with {new}"),
                edits: vec![Edit {
                    span: claim.span.clone(),
                    new_text: new,
                }],
                safe: false,
            });
        }
        out.push(finding);
    }
    out
}
