//! JSON-RPC framing over stdio that no input can end: every message the
//! client sends is read whole or skipped, and a malformed one is answered
//! as the protocol says (-32700 for what is not JSON, -32600 for JSON that
//! is not a message) and the server goes on. A `Content-Length` past
//! [`MAX_MESSAGE`] is refused without allocating, its bytes read past.
//! Only the end of input (or `exit`) ends the server.

use lsp_server::{Connection, ErrorCode, Message, RequestId};
use std::io::{self, BufRead, Read, Write};

/// The largest message read (a whole document is sent in `didOpen`: a
/// policy may be tens of megabytes, never gigabytes).
pub const MAX_MESSAGE: u64 = 64 << 20;

/// The reading and writing threads, to join when the server is done.
pub struct Threads {
    reader: std::thread::JoinHandle<()>,
    writer: std::thread::JoinHandle<io::Result<()>>,
}

impl Threads {
    /// Waits for the writer to send what is left (the reader may be blocked
    /// on input that never comes: it is not waited for).
    pub fn join(self) -> Result<(), String> {
        drop(self.reader);
        match self.writer.join() {
            Ok(r) => r.map_err(|e| e.to_string()),
            Err(_) => Err("the writing thread failed".into()),
        }
    }
}

/// A connection over stdin and stdout.
pub fn stdio() -> (Connection, Threads) {
    let (to_writer, from_server) = crossbeam_channel::unbounded::<Message>();
    let (to_server, from_reader) = crossbeam_channel::unbounded::<Message>();
    // the reader's answers to malformed messages: raw JSON (their id is
    // `null`, which a `Message` cannot hold)
    let (errors, from_errors) = crossbeam_channel::unbounded::<String>();
    let writer = std::thread::spawn(move || {
        let stdout = io::stdout();
        let mut out = stdout.lock();
        loop {
            crossbeam_channel::select! {
                recv(from_server) -> m => match m {
                    Ok(m) => m.write(&mut out)?,
                    Err(_) => return Ok(()),
                },
                recv(from_errors) -> e => {
                    if let Ok(body) = e {
                        write!(out, "Content-Length: {}\r\n\r\n{body}", body.len())?;
                    }
                }
            }
            out.flush()?;
        }
    });
    let reader = std::thread::spawn(move || {
        let stdin = io::stdin();
        let mut input = stdin.lock();
        loop {
            match read_one(&mut input) {
                Frame::Message(m) => {
                    if to_server.send(m).is_err() {
                        return;
                    }
                }
                Frame::Error(body) => {
                    let _ = errors.send(body);
                }
                Frame::TooLarge(body, length) => {
                    let _ = errors.send(body);
                    let _ = io::copy(&mut (&mut input).take(length), &mut io::sink());
                }
                Frame::End => return,
            }
        }
    });
    (
        Connection {
            sender: to_writer,
            receiver: from_reader,
        },
        Threads { reader, writer },
    )
}

/// What one read from the client gave.
#[derive(Debug)]
pub enum Frame {
    Message(Message),
    /// A malformed message, answered with this error (a JSON-RPC response).
    Error(String),
    /// A message too large to read: answered with this error at once, then
    /// its bytes (this many) read past, never kept.
    TooLarge(String, u64),
    /// The end of the input.
    End,
}

fn error(id: Option<RequestId>, code: ErrorCode, message: impl Into<String>) -> Frame {
    // a message whose id cannot be known is answered with a null id
    let body = serde_json::json!({
        "jsonrpc": "2.0",
        "id": id,
        "error": { "code": code as i32, "message": message.into() },
    });
    Frame::Error(body.to_string())
}

