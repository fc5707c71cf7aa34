//! `llmnotes rule [CODE]`: a rule's documentation, or the list of rules.

use std::io::Write;

use clap::Args;

use super::{stdout, CliResult, Failure, Outcome};
use crate::rules::{Rule, RULES};

#[derive(Debug, Args)]
pub struct RuleArgs {
    /// A rule code (`LN001`) or name (`kb-mismatch`); without it, list the rules.
    #[arg(value_name = "CODE")]
    pub rule: Option<String>,
}

pub fn run(args: RuleArgs) -> CliResult {
    let mut out = stdout();
    match args.rule {
        Some(name) => {
            let Some(rule) = Rule::parse(name.trim()) else {
                let codes: Vec<&str> = RULES.iter().map(|r| r.code).collect();
                return Err(Failure::msg(format_args!(
                    "unknown rule `{name}` (rules: {})",
                    codes.join(", ")
                )));
            };
            let info = rule.info();
            writeln!(out, "{}", info.doc.trim_end())?;
            writeln!(out)?;
            writeln!(out, "Default severity: {}", info.default_severity)?;
        }
        None => {
            let width = RULES.iter().map(|r| r.name.len()).max().unwrap_or(0);
            for r in &RULES {
                writeln!(
                    out,
                    "{}  {:width$}  {:7}  {}",
                    r.code,
                    r.name,
                    r.default_severity.as_str(),
                    r.summary
                )?;
            }
        }
    }
    Ok(Outcome::Clean)
}
