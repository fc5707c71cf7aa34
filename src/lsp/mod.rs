//! The language server front (`llmnotes lsp`). Only this module knows about LSP.
//!
//! Thin by design: `server` receives LSP messages and hands each request a
//! `state::Snapshot` of the workspace; the feature modules (`hover`, `navigation`,
//! `completion`, `actions`, `hints`, `diagnostics`) call the analysis core on it;
//! `convert` is the only place that turns byte offsets into LSP positions.

mod actions;
mod completion;
mod convert;
mod diagnostics;
mod env;
mod hints;
mod hover;
mod navigation;
mod server;
mod state;
mod transport;
mod workspace;

use std::process::ExitCode;

use tower_lsp_server::{LspService, Server};

/// Options from the command line.
#[derive(Debug, Clone, Default)]
pub struct LspOptions {
    /// `error`, `warn`, `info`, `debug`, `trace`.
    pub log_level: Option<String>,
}

/// Serves LSP over stdin/stdout until `exit`. Returns the process exit code: 0
/// when `shutdown` came before `exit`, 1 otherwise (as the specification asks).
pub fn run(options: LspOptions) -> ExitCode {
    init_logging(options.log_level.as_deref());
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("llmnotes-lsp")
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            tracing::error!("cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    let clean = runtime.block_on(async {
        let (service, socket) = LspService::build(server::Backend::new)
            .custom_method("llmnotes/documentText", server::Backend::document_text)
            .finish();
        let inner = service.inner().inner();
        let stdio = transport::filtered(tokio::io::stdin(), tokio::io::stdout());
        Server::new(stdio.input, stdio.output, socket)
            .serve(service)
            .await;
        // The server is done: stop reading, flush what it wrote.
        stdio.reader.abort();
        for writer in stdio.writers {
            let _ = tokio::time::timeout(std::time::Duration::from_secs(2), writer).await;
        }
        inner.shutdown_requested()
    });
    // Background work (diagnostics runs, indexing) is abandoned, not awaited.
    runtime.shutdown_background();
    tracing::info!("exiting (shutdown requested: {clean})");
    if clean {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Logs go to stderr only: stdout carries the protocol.
fn init_logging(level: Option<&str>) {
    let level = level
        .map(str::to_string)
        .or_else(|| std::env::var("LLMNOTES_LOG").ok())
        .unwrap_or_else(|| "info".to_string());
    let filter = tracing_subscriber::EnvFilter::try_new(&level)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_target(false)
        .try_init();
}
