//! The language server front (`llmnotes lsp`). Only this module knows about LSP.

/// Options from the command line.
#[derive(Debug, Clone, Default)]
pub struct LspOptions {
    /// `error`, `warn`, `info`, `debug`, `trace`.
    pub log_level: Option<String>,
}

/// Serves LSP over stdin/stdout until `exit`. Returns the process exit code.
pub fn run(_options: LspOptions) -> std::process::ExitCode {
    // Replaced by the server implementation.
    std::process::ExitCode::FAILURE
}
