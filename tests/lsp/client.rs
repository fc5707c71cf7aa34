//! A small LSP client for the integration tests: spawns `llmnotes lsp`, frames
//! JSON-RPC with Content-Length headers over its stdio, answers the server's own
//! requests, and keeps every notification it receives.
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

pub const TIMEOUT: Duration = Duration::from_secs(30);

pub struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    rx: Receiver<Value>,
    next_id: i64,
    /// Every notification from the server, in order, except diagnostics (kept
    /// in `diagnostics`, latest per URI).
    pub notifications: Vec<Value>,
    /// Every request from the server (registrations, progress creation...).
    pub server_requests: Vec<Value>,
    /// Responses with a null id (answers to messages the server could not parse).
    pub orphan_responses: Vec<Value>,
    /// Latest `publishDiagnostics` params per URI.
    pub diagnostics: HashMap<String, Value>,
    stderr: Arc<Mutex<String>>,
    /// Answer to `workspace/configuration`.
    pub configuration: Value,
    _cache: tempfile::TempDir,
}

impl Client {
    /// Starts `llmnotes lsp` with a private cache directory.
    pub fn spawn() -> Client {
        Client::spawn_with_args(&["lsp", "--log-level", "debug"])
    }

    pub fn spawn_with_args(args: &[&str]) -> Client {
        let cache = tempfile::tempdir().unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_llmnotes"))
            .args(args)
            .env("XDG_CACHE_HOME", cache.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn llmnotes lsp");
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().unwrap();
        let stderr_pipe = child.stderr.take().unwrap();
        let stderr = Arc::new(Mutex::new(String::new()));
        let sink = stderr.clone();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stderr_pipe);
            let mut line = String::new();
            while r.read_line(&mut line).map(|n| n > 0).unwrap_or(false) {
                sink.lock().unwrap().push_str(&line);
                line.clear();
            }
        });
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            while let Some(msg) = read_message(&mut r) {
                if tx.send(msg).is_err() {
                    break;
                }
            }
        });
        Client {
            child,
            stdin,
            rx,
            next_id: 1,
            notifications: Vec::new(),
            server_requests: Vec::new(),
            orphan_responses: Vec::new(),
            diagnostics: HashMap::new(),
            stderr,
            configuration: Value::Null,
            _cache: cache,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn cache_dir(&self) -> &Path {
        self._cache.path()
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// The server's stderr once `done` holds for it, or after 10 s: a thread
    /// reads the pipe, so a line logged just before a response may still be
    /// on its way.
    #[allow(dead_code)]
    pub fn stderr_when(&self, done: impl Fn(&str) -> bool) -> String {
        let until = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            let log = self.stderr();
            if done(&log) || std::time::Instant::now() > until {
                return log;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
    }

    /// Writes raw bytes to the server.
    pub fn send_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        stdin.write_all(bytes).unwrap();
        stdin.flush().unwrap();
    }

    pub fn send(&mut self, msg: &Value) {
        let body = serde_json::to_vec(msg).unwrap();
        let mut framed = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        framed.extend(body);
        self.send_raw(&framed);
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and returns its id without waiting.
    pub fn send_request(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        id
    }

    /// Sends a request and returns the whole response message.
    pub fn request_raw(&mut self, method: &str, params: Value) -> Value {
        let id = self.send_request(method, params);
        self.response(id)
    }

    /// Sends a request and returns its `result`, failing on an error response.
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let resp = self.request_raw(method, params);
        assert!(
            resp.get("error").is_none(),
            "{method} failed: {resp}\nserver log:\n{}",
            self.stderr()
        );
        resp["result"].clone()
    }

    /// Waits for the response to request `id`.
    pub fn response(&mut self, id: i64) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let msg = self.next_message(deadline).unwrap_or_else(|| {
                panic!(
                    "no response to request {id}\nserver log:\n{}",
                    self.stderr()
                )
            });
            if msg.get("method").is_none() && msg["id"] == json!(id) {
                return msg;
            }
        }
    }

    /// Receives one message, handling server requests and recording notifications.
    /// Responses are returned; notifications and server requests are recorded and
    /// also returned.
    fn next_message(&mut self, deadline: Instant) -> Option<Value> {
        let wait = deadline.saturating_duration_since(Instant::now());
        let msg = match self.rx.recv_timeout(wait) {
            Ok(m) => m,
            Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => return None,
        };
        if let Some(method) = msg.get("method").and_then(|m| m.as_str()) {
            if msg.get("id").is_some() {
                let result = match method {
                    "workspace/configuration" => {
                        let n = msg["params"]["items"].as_array().map_or(1, Vec::len);
                        Value::Array(vec![self.configuration.clone(); n])
                    }
                    _ => Value::Null,
                };
                let reply = json!({"jsonrpc": "2.0", "id": msg["id"].clone(), "result": result});
                self.server_requests.push(msg.clone());
                self.send(&reply);
            } else {
                if method == "textDocument/publishDiagnostics" {
                    let uri = msg["params"]["uri"].as_str().unwrap_or("").to_string();
                    self.diagnostics.insert(uri, msg["params"].clone());
                } else {
                    self.notifications.push(msg.clone());
                }
            }
        } else if msg["id"].is_null() {
            self.orphan_responses.push(msg.clone());
        }
        Some(msg)
    }

    /// Processes messages until `done` holds or the timeout passes; returns whether
    /// it held.
    pub fn wait_until(&mut self, timeout: Duration, mut done: impl FnMut(&Client) -> bool) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            if done(self) {
                return true;
            }
            if self.next_message(deadline).is_none() {
                return done(self);
            }
        }
    }

    /// Waits for diagnostics of `uri` that satisfy `pred`; returns them.
    pub fn wait_diagnostics(&mut self, uri: &str, pred: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        let ok = self.wait_until(TIMEOUT, |c| {
            c.diagnostics
                .get(uri)
                .and_then(|d| d["diagnostics"].as_array())
                .is_some_and(|d| pred(d))
        });
        assert!(
            ok,
            "diagnostics for {uri} never matched; last: {:?}\nserver log:\n{}",
            self.diagnostics.get(uri),
            self.stderr()
        );
        self.diagnostics[uri]["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// `initialize` + `initialized` with the given capabilities and options.
    pub fn initialize(
        &mut self,
        root: Option<&Path>,
        capabilities: Value,
        options: Value,
    ) -> Value {
        let mut params = json!({
            "processId": std::process::id(),
            "capabilities": capabilities,
            "initializationOptions": options,
        });
        if let Some(root) = root {
            let uri = file_uri(root);
            params["rootUri"] = json!(uri);
            params["workspaceFolders"] = json!([{"uri": uri, "name": "notes"}]);
        }
        let result = self.request("initialize", params);
        self.notify("initialized", json!({}));
        result
    }

    /// A typical editor's capabilities; UTF-8 offered when `utf8`.
    pub fn capabilities(utf8: bool) -> Value {
        let encodings = if utf8 {
            json!(["utf-8", "utf-16"])
        } else {
            json!(["utf-16"])
        };
        json!({
            "general": {"positionEncodings": encodings},
            "window": {"workDoneProgress": true},
            "workspace": {
                "didChangeWatchedFiles": {"dynamicRegistration": true, "relativePatternSupport": true},
                "configuration": true,
                "workspaceFolders": true
            },
            "textDocument": {
                "publishDiagnostics": {"relatedInformation": true, "codeDescriptionSupport": true, "dataSupport": true},
                "hover": {"contentFormat": ["markdown", "plaintext"]},
                "synchronization": {"dynamicRegistration": false}
            }
        })
    }

    pub fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}),
        );
    }

    pub fn change(&mut self, uri: &str, version: i64, changes: Value) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}),
        );
    }

    /// The server's copy of a document.
    pub fn document_text(&mut self, uri: &str) -> Value {
        self.request(
            "llmnotes/documentText",
            json!({"textDocument": {"uri": uri}}),
        )
    }

    pub fn shutdown_and_exit(mut self) -> ExitStatus {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        self.wait_exit()
    }

    pub fn wait_exit(&mut self) -> ExitStatus {
        drop(self.stdin.take());
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "server did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn read_message(r: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length:") {
            length = v.trim().parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    r.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

pub fn file_uri(path: &Path) -> String {
    let s = path.to_string_lossy();
    let mut out = String::from("file://");
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A temporary workspace with the given files (path relative to the root, text).
pub fn workspace(files: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    for (rel, text) in files {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
    }
    (dir, root)
}

/// Byte offset of an LSP position in `text`, counting columns in UTF-16 units or
/// bytes — written independently of the server's conversion, to check it.
pub fn offset_of(text: &str, line: usize, col: usize, utf8: bool) -> usize {
    let mut start = 0;
    for _ in 0..line {
        start += text[start..].find('\n').expect("line exists") + 1;
    }
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let mut units = 0;
    for (i, c) in text[start..end].char_indices() {
        if units >= col {
            return start + i;
        }
        units += if utf8 { c.len_utf8() } else { c.len_utf16() };
    }
    end
}

/// The LSP position of a byte offset (inverse of `offset_of`).
pub fn position_of(text: &str, offset: usize, utf8: bool) -> Value {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col: usize = before[line_start..]
        .chars()
        .map(|c| if utf8 { c.len_utf8() } else { c.len_utf16() })
        .sum();
    json!({"line": line, "character": col})
}

/// Applies LSP text edits (`[{range, newText}]`) to `text`.
pub fn apply_edits(text: &str, edits: &[Value], utf8: bool) -> String {
    let mut spans: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            let r = &e["range"];
            let at = |p: &Value| {
                offset_of(
                    text,
                    p["line"].as_u64().unwrap() as usize,
                    p["character"].as_u64().unwrap() as usize,
                    utf8,
                )
            };
            (
                at(&r["start"]),
                at(&r["end"]),
                e["newText"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    spans.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut out = text.to_string();
    for (s, e, t) in spans {
        out.replace_range(s..e, &t);
    }
    out
}
