//! `llmnotes lsp` is wired to the language server: a minimal session over stdio.

mod cli_support;

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use cli_support::*;
use serde_json::{json, Value};

fn frame(msg: &Value) -> Vec<u8> {
    let body = msg.to_string();
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

/// Reads one LSP message (headers, then a JSON body).
fn read_message(r: &mut impl BufRead) -> Value {
    let mut len = None;
    loop {
        let mut line = String::new();
        assert!(r.read_line(&mut line).unwrap() > 0, "server closed stdout");
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(n) = line.strip_prefix("Content-Length: ") {
            len = Some(n.parse::<usize>().expect("a length"));
        }
    }
    let mut body = vec![0; len.expect("Content-Length")];
    r.read_exact(&mut body).unwrap();
    serde_json::from_slice(&body).expect("JSON body")
}

/// Reads messages until the response with `id` (skipping notifications).
fn response(r: &mut impl BufRead, id: u64) -> Value {
    loop {
        let m = read_message(r);
        if m["id"] == id && m.get("method").is_none() {
            return m;
        }
    }
}

#[test]
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
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut send = |msg: Value| {
        stdin.write_all(&frame(&msg)).unwrap();
        stdin.flush().unwrap();
    };
    send(
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"processId": null, "rootUri": null, "capabilities": {}}}),
    );
    let init = response(&mut stdout, 1);
    assert!(init["result"]["capabilities"].is_object(), "{init}");
    send(json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
    send(json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": null}));
    let shutdown = response(&mut stdout, 2);
    assert!(shutdown.get("error").is_none(), "{shutdown}");
    send(json!({"jsonrpc": "2.0", "method": "exit", "params": null}));
    let status = child.wait().unwrap();
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
