//! Tests in the editor: a code lens on each `test` block with its result,
//! the `rights.runTests` command, and the custom request `rights/explain`,
//! which answers a query (written, or the `expect` line or query line at a
//! position) with its explanation.

use super::analysis::Analysis;
use super::convert::{offset_in, range, Encoding};
use super::RequestError;
use crate::ir::Program;
use crate::source::{FileId, Span};
use crate::words::Words;
use lsp_server::Notification;
use lsp_types::*;
use serde_json::{json, Value};

pub const RUN_TESTS: &str = "rights.runTests";
/// The command of the lens on each `expect` line: its explanation.
pub const EXPLAIN_COMMAND: &str = "rights.explain";
pub const EXPLAIN: &str = "rights/explain";

pub fn code_lens(a: &Analysis, enc: Encoding, p: &CodeLensParams) -> Option<Vec<CodeLens>> {
    let (file, src) = a.document(&p.text_document.uri)?;
    let mut out = Vec::new();
    for t in a.ws.model().tests.iter().filter(|t| t.span.file == file) {
        // the lens sits on the test's first line
        let line_end = src.text[t.span.start as usize..]
            .find('\n')
            .map_or(t.span.end as usize, |i| t.span.start as usize + i);
        let r = range(src, Span::new(file, t.span.start as usize, line_end), enc);
        let title = match a
            .tests
            .iter()
            .find(|x| x.span.same_place(&t.span) && x.name == t.name)
        {
            Some(res) if res.passed() => {
                format!("✓ passed ({} expectations) · run test", res.expectations)
            }
            Some(res) => format!(
                "✗ failed: {} of {} expectations · run test",
                res.failures.len(),
                res.expectations
            ),
            None => "tests not run: the policy has errors · run test".into(),
        };
        out.push(CodeLens {
            range: r,
            command: Some(Command {
                title,
                command: RUN_TESTS.into(),
                arguments: Some(vec![json!(t.name), json!(p.text_document.uri)]),
            }),
            data: None,
        });
        // an explain lens on each `expect` line
        for e in &t.expects {
            let span = e.span();
            if span.file != file {
                continue;
            }
            let r = range(
                src,
                Span::new(file, span.start as usize, span.start as usize),
                enc,
            );
            out.push(CodeLens {
                range: r,
                command: Some(Command {
                    title: "explain".into(),
                    command: EXPLAIN_COMMAND.into(),
                    arguments: Some(vec![
                        json!({ "textDocument": { "uri": p.text_document.uri }, "position": r.start }),
                        json!(p.text_document.uri),
                    ]),
                }),
                data: None,
            });
        }
    }
    Some(out)
}