/// Reads one framed message: headers up to a blank line, then the body.
pub fn read_one(input: &mut impl BufRead) -> Frame {
    let mut length: Option<u64> = None;
    let mut saw_header = false;
    loop {
        let mut line = Vec::new();
        // a header line, capped (a line of garbage is not read whole)
        match input.take(4096).read_until(b'\n', &mut line) {
            Ok(0) => return Frame::End,
            Ok(_) => {}
            Err(_) => return Frame::End,
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            if saw_header {
                break;
            }
            continue; // blank lines between messages
        }
        saw_header = true;
        if let Some((name, value)) = text.split_once(':') {
            if name.trim().eq_ignore_ascii_case("content-length") {
                length = value.trim().parse::<u64>().ok();
            }
        }
    }
    let Some(length) = length else {
        return error(
            None,
            ErrorCode::ParseError,
            "a message without a valid Content-Length header: skipped",
        );
    };
    if length > MAX_MESSAGE {
        let Frame::Error(answer) = error(
            None,
            ErrorCode::InvalidRequest,
            format!("a message of {length} bytes, more than the {MAX_MESSAGE} read: skipped"),
        ) else {
            return Frame::End;
        };
        return Frame::TooLarge(answer, length);
    }
    let mut body = Vec::with_capacity(length as usize);
    if input.take(length).read_to_end(&mut body).is_err() || (body.len() as u64) < length {
        return Frame::End;
    }
    let value: serde_json::Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => return error(None, ErrorCode::ParseError, format!("not JSON: {e}")),
    };
    let id = value
        .get("id")
        .and_then(|id| serde_json::from_value::<RequestId>(id.clone()).ok());
    match serde_json::from_value::<Message>(value) {
        Ok(m) => Frame::Message(m),
        Err(e) => error(
            id,
            ErrorCode::InvalidRequest,
            format!("not a JSON-RPC message: {e}"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &[u8]) -> Vec<Frame> {
        let mut r = io::BufReader::new(input);
        let mut out = Vec::new();
        loop {
            match read_one(&mut r) {
                Frame::End => return out,
                Frame::TooLarge(e, n) => {
                    let _ = io::copy(&mut (&mut r).take(n), &mut io::sink());
                    out.push(Frame::TooLarge(e, n));
                }
                f => out.push(f),
            }
        }
    }

    fn framed(body: &[u8]) -> Vec<u8> {
        let mut v = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        v.extend_from_slice(body);
        v
    }

    #[test]
    fn bad_messages_are_answered_and_skipped() {
        let ok = br#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#;
        let mut input = Vec::new();
        input.extend(framed(b"{not json"));
        input.extend(framed(b"[1,2,3]"));
        input.extend(framed(
            b"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\",\"params\":\"\xff\"}",
        ));
        input.extend(framed(
            br#"{"jsonrpc":"2.0","method":"m","params":"\ud800"}"#,
        ));
        input.extend(b"X-Other: 1\r\n\r\n");
        input.extend(b"Content-Length: 1099511627776\r\n\r\n");
        input.extend(framed(ok));
        let got = frames(&input);
        let kinds: Vec<&str> = got
            .iter()
            .map(|f| match f {
                Frame::Message(_) => "message",
                Frame::Error(r) | Frame::TooLarge(r, _) => {
                    let v: serde_json::Value = serde_json::from_str(r).unwrap_or_default();
                    match v["error"]["code"].as_i64() {
                        Some(-32700) => "parse error",
                        Some(-32600) => "invalid request",
                        _ => "other",
                    }
                }
                Frame::End => "end",
            })
            .collect();
        // the 1 TiB message swallows what follows (there is no more input):
        // it is refused, not allocated
        assert_eq!(
            kinds,
            [
                "parse error",
                "invalid request",
                "parse error",
                "parse error",
                "parse error",
                "invalid request"
            ]
        );
    }

    #[test]
    fn a_good_message_after_bad_ones_is_read() {
        let ok = br#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#;
        let mut input = framed(b"{not json");
        input.extend(framed(ok));
        let got = frames(&input);
        assert!(matches!(got.last(), Some(Frame::Message(_))), "{got:?}");
    }
}
