//! llmnotes: recognise LLM model mentions in Markdown notes, link them to a
//! knowledge base, and flag numbers that contradict it or each other.
//!
//! The analysis core (`kb`, `markdown`, `mentions`, `quantities`, `claims`,
//! `rules`, `analysis`) is pure: no terminal, no LSP, no IO beyond reading files the
//! caller names. The fronts (`cli`, `lsp`) only translate. See ARCHITECTURE.md.
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod analysis;
pub mod claims;
pub mod cli;
pub mod config;
pub mod facts;
pub mod grammar;
pub mod kb;
pub mod lsp;
pub mod markdown;
pub mod mentions;
pub mod quantities;
pub mod rules;
pub mod text;

pub use analysis::{Analyzer, DocumentAnalysis};
