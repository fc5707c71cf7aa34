//! The command-line front: parses arguments, loads the workspace (config and KB),
//! calls the analysis core and renders what it returns. No analysis logic lives
//! here; every subcommand is a translation of a core call into text.
//!
//! Exit codes: 0 when nothing at error severity was found, 1 when something was,
//! 2 on a usage, I/O, configuration or KB error.

mod check;
mod fix;
mod inputs;
mod kb;
mod output;
mod rule;
mod show;
mod timeline;
mod workspace;

use std::fmt;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

pub use check::CheckArgs;

/// Lint and explore Markdown study notes about large language models.
#[derive(Debug, Parser)]
#[command(name = "llmnotes", version, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    /// Use this configuration file instead of discovering `llmnotes.toml`.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// When to color the output (`NO_COLOR` is respected under `auto`).
    #[arg(long, global = true, value_enum, value_name = "WHEN", default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,

    /// Never color the output (same as `--color never`).
    #[arg(long, global = true)]
    pub no_color: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check notes against the knowledge base and against each other.
    Check(CheckArgs),
    /// Print the facts card of one model.
    Show(show::ShowArgs),
    /// Print a Markdown timeline of the models the notes mention.
    Timeline(timeline::TimelineArgs),
    /// Inspect the knowledge base.
    Kb {
        #[command(subcommand)]
        command: kb::KbCommand,
    },
    /// Print the documentation of a rule, or list the rules.
    Rule(rule::RuleArgs),
    /// Run the language server over stdio.
    Lsp(LspArgs),
    /// Print the TextMate injection grammar for editors, generated from the KB
    /// (the embedded one plus the workspace files in `llmnotes.toml`).
    Grammar,
}

#[derive(Debug, Args)]
pub struct LspArgs {
    /// Communicate over stdin/stdout (the default and only transport).
    #[arg(long)]
    pub stdio: bool,
    /// Log level for stderr: error, warn, info, debug or trace.
    #[arg(long, value_name = "LEVEL")]
    pub log_level: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

/// How a command ended when it did not fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing at error severity.
    Clean,
    /// At least one error-severity finding (or KB problem for `kb check`).
    Errors,
}

/// A command that could not do its job: printed on stderr, exit code 2.
#[derive(Debug)]
pub struct Failure {
    /// Lines for stderr, each already complete (`error: ...` or `path:l:c: error: ...`).
    pub lines: Vec<String>,
    /// Writing to stdout hit a closed pipe: end quietly.
    pub broken_pipe: bool,
}

impl Failure {
    pub fn msg(message: impl fmt::Display) -> Failure {
        Failure {
            lines: vec![format!("error: {message}")],
            broken_pipe: false,
        }
    }

    /// An error at a place in a file: `path:line:col: error: message`.
    pub fn located(path: &str, line: usize, column: usize, message: &str) -> String {
        format!("{path}:{line}:{column}: error: {message}")
    }

    pub fn lines(lines: Vec<String>) -> Failure {
        Failure {
            lines,
            broken_pipe: false,
        }
    }
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Failure {
        if e.kind() == io::ErrorKind::BrokenPipe {
            Failure {
                lines: Vec::new(),
                broken_pipe: true,
            }
        } else {
            Failure::msg(format_args!("cannot write output: {e}"))
        }
    }
}

pub type CliResult = Result<Outcome, Failure>;

/// Settings every subcommand shares.
pub struct Globals {
    pub config: Option<PathBuf>,
}

/// Entry point of the `llmnotes` binary.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let choice = if cli.no_color {
        anstream::ColorChoice::Never
    } else {
        match cli.color {
            ColorWhen::Auto => anstream::ColorChoice::Auto,
            ColorWhen::Always => anstream::ColorChoice::Always,
            ColorWhen::Never => anstream::ColorChoice::Never,
        }
    };
    choice.write_global();
    let globals = Globals { config: cli.config };
    let result = match cli.command {
        Command::Check(args) => check::run(&globals, args),
        Command::Show(args) => show::run(&globals, args),
        Command::Timeline(args) => timeline::run(&globals, args),
        Command::Kb { command } => kb::run(&globals, command),
        Command::Rule(args) => rule::run(args),
        Command::Grammar => grammar(&globals),
        Command::Lsp(args) => {
            // `--stdio` is accepted for editors that always pass it; stdio is the only transport.
            let _ = args.stdio;
            return crate::lsp::run(crate::lsp::LspOptions {
                log_level: args.log_level,
            });
        }
    };
    match result {
        Ok(Outcome::Clean) => ExitCode::SUCCESS,
        Ok(Outcome::Errors) => ExitCode::from(1),
        Err(f) if f.broken_pipe => ExitCode::SUCCESS,
        Err(f) => {
            let mut err = anstream::stderr().lock();
            for line in &f.lines {
                let _ = writeln!(err, "{}", style_error_line(line));
            }
            ExitCode::from(2)
        }
    }
}

fn grammar(globals: &Globals) -> CliResult {
    let ws = workspace::load(globals.config.as_deref(), Path::new("."))?;
    let mut out = stdout();
    write!(out, "{}", crate::grammar::textmate_grammar(&ws.kb))?;
    Ok(Outcome::Clean)
}

/// Colors the `error:` tag of a stderr line.
fn style_error_line(line: &str) -> String {
    let red = anstyle::AnsiColor::Red.on_default().bold();
    match line.find("error:") {
        Some(i) => format!("{}{red}error{red:#}{}", &line[..i], &line[i + 5..]),
        None => line.to_string(),
    }
}

/// A path as shown to people and in machine output: relative paths stay as given
/// without a leading `./`, with `/` separators.
pub fn display_path(path: &Path) -> String {
    let p = path.strip_prefix(".").unwrap_or(path);
    let s = p.to_string_lossy();
    if std::path::MAIN_SEPARATOR == '\\' {
        s.replace('\\', "/")
    } else {
        s.into_owned()
    }
}

/// Writes `text` to stdout (colors stripped unless enabled).
pub fn stdout() -> anstream::AutoStream<io::StdoutLock<'static>> {
    anstream::stdout().lock()
}

/// Writes to stderr (colors stripped unless enabled).
pub fn stderr() -> anstream::AutoStream<io::StderrLock<'static>> {
    anstream::stderr().lock()
}
