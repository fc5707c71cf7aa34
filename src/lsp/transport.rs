//! Stdio framing in front of tower-lsp-server.
//!
//! tower-lsp-server stops reading after the first message it cannot decode (its
//! framed reader ends on a decode error), so a single malformed message would end
//! the session. This layer reads the `Content-Length` frames itself, answers
//! unparsable or non-JSON-RPC messages with the spec's errors (`-32700`,
//! `-32600`, id `null`), and hands only well-formed messages on. Output from the
//! server and these error replies are written to stdout whole frames at a time.

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tower_lsp_server::jsonrpc::{Request, Response};

/// Bytes a single message may take before it is refused (and the stream with it).
const MAX_MESSAGE: usize = 256 * 1024 * 1024;

pub(crate) struct Stdio<R, W> {
    /// What the server reads.
    pub input: R,
    /// What the server writes.
    pub output: W,
    /// Reads the real stdin; abort it when the server is done.
    pub reader: JoinHandle<()>,
    /// Write the real stdout; await them to flush the last replies.
    pub writers: Vec<JoinHandle<()>>,
}

pub(crate) fn filtered(
    stdin: impl AsyncRead + Unpin + Send + 'static,
    stdout: impl AsyncWrite + Unpin + Send + 'static,
) -> Stdio<tokio::io::DuplexStream, tokio::io::DuplexStream> {
    let (server_in, mut to_server) = tokio::io::duplex(1 << 16);
    let (server_out, from_server) = tokio::io::duplex(1 << 16);
    let (frames_tx, mut frames_rx) = mpsc::unbounded_channel::<Vec<u8>>();

    let errors_tx = frames_tx.clone();
    let reader = tokio::spawn(async move {
        let mut stdin = BufReader::new(stdin);
        loop {
            match read_frame(&mut stdin).await {
                Frame::Eof => break,
                Frame::BadHeader(why) => {
                    tracing::error!("bad message header: {why}");
                    if why.contains("too large") {
                        break;
                    }
                    let _ = errors_tx.send(error_frame(
                        -32700,
                        "Parse error: bad header",
                        serde_json::Value::Null,
                    ));
                }
                Frame::Body(body) => match check(&body) {
                    Ok(()) => {
                        let header = format!("Content-Length: {}\r\n\r\n", body.len());
                        if to_server.write_all(header.as_bytes()).await.is_err()
                            || to_server.write_all(&body).await.is_err()
                        {
                            break;
                        }
                    }
                    Err((code, message, id)) => {
                        tracing::error!("refused a message: {message}");
                        let _ = errors_tx.send(error_frame(code, &message, id));
                    }
                },
            }
        }
        // Dropping `to_server` tells the server its input ended.
    });

    let forward = tokio::spawn(async move {
        let mut from_server = BufReader::new(from_server);
        while let Frame::Body(body) = read_frame(&mut from_server).await {
            let mut frame = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
            frame.extend(body);
            if frames_tx.send(frame).is_err() {
                break;
            }
        }
    });

    let write = tokio::spawn(async move {
        let mut stdout = stdout;
        while let Some(frame) = frames_rx.recv().await {
            if stdout.write_all(&frame).await.is_err() || stdout.flush().await.is_err() {
                break;
            }
        }
    });

    Stdio {
        input: server_in,
        output: server_out,
        reader,
        writers: vec![forward, write],
    }
}

enum Frame {
    Body(Vec<u8>),
    BadHeader(String),
    Eof,
}

async fn read_frame(r: &mut (impl AsyncBufReadExt + Unpin)) -> Frame {
    let mut length: Option<usize> = None;
    let mut saw_header = false;
    loop {
        let mut line = Vec::new();
        match r.read_until(b'\n', &mut line).await {
            Ok(0) | Err(_) => return Frame::Eof,
            Ok(_) => {}
        }
        let line = String::from_utf8_lossy(&line);
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            if saw_header {
                break;
            }
            continue; // stray blank line between messages
        }
        saw_header = true;
        if let Some((name, value)) = line.split_once(':') {
            if name.trim().eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().ok();
            }
        }
    }
    let Some(length) = length else {
        return Frame::BadHeader("missing or invalid Content-Length".into());
    };
    if length > MAX_MESSAGE {
        return Frame::BadHeader(format!("message too large ({length} bytes)"));
    }
    let mut body = vec![0; length];
    if r.read_exact(&mut body).await.is_err() {
        return Frame::Eof;
    }
    Frame::Body(body)
}

/// Whether the server's decoder will accept the message.
/// On refusal: the error code, message, and the id to answer (`null` if none).
fn check(body: &[u8]) -> Result<(), (i64, String, serde_json::Value)> {
    let value: serde_json::Value = serde_json::from_slice(body)
        .map_err(|e| (-32700, format!("Parse error: {e}"), serde_json::Value::Null))?;
    if serde_json::from_value::<Request>(value.clone()).is_ok()
        || serde_json::from_value::<Response>(value.clone()).is_ok()
    {
        return Ok(());
    }
    let id = match value.get("id") {
        Some(id @ (serde_json::Value::Number(_) | serde_json::Value::String(_))) => id.clone(),
        _ => serde_json::Value::Null,
    };
    Err((
        -32600,
        "Invalid request: not a JSON-RPC 2.0 message".into(),
        id,
    ))
}

fn error_frame(code: i64, message: &str, id: serde_json::Value) -> Vec<u8> {
    let body = serde_json::json!({
        "jsonrpc": "2.0",
        "id": id,
        "error": { "code": code, "message": message },
    })
    .to_string();
    let mut frame = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    frame.extend(body.into_bytes());
    frame
}
