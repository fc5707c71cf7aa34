//! `llmnotes lsp` is wired to the language server: a minimal session over stdio.

mod cli_support;

use std::io::{Read, Write};
use std::process::{Command, Stdio};

use cli_support::*;
use serde_json::{json, Value};

fn frame(msg: &Value) -> Vec<u8> {
    let body = msg.to_string();
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

/// Splits a stdout capture into the JSON bodies of its LSP messages.
fn messages(mut bytes: &[u8]) -> Vec<Value> {
    let mut out = Vec::new();
    while let Some(end) = bytes.windows(4).position(|w| w == b"\r\n\r\n") {
        let header = std::str::from_utf8(&bytes[..end]).expect("ASCII header");
        let len: usize = header
            .lines()
            .find_map(|l| l.strip_prefix("Content-Length: "))
            .expect("Content-Length")
            .trim()
            .parse()
            .expect("a length");
        let body = &bytes[end + 4..end + 4 + len];
        out.push(serde_json::from_slice(body).expect("JSON body"));
        bytes = &bytes[end + 4 + len..];
    }
    out
}

#[test]
#[ignore = "needs the language server from main (src/lsp is a stub on this branch)"]
fn initialize_shutdown_exit() {
    let mut child = Command::new(bin())
        .args(["lsp", "--stdio", "--log-level", "error"])
        .current_dir(fixtures())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn llmnotes lsp");
    let mut stdin = child.stdin.take().unwrap();
    for msg in [
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"processId": null, "rootUri": null, "capabilities": {}}}),
        json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
        json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": null}),
        json!({"jsonrpc": "2.0", "method": "exit", "params": null}),
    ] {
        stdin.write_all(&frame(&msg)).unwrap();
    }
    stdin.flush().unwrap();
    let mut out = Vec::new();
    child.stdout.take().unwrap().read_to_end(&mut out).unwrap();
    let status = child.wait().unwrap();
    let msgs = messages(&out);
    let init = msgs
        .iter()
        .find(|m| m["id"] == 1)
        .expect("a response to initialize");
    assert!(init["result"]["capabilities"].is_object(), "{init}");
    assert!(msgs.iter().any(|m| m["id"] == 2), "a response to shutdown");
    assert_eq!(
        status.code(),
        Some(0),
        "exit after shutdown is a clean exit"
    );
}

#[test]
fn lsp_arguments_are_accepted() {
    let o = run(&fixtures(), &["lsp", "--help"]);
    assert_eq!(code(&o), 0);
    let help = stdout(&o);
    assert!(
        help.contains("--stdio") && help.contains("--log-level"),
        "{help}"
    );
}