/// `rights.runTests [NAME]`: the results (of one test, or all) as data, and
/// a message for the user.
pub fn execute(
    a: &Analysis,
    enc: Encoding,
    p: &ExecuteCommandParams,
) -> Result<(Value, Option<Notification>), RequestError> {
    if p.command == EXPLAIN_COMMAND {
        return explain_command(a, enc, p);
    }
    if p.command != RUN_TESTS {
        return Err(RequestError::invalid(format!("no command `{}`", p.command)));
    }
    if !a.ws.is_compiled() {
        return Err(RequestError::failed(
            "the policy has errors: fix them to run its tests",
        ));
    }
    let only = p.arguments.first().and_then(Value::as_str);
    let results: Vec<_> = a
        .tests
        .iter()
        .filter(|t| only.is_none_or(|n| t.name == n))
        .collect();
    let failed = results.iter().filter(|t| !t.passed()).count();
    let json_results: Vec<Value> = results
        .iter()
        .map(|t| {
            json!({
                "name": t.name,
                "passed": t.passed(),
                "expectations": t.expectations,
                "failures": t.failures.iter().map(|f| json!({
                    "at": a.ws.sources.file_line(f.span),
                    "expected": f.expected,
                    "actual": f.actual,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let message = format!(
        "rights: {} test{} run, {} passed, {failed} failed",
        results.len(),
        if results.len() == 1 { "" } else { "s" },
        results.len() - failed
    );
    let note = Notification::new(
        "window/showMessage".into(),
        ShowMessageParams {
            typ: if failed > 0 {
                MessageType::ERROR
            } else {
                MessageType::INFO
            },
            message: message.clone(),
        },
    );
    Ok((
        json!({ "passed": results.len() - failed, "failed": failed, "tests": json_results, "message": message }),
        Some(note),
    ))
}

/// `rights.explain {textDocument, position}` (the lens on an `expect`
/// line): the `rights/explain` answer, and its words shown to the user.
fn explain_command(
    a: &Analysis,
    enc: Encoding,
    p: &ExecuteCommandParams,
) -> Result<(Value, Option<Notification>), RequestError> {
    let at: ExplainParams = p
        .arguments
        .first()
        .cloned()
        .map(serde_json::from_value)
        .and_then(Result::ok)
        .ok_or_else(|| RequestError::invalid("`rights.explain` takes {textDocument, position}"))?;
    let v = explain(a, enc, &at)?;
    let text = v["markdown"]
        .as_str()
        .unwrap_or_default()
        .replace("```text\n", "")
        .replace("\n```", "")
        .replace("**", "");
    let note = Notification::new(
        "window/showMessage".into(),
        ShowMessageParams {
            typ: MessageType::INFO,
            message: text,
        },
    );
    Ok((v, Some(note)))
}

/// `rights/explain` parameters: a query, or a place in a document.
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExplainParams {
    #[serde(default)]
    query: Option<String>,
    #[serde(default)]
    text_document: Option<TextDocumentIdentifier>,
    #[serde(default)]
    position: Option<Position>,
}

/// The query on a line: an `expect [not] …` line without its `expect`, or
/// the line itself.
fn query_of_line(line: &str) -> String {
    let l = line.trim();
    let l = l.split(" #").next().unwrap_or(l).trim();
    match l.strip_prefix("expect ") {
        Some(rest) => {
            let rest = rest.trim_start();
            rest.strip_prefix("not ").unwrap_or(rest).trim().to_string()
        }
        None => l.to_string(),
    }
}

pub fn explain(a: &Analysis, enc: Encoding, p: &ExplainParams) -> Result<Value, RequestError> {
    let Some(global) = a.ws.program() else {
        return Err(RequestError::failed(
            "the policy has errors: fix them to ask questions",
        ));
    };
    let mut program: Option<Program> = None;
    let text = match (&p.query, &p.text_document, p.position) {
        (Some(q), _, _) => q.clone(),
        (None, Some(doc), Some(pos)) => {
            let (file, src) = a
                .document(&doc.uri)
                .ok_or_else(|| RequestError::invalid("the document is not part of the policy"))?;
            let off = offset_in(src, pos, enc);
            // inside a test with its own data: that data answers
            let here = Span::new(file, off as usize, off as usize);
            if let Some(t) = a.ws.model().tests.iter().find(|t| within(t.span, here)) {
                if let Some(d) = &t.data {
                    program = Some(global.with_data(d.clone()));
                }
            }
            query_of_line(src.line(src.line_of(off)))
        }
        _ => {
            return Err(RequestError::invalid(
                "give `query`, or `textDocument` and `position`",
            ))
        }
    };
    let program = program.as_ref().unwrap_or(global);
    let asked = if text.starts_with("can ") {
        format!("explain {text}")
    } else {
        text.clone()
    };
    let q = crate::syntax::parse_query(FileId(u32::MAX), &asked)
        .map_err(|d| RequestError::failed(format!("not a query: {}", d.message)))?;
    let q = crate::sema::resolve_query(&program.policy, &program.data, &q).map_err(|ds| {
        RequestError::failed(
            ds.first()
                .map_or("the query cannot be answered".into(), |d| d.message.clone()),
        )
    })?;
    let answer = program.answer_asked(&q);
    let words = Words::new(program, &a.ws.sources);
    let human = words.human(&answer);
    Ok(json!({
        "query": text,
        "markdown": format!("**{text}**\n\n```text\n{}\n```", human.trim_end()),
        "answer": words.json(&answer, &text),
    }))
}

fn within(outer: Span, inner: Span) -> bool {
    outer.file == inner.file && outer.start <= inner.start && inner.end <= outer.end
}
