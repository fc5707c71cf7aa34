//! Minimal dispatch for `llmnotes lsp` until the CLI lands (the CLI branch owns this file).
fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) != Some("lsp") {
        #[allow(clippy::print_stderr)]
        {
            eprintln!("usage: llmnotes lsp [--stdio] [--log-level LEVEL]");
        }
        return std::process::ExitCode::from(2);
    }
    let mut log_level = None;
    let mut it = args.iter().skip(1);
    while let Some(a) = it.next() {
        if a == "--log-level" {
            log_level = it.next().cloned();
        } else if let Some(l) = a.strip_prefix("--log-level=") {
            log_level = Some(l.to_string());
        }
    }
    llmnotes::lsp::run(llmnotes::lsp::LspOptions { log_level })
}
