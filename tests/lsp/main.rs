//! `rights lsp` as an editor meets it: the server is started as a child
//! process and spoken to in JSON-RPC (client.rs). The workspace is
//! `tests/lsp/workspace/`: two policy files, JSON data named by its
//! `rights.toml`, a lint finding and a failing test. Every answer is a golden
//! file, one folder per method (`tests/lsp/<method>/`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod client;
#[path = "../common/mod.rs"]
mod common;
mod fuzz;
mod index;
mod scaling;

use client::{portable, pos, uri, Client};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lsp/workspace")
}

fn text(name: &str) -> String {
    std::fs::read_to_string(root().join(name)).unwrap()
}

fn golden(method: &str, name: &str, v: &Value) {
    let v = portable(v, &root());
    insta::with_settings!({ snapshot_path => method, prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::assert_snapshot!(name, serde_json::to_string_pretty(&v).unwrap());
    });
}

fn at(file: &str, needle: &str, nth: usize, shift: usize) -> Value {
    let p = root().join(file);
    json!({ "textDocument": { "uri": uri(&p) }, "position": pos(&text(file), needle, nth, shift) })
}

fn start() -> Client {
    Client::start(&root(), json!({}))
}

#[test]
fn initialize_and_diagnostics() {
    let mut c = start();
    let roles = c.diagnostics(&root().join("roles.rights"));
    golden("publishDiagnostics", "roles", &roles);
    let rights = c.diagnostics(&root().join("rights.rights"));
    assert_eq!(rights, json!([]), "rights.rights has no findings");
    c.shutdown();
}

#[test]
fn hover() {
    let mut c = start();
    let cases = [
        (
            "role_declaration",
            at("roles.rights", "role reporter", 0, 6),
        ),
        (
            "right_in_grant",
            at("roles.rights", "report.status_detail", 0, 3),
        ),
        (
            "right_declaration_in_group",
            at("rights.rights", "status_detail", 0, 2),
        ),
        ("user_in_test", at("roles.rights", "jane", 0, 1)),
        ("action", at("roles.rights", "action override_status", 0, 9)),
        ("report", at("roles.rights", "report status_detail", 0, 9)),
        ("access_level", at("rights.rights", "access view", 0, 8)),
        ("flag", at("roles.rights", "flag contractor", 0, 7)),
        ("keyword_extends", at("roles.rights", "extends", 0, 2)),
        (
            "lint_finding",
            at("roles.rights", "report.status_detail,", 0, 1),
        ),
        ("test_local_user", at("roles.rights", "tom", 1, 0)),
        (
            "right_with_deny",
            at("roles.rights", "deny status.override", 0, 6),
        ),
    ];
    for (name, params) in cases {
        let v = c.result("textDocument/hover", params);
        golden("hover", name, &v);
    }
    c.shutdown();
}

#[test]
fn definition_and_references() {
    let mut c = start();
    let cases = [
        (
            "role_in_extends",
            at("roles.rights", "extends reporter", 0, 9),
        ),
        (
            "right_in_group",
            at("roles.rights", "report.status_detail", 0, 0),
        ),
        ("user_in_json", at("roles.rights", "jane", 0, 0)),
        ("test_local_user", at("roles.rights", "tom", 1, 0)),
        ("prefix_pattern", at("roles.rights", "report.*", 0, 0)),
    ];
    for (name, params) in cases {
        let v = c.result("textDocument/definition", params);
        golden("definition", name, &v);
    }
    let mut refs = |name: &str, mut params: Value, decl: bool| {
        params["context"] = json!({ "includeDeclaration": decl });
        let v = c.result("textDocument/references", params);
        golden("references", name, &v);
    };
    refs(
        "role_reporter",
        at("roles.rights", "role reporter", 0, 6),
        true,
    );
    refs(
        "access_view_across_files",
        at("rights.rights", "access view", 0, 8),
        true,
    );
    refs(
        "user_jane_without_declaration",
        at("roles.rights", "jane", 0, 0),
        false,
    );
    c.shutdown();
}

#[test]
fn rename() {
    let mut c = start();
    let mut ok = |name: &str, params: Value, new: &str| {
        let mut p = params;
        p["newName"] = json!(new);
        let v = c.result("textDocument/rename", p);
        golden("rename", name, &v);
    };
    ok(
        "role_across_files_and_tests",
        at("roles.rights", "reporter {", 0, 0),
        "viewer",
    );
    ok(
        "user_in_json_and_tests",
        at("roles.rights", "jane", 0, 0),
        "jane.doe@example.org",
    );
    ok(
        "right_in_group_keeps_prefix",
        at("roles.rights", "report.status_detail", 0, 0),
        "report.detail",
    );
    let v = c.result(
        "textDocument/prepareRename",
        at("roles.rights", "admin", 0, 0),
    );
    golden("prepareRename", "role", &v);
    let refused = [
        ("clash", at("roles.rights", "reporter {", 0, 0), "admin"),
        ("keyword", at("roles.rights", "reporter {", 0, 0), "when"),
        ("bad_name", at("roles.rights", "reporter {", 0, 0), "Viewer"),
        (
            "group_prefix",
            at("roles.rights", "report.status_detail", 0, 0),
            "other.status_detail",
        ),
    ];
    let mut errors = serde_json::Map::new();
    for (name, mut p, new) in refused {
        p["newName"] = json!(new);
        let r = c.request("textDocument/rename", p);
        errors.insert(name.into(), r["error"]["message"].clone());
    }
    let r = c.request(
        "textDocument/prepareRename",
        at("roles.rights", "report.*", 0, 0),
    );
    errors.insert("prefix".into(), r["error"]["message"].clone());
    golden("rename", "refused", &Value::Object(errors));
    c.shutdown();
    // a client that takes `documentChanges`: one versioned edit per file,
    // the open document's with its version, the others with none
    let caps = json!({ "workspace": { "workspaceEdit": { "documentChanges": true } } });
    let mut c = Client::start_with(&root(), json!({}), caps);
    let roles = root().join("roles.rights");
    c.open(&roles, &text("roles.rights"));
    c.change(&roles, 5, &text("roles.rights"));
    let mut p = at("roles.rights", "jane", 0, 0);
    p["newName"] = json!("jane_doe");
    let v = c.result("textDocument/rename", p);
    assert!(v.get("changes").is_none(), "{v}");
    let docs = v["documentChanges"].as_array().unwrap();
    let of = |name: &str| {
        docs.iter()
            .find(|d| d["textDocument"]["uri"].as_str().unwrap().ends_with(name))
            .unwrap_or_else(|| panic!("no edit of {name}: {v}"))
    };
    assert_eq!(of("roles.rights")["textDocument"]["version"], 5);
    assert_eq!(of("users.json")["textDocument"]["version"], Value::Null);
    assert!(!of("roles.rights")["edits"].as_array().unwrap().is_empty());
    c.shutdown();
}

/// Opens roles.rights with `edit` applied and asks for completion at `marker`
/// (which is removed from the text).
fn complete_at(c: &mut Client, version: i64, text: &str) -> Vec<String> {
    let p = root().join("roles.rights");
    let at = text.find('|').unwrap();
    let clean = text.replacen('|', "", 1);
    c.change(&p, version, &clean);
    // completion offers the names of the last analysis: this text's
    c.analysed(&p);
    let before = &clean[..at];
    let line = before.matches('\n').count();
    // characters in UTF-16 code units, as the protocol counts them
    let col = before[before.rfind('\n').map_or(0, |i| i + 1)..]
        .encode_utf16()
        .count();
    let v = c.result(
        "textDocument/completion",
        json!({ "textDocument": { "uri": uri(&p) }, "position": { "line": line, "character": col } }),
    );
    let mut labels: Vec<String> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap().to_string())
        .collect();
    labels.sort();
    labels
}

#[test]
fn completion() {
    let mut c = start();
    let p = root().join("roles.rights");
    let original = text("roles.rights");
    c.open(&p, &original);
    let mut results = serde_json::Map::new();
    let cases = [
        ("after_grant", "role x {\n  grant |\n}\n"),
        (
            "after_grant_list_comma",
            "role x {\n  grant status.override, |\n}\n",
        ),
        ("after_extends", "role x extends |{}\n"),
        ("in_expect_after_can", "test \"t\" {\n  expect can |\n}\n"),
        ("in_condition", "action a when |\n"),
        (
            "after_requires_right",
            "report r {\n  requires right |\n}\n",
        ),
        ("top_level_after_a_block", "role y {}\n|"),
        (
            "after_non_ascii_text",
            "# naïve café\nrole y \"Rôle\" extends |{}\n",
        ),
        // a new name is being declared: nothing declared fits
        ("new_role_name", "role |"),
        ("new_user_name_in_a_test", "test \"t\" {\n  user |\n}\n"),
        // a test's own users are offered in that test, after their declaration
        (
            "test_local_user",
            "test \"t\" {\n  user tess { roles reporter }\n  expect can |\n}\n",
        ),
        // only what starts with the typed part
        (
            "typed_part_of_a_dotted_name",
            "role x {\n  grant report.st|\n}\n",
        ),
        // a blank line inside a block does not end it
        (
            "test_local_user_after_a_blank_line",
            "test \"t\" {\n  user tess { roles reporter }\n\n  expect can |\n}\n",
        ),
        // version 3: attribute and context names where they fit
        (
            "attribute_after_same",
            "attribute unit \"Unit\"\naction zz on resource when same |unit\n",
        ),
        (
            "attribute_after_user_in_a_condition",
            "attribute unit \"Unit\"\naction zz when true and user |unit = \"x\"\n",
        ),
        (
            "context_in_a_condition",
            "context emergency \"Break-glass\"\naction zz when context |emergency\n",
        ),
    ];
    for (i, (name, snippet)) in cases.iter().enumerate() {
        let t = format!("{original}\n{snippet}");
        results.insert((*name).into(), json!(complete_at(&mut c, 2 + i as i64, &t)));
    }
    golden("completion", "contexts", &Value::Object(results));
    // a dotted name replaces what is typed of it, dots included, so that
    // every client (Neovim's included) completes it whole
    let t = format!("{original}\nrole x {{\n  grant report.st\n}}\n");
    c.change(&p, 40, &t);
    let line = t.lines().count() - 2;
    let v = c.result(
        "textDocument/completion",
        json!({ "textDocument": { "uri": uri(&p) }, "position": { "line": line, "character": 17 } }),
    );
    for item in v["items"].as_array().unwrap() {
        let edit = &item["textEdit"];
        assert_eq!(
            edit["range"]["start"],
            json!({ "line": line, "character": 8 })
        );
        assert_eq!(
            edit["range"]["end"],
            json!({ "line": line, "character": 17 })
        );
        assert_eq!(edit["newText"], item["label"]);
        assert!(item["label"].as_str().unwrap().starts_with("report.st"));
    }
    assert_eq!(v["isIncomplete"], false);
    // the item's label and documentation come from the declaration
    c.change(&p, 20, &original);
    c.analysed(&p);
    let v = c.result(
        "textDocument/completion",
        at("roles.rights", "grant report.*", 0, 6),
    );
    let item = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == "report.status_detail")
        .cloned()
        .unwrap();
    golden("completion", "item_details", &item);
    c.shutdown();
}

#[test]
fn code_actions_and_formatting() {
    let mut c = start();
    let p = root().join("roles.rights");
    let original = text("roles.rights");
    let code_actions = |c: &mut Client, needle: &str, t: &str| {
        let position = pos(t, needle, 0, 0);
        c.result(
            "textDocument/codeAction",
            json!({ "textDocument": { "uri": uri(&p) },
                    "range": { "start": position, "end": position },
                    "context": { "diagnostics": [] } }),
        )
    };
    let v = code_actions(&mut c, "report.status_detail,", &original);
    golden("codeAction", "redundant_grant", &v);
    c.open(&p, &original);
    let typo = original.replace("extends reporter", "extends reportr");
    c.change(&p, 2, &typo);
    let v = code_actions(&mut c, "reportr", &typo);
    golden("codeAction", "did_you_mean", &v);
    let missing = original.replace("grant report.*", "grant report.*, audit.read");
    c.change(&p, 3, &missing);
    let v = code_actions(&mut c, "audit.read", &missing);
    golden("codeAction", "declare_missing_right", &v);
    // the only grant of a one-line role goes with its keyword
    let one_line = original.replace(
        "extends reporter {\n  grant report.status_detail, status.override\n}",
        "extends reporter { grant report.status_detail }",
    );
    c.change(&p, 30, &one_line);
    let v = code_actions(&mut c, "report.status_detail }", &one_line);
    golden("codeAction", "redundant_only_grant", &v);
    // formatting: the whole document, and a range
    let messy = original.replace(
        "role reporter \"Reporting User\" {\n  grant report.*\n}",
        "role   reporter \"Reporting User\" {grant report.*}",
    );
    c.change(&p, 4, &messy);
    let v = c.result(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": uri(&p) }, "options": { "tabSize": 2, "insertSpaces": true } }),
    );
    golden("formatting", "document", &v);
    let v = c.result(
        "textDocument/rangeFormatting",
        json!({ "textDocument": { "uri": uri(&p) },
                "range": { "start": { "line": 1, "character": 0 }, "end": { "line": 1, "character": 5 } },
                "options": { "tabSize": 2, "insertSpaces": true } }),
    );
    golden("rangeFormatting", "one_declaration", &v);
    c.change(&p, 5, "role x {\n  grant\n");
    let r = c.request(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": uri(&p) }, "options": { "tabSize": 2, "insertSpaces": true } }),
    );
    golden("formatting", "refused_on_syntax_error", &r["error"]);
    c.shutdown();
}

/// A client that shows the outline as a tree gets each declaration's whole
/// block, holding what it declares (a `rights` group's rights, a test's own
/// users and resources).
#[test]
fn document_symbols_as_a_tree() {
    let caps = json!({ "textDocument": { "documentSymbol": { "hierarchicalDocumentSymbolSupport": true } } });
    let mut c = Client::start_with(&root(), json!({}), caps);
    for file in ["rights.rights", "roles.rights"] {
        let doc = json!({ "textDocument": { "uri": uri(&root().join(file)) } });
        let name = format!("tree_{}", file.trim_end_matches(".rights"));
        golden(
            "documentSymbol",
            &name,
            &c.result("textDocument/documentSymbol", doc),
        );
    }
    c.shutdown();
}

/// After an edit in one file, a client that can be told asks again for the
/// lenses and tokens of the others (a test's result in roles.rights changes
/// with a right removed from rights.rights).
#[test]
fn lenses_and_tokens_refreshed_after_an_edit_elsewhere() {
    let caps = json!({ "workspace": {
        "codeLens": { "refreshSupport": true },
        "semanticTokens": { "refreshSupport": true } } });
    let mut c = Client::start_with(&root(), json!({}), caps);
    c.clear();
    let rights = root().join("rights.rights");
    c.open(
        &rights,
        &text("rights.rights").replace("flag contractor", "flag contractors"),
    );
    let r = c.notification("workspace/codeLens/refresh");
    assert!(r.get("id").is_some(), "a request: {r}");
    c.notification("workspace/semanticTokens/refresh");
    c.shutdown();
}

#[test]
fn outline_tokens_folding_and_lenses() {
    let mut c = start();
    let roles = json!({ "textDocument": { "uri": uri(&root().join("roles.rights")) } });
    let rights = json!({ "textDocument": { "uri": uri(&root().join("rights.rights")) } });
    golden(
        "documentSymbol",
        "roles",
        &c.result("textDocument/documentSymbol", roles.clone()),
    );
    golden(
        "workspaceSymbol",
        "status",
        &c.result("workspace/symbol", json!({ "query": "status" })),
    );
    // fuzzy: the query's letters in order, in either case
    let names: Vec<String> = c
        .result("workspace/symbol", json!({ "query": "RSDet" }))
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names, vec!["report.status_detail"]);
    golden(
        "semanticTokens",
        "rights",
        &c.result("textDocument/semanticTokens/full", rights),
    );
    golden(
        "foldingRange",
        "roles",
        &c.result("textDocument/foldingRange", roles.clone()),
    );
    golden(
        "codeLens",
        "roles",
        &c.result("textDocument/codeLens", roles),
    );
    let v = c.result(
        "workspace/executeCommand",
        json!({ "command": "rights.runTests", "arguments": [] }),
    );
    golden("executeCommand", "run_tests", &v);
    let shown = c.notification("window/showMessage");
    golden("executeCommand", "message", &shown["params"]);
    c.shutdown();
}

#[test]
fn explain_request() {
    let mut c = start();
    let v = c.result(
        "rights/explain",
        at("roles.rights", "expect not can bob", 0, 4),
    );
    golden("explain", "expect_line", &v);
    let v = c.result("rights/explain", at("roles.rights", "expect can tom", 0, 4));
    golden("explain", "test_with_own_data", &v);
    let v = c.result(
        "rights/explain",
        json!({ "query": "who can override_status on resource_z" }),
    );
    golden("explain", "query", &v);
    let r = c.request(
        "rights/explain",
        json!({ "query": "can nobody run status_detail" }),
    );
    golden("explain", "unknown_user", &r["error"]);
    c.shutdown();
}

#[test]
fn an_edit_in_one_file_updates_the_others() {
    let mut c = start();
    let rights = root().join("rights.rights");
    let roles = root().join("roles.rights");
    c.diagnostics(&roles);
    let t = text("rights.rights").replace(
        "right status.override \"Override viewing restrictions\"\n",
        "",
    );
    c.open(&rights, &text("rights.rights"));
    c.clear();
    c.change(&rights, 2, &t);
    // published after the pause in typing
    let d = c.diagnostics(&roles);
    let messages: Vec<&str> = d
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["message"].as_str().unwrap())
        .collect();
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("unknown right `status.override`")),
        "{messages:?}"
    );
    // and the error goes away with the declaration back
    c.clear();
    c.change(&rights, 3, &text("rights.rights"));
    let d = c.diagnostics(&roles);
    assert!(!d.to_string().contains("unknown right"), "{d}");
    c.shutdown();
}

#[test]
fn bad_requests_get_errors_not_crashes() {
    let mut c = start();
    let r = c.request("textDocument/hover", json!({ "nonsense": true }));
    assert_eq!(r["error"]["code"], -32602, "{r}");
    let r = c.request("rights/nothing", json!({}));
    assert_eq!(r["error"]["code"], -32601, "{r}");
    // a document the server never saw: no answer, no crash
    let v = c.result(
        "textDocument/hover",
        json!({ "textDocument": { "uri": "file:///nowhere/x.rights" }, "position": { "line": 0, "character": 0 } }),
    );
    assert_eq!(v, Value::Null);
    // a position far past the end
    let v = c.result("textDocument/hover", json!({ "textDocument": { "uri": uri(&root().join("roles.rights")) }, "position": { "line": 9999, "character": 9999 } }));
    assert_eq!(v, Value::Null);
    c.shutdown();
}

/// Files not open in the editor are read from disk once and kept: a change
/// on disk is read again when the client says so (`didChangeWatchedFiles`),
/// not on every keystroke.
#[test]
fn a_file_changed_on_disk_is_read_again_when_the_client_says_so() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("lsp-disk-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let a = dir.join("a.rights");
    let b = dir.join("b.rights");
    std::fs::write(&a, "right report.a \"A\"\n").unwrap();
    std::fs::write(&b, "role r { grant report.a }\n").unwrap();
    let watching =
        json!({ "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": true } } });
    let mut c = Client::start_with(&dir, json!({}), watching);
    assert!(!c.diagnostics(&b).to_string().contains("unknown right"));
    // the declaration goes from the disk; the server has not been told
    std::fs::write(&a, "right report.z \"Z\"\n").unwrap();
    c.clear();
    c.open(&b, "role r { grant report.a }\n");
    c.notification("$/rights/analysed");
    let d = c.diagnostics(&b);
    assert!(
        !d.to_string().contains("unknown right"),
        "read again without being told: {d}"
    );
    // told: read again
    c.clear();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": client::uri(&a), "type": 2 }] }),
    );
    let d = c.diagnostics(&b);
    assert!(d.to_string().contains("unknown right `report.a`"), "{d}");
    c.shutdown();
    // a client that watches nothing: the disk is read for every analysis
    std::fs::write(&a, "right report.a \"A\"\n").unwrap();
    let mut c = Client::start(&dir, json!({}));
    assert!(!c.diagnostics(&b).to_string().contains("unknown right"));
    std::fs::write(&a, "right report.z \"Z\"\n").unwrap();
    c.clear();
    c.open(&b, "role r { grant report.a }\n");
    let d = c.diagnostics(&b);
    assert!(d.to_string().contains("unknown right `report.a`"), "{d}");
    c.shutdown();
}

/// A `didChange` whose new text holds a byte that is not UTF-8.
fn invalid_utf8_change(path: &Path) -> Vec<u8> {
    let body = json!({
        "jsonrpc": "2.0",
        "method": "textDocument/didChange",
        "params": { "textDocument": { "uri": uri(path), "version": 9 },
                    "contentChanges": [{ "text": "right a.b \"#BAD#\"" }] },
    })
    .to_string();
    let (before, after) = body.split_once("#BAD#").unwrap();
    let mut bytes = before.as_bytes().to_vec();
    bytes.push(0xff);
    bytes.extend_from_slice(after.as_bytes());
    bytes
}

fn framed(body: &[u8]) -> Vec<u8> {
    let mut v = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    v.extend_from_slice(body);
    v
}

/// No input ends the server: malformed JSON, a non-message, invalid UTF-8,
/// a lone surrogate, a missing `Content-Length` and a 1 TiB one are each
/// answered (-32700 or -32600) or skipped, and the server answers the next
/// request; it ends only on `exit`, with 0 after `shutdown` and 1 without;
/// a second `initialize` and a request after `shutdown` are refused.
#[test]
fn bad_input_never_ends_the_server() {
    let mut c = start();
    let rights = root().join("rights.rights");
    for (bad, code) in [
        (framed(b"{not json"), -32700),
        (framed(b"[1,2,3]"), -32600),
        (framed(&invalid_utf8_change(&rights)), -32700),
        (
            framed(br#"{"jsonrpc":"2.0","method":"textDocument/didOpen","params":"\ud800"}"#),
            -32700,
        ),
        (b"X-Nothing: here\r\n\r\n".to_vec(), -32700),
    ] {
        c.raw(&bad);
        let r = c.stray_response();
        assert_eq!(r["error"]["code"], code, "{r}");
        assert_eq!(r["id"], Value::Null, "{r}");
        // and the server goes on answering
        let h = c.request("textDocument/hover", json!({ "textDocument": { "uri": uri(&rights) }, "position": { "line": 0, "character": 0 } }));
        assert!(h.get("result").is_some() || h.get("error").is_some(), "{h}");
    }
    let again = c.request("initialize", json!({ "capabilities": {} }));
    assert_eq!(again["error"]["code"], -32600, "{again}");
    assert_eq!(c.exit(true), Some(0));
    // exit without shutdown: 1
    let c = start();
    assert_eq!(c.exit(false), Some(1));
    // a Content-Length of 1 TiB: refused without allocating (the rest of
    // the input is read past, up to its end)
    let mut c = start();
    c.raw(b"Content-Length: 1099511627776\r\n\r\n{}");
    let r = c.stray_response();
    assert_eq!(r["error"]["code"], -32600, "{r}");
}

/// Writes files (path relative to `dir`, text) into a fresh folder.
fn folder_with(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for (p, text) in files {
        let p = dir.join(p);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

fn messages(d: &Value) -> Vec<String> {
    d.as_array()
        .unwrap()
        .iter()
        .map(|x| x["message"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn projects_follow_rights_toml() {
    // the folder's own policy, and below it a project of its own that
    // declares the same names, and one whose rights.toml names its files
    let dir = folder_with(
        "lsp-projects",
        &[
            (
                "main.rights",
                "right report.a \"A\"\nrole r { grant report.a }\n",
            ),
            ("sub/rights.toml", ""),
            (
                "sub/one.rights",
                "right report.a \"A\"\nrole r { grant report.a }\n",
            ),
            ("sub/two.rights", "role s extends r {}\n"),
            ("named/rights.toml", "policy = [\"in.rights\"]\n"),
            ("named/in.rights", "right report.b \"B\"\n"),
            ("named/out.rights", "role q { grant report.b }\n"),
        ],
    );
    let other = folder_with(
        "lsp-projects-other",
        &[("o.rights", "right report.a \"A\"\n")],
    );
    let outside = folder_with(
        "lsp-projects-outside",
        &[("lone.rights", "role z { grant report.zz }\n")],
    );
    let mut c = Client::start_in(&[&dir, &other], json!({}), json!({}));
    // nothing is declared twice: each rights.toml is its own project, and
    // the two workspace folders are two projects
    for f in ["main.rights", "sub/one.rights", "sub/two.rights"] {
        let d = c.diagnostics(&dir.join(f));
        assert!(
            messages(&d).iter().all(|m| !m.contains("twice")),
            "{f}: {d}"
        );
    }
    assert!(messages(&c.diagnostics(&other.join("o.rights")))
        .iter()
        .all(|m| !m.contains("twice")));
    // `sub/two.rights` sees `r` of its own project
    let d = c.diagnostics(&dir.join("sub/two.rights"));
    assert!(messages(&d).iter().all(|m| !m.contains("unknown")), "{d}");
    // a file rights.toml does not name is not part of its policy: opened,
    // it is analysed on its own (`report.b` is unknown there)
    c.clear();
    let out = dir.join("named/out.rights");
    c.open(&out, "role q { grant report.b }\n");
    let d = c.diagnostics(&out);
    assert!(
        messages(&d)
            .iter()
            .any(|m| m.contains("unknown right `report.b`")),
        "{d}"
    );
    // a file outside every folder: analysed on its own, versions reported
    c.clear();
    let lone = outside.join("lone.rights");
    c.open(&lone, "role z { grant report.zz }\n");
    let d = c.diagnostics(&lone);
    assert!(
        messages(&d)
            .iter()
            .any(|m| m.contains("unknown right `report.zz`")),
        "{d}"
    );
    c.clear();
    c.change(
        &lone,
        7,
        "right report.zz \"Z\"\nrole z { grant report.zz }\n",
    );
    let n = c.notification("textDocument/publishDiagnostics");
    assert_eq!(n["params"]["uri"], client::uri(&lone));
    assert_eq!(n["params"]["version"], 7);
    let d = &n["params"]["diagnostics"];
    assert!(messages(d).iter().all(|m| !m.contains("unknown")), "{d}");
    // hover in the nested project answers from that project
    let two = dir.join("sub/two.rights");
    c.open(&two, "role s extends r {}\n");
    let h = c.result(
        "textDocument/hover",
        json!({ "textDocument": { "uri": client::uri(&two) }, "position": { "line": 0, "character": 16 } }),
    );
    assert!(h.to_string().contains("report.a"), "{h}");
    c.shutdown();
}

#[test]
fn quick_fixes_for_a_users_unknown_role_and_access_level() {
    let policy =
        "right report.a \"A\"\naccess view_resource \"View\"\nrole reporter { grant report.a }\n\
                  resource resource_z \"Z\" {}\nuser x { roles reportr }\n\
                  user y { access resource_z: view_resourc }\n";
    let dir = folder_with("lsp-user-fixes", &[("p.rights", policy)]);
    let json_users = r#"{"users": [{"id": "z", "roles": ["reportr"], "access": {"resource_z": ["view_resourc"]}}]}"#;
    std::fs::write(dir.join("users.json"), json_users).unwrap();
    std::fs::write(dir.join("rights.toml"), "data = [\"users.json\"]\n").unwrap();
    let mut c = Client::start(&dir, json!({}));
    let titles = |c: &mut Client, file: &str, text: &str, needle: &str| -> Vec<String> {
        let p = dir.join(file);
        let at = pos(text, needle, 0, 1);
        let v = c.result(
            "textDocument/codeAction",
            json!({ "textDocument": { "uri": client::uri(&p) },
                    "range": { "start": at, "end": at },
                    "context": { "diagnostics": [] } }),
        );
        v.as_array()
            .unwrap()
            .iter()
            .map(|a| a["title"].as_str().unwrap().to_string())
            .collect()
    };
    let t = titles(&mut c, "p.rights", policy, "reportr");
    assert!(t.contains(&"Replace with `reporter`".to_string()), "{t:?}");
    assert!(t.iter().any(|x| x.starts_with("Declare role")), "{t:?}");
    let t = titles(&mut c, "p.rights", policy, "view_resourc ");
    assert!(
        t.contains(&"Replace with `view_resource`".to_string()),
        "{t:?}"
    );
    assert!(
        t.iter().any(|x| x.starts_with("Declare access level")),
        "{t:?}"
    );
    let t = titles(&mut c, "users.json", json_users, "reportr");
    assert!(t.contains(&"Replace with `reporter`".to_string()), "{t:?}");
    let t = titles(&mut c, "users.json", json_users, "view_resourc\"");
    assert!(
        t.contains(&"Replace with `view_resource`".to_string()),
        "{t:?}"
    );
    c.shutdown();
}

/// Formatting runs off the request thread: a hover sent after a long
/// formatting request is answered first.
#[test]
fn a_hover_does_not_wait_for_formatting() {
    let mut policy = text("rights.rights");
    for i in 0..4000 {
        policy.push_str(&format!("user   u{i}   {{ roles admin }}\n"));
    }
    let dir = folder_with("lsp-format-thread", &[("big.rights", &policy)]);
    let p = dir.join("big.rights");
    let mut c = Client::start(&dir, json!({}));
    c.open(&p, &policy);
    c.notification("$/rights/analysed");
    let doc = json!({ "uri": client::uri(&p) });
    let format = c.send_request(
        "textDocument/formatting",
        json!({ "textDocument": doc, "options": { "tabSize": 2, "insertSpaces": true } }),
    );
    let hover = c.send_request(
        "textDocument/hover",
        json!({ "textDocument": doc, "position": { "line": 1, "character": 10 } }),
    );
    assert_eq!(c.response_order(2), vec![hover, format]);
    c.shutdown();
}

/// Inlay hints, document highlights, the type hierarchy of roles and the
/// explain lens, on the language reference's policy.
#[test]
fn hints_highlights_hierarchy_and_explain_lenses() {
    let reference = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/reference.rights"),
    )
    .unwrap();
    let dir = folder_with("lsp-hints", &[("reference.rights", &reference)]);
    let p = dir.join("reference.rights");
    let doc = json!({ "uri": client::uri(&p) });
    let mut c = Client::start(&dir, json!({}));
    let lines = reference.lines().count();
    let hints = c.result(
        "textDocument/inlayHint",
        json!({ "textDocument": doc, "range": { "start": { "line": 0, "character": 0 },
                                                "end": { "line": lines, "character": 0 } } }),
    );
    let labels: Vec<String> = hints
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["label"].as_str().unwrap().to_string())
        .collect();
    // dana: the roles `roles dana` gives that her declaration does not list
    let roles_dana = rights_in_dir(&dir, &["query", "reference.rights", "roles dana"]);
    assert!(roles_dana.contains("nurses"), "{roles_dana}");
    assert!(
        labels
            .iter()
            .any(|l| l.starts_with("also: ") && l.contains("(from group nurses)")),
        "{labels:?}"
    );
    // a `prefix.*` grant: the rights it names
    assert!(labels.iter().any(|l| l.contains(" rights: ")), "{labels:?}");
    // highlights: the role `reporting_user` where declared (write) and used (read)
    let at = pos(&reference, "role reporting_user", 0, 5);
    let h = c.result(
        "textDocument/documentHighlight",
        json!({ "textDocument": doc, "position": at }),
    );
    let kinds: Vec<i64> = h
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["kind"].as_i64().unwrap())
        .collect();
    assert_eq!(kinds.iter().filter(|k| **k == 3).count(), 1, "{h}");
    assert!(kinds.iter().filter(|k| **k == 2).count() >= 1, "{h}");
    // the type hierarchy: a role's parents and children
    let child = reference
        .lines()
        .find_map(|l| {
            let rest = l.strip_prefix("role ")?;
            let (name, after) = rest.split_once(' ')?;
            let parent = after
                .split("extends ")
                .nth(1)?
                .split([' ', ',', '{'])
                .next()?;
            Some((name.to_string(), parent.to_string()))
        })
        .expect("a role that extends another");
    let at = pos(&reference, &format!("role {}", child.0), 0, 5);
    let items = c.result(
        "textDocument/prepareTypeHierarchy",
        json!({ "textDocument": doc, "position": at }),
    );
    assert_eq!(items[0]["name"], child.0.as_str());
    let up = c.result("typeHierarchy/supertypes", json!({ "item": items[0] }));
    assert_eq!(up[0]["name"], child.1.as_str(), "{up}");
    let down = c.result("typeHierarchy/subtypes", json!({ "item": up[0] }));
    assert!(
        down.as_array()
            .unwrap()
            .iter()
            .any(|x| x["name"] == child.0.as_str()),
        "{down}"
    );
    // an explain lens on each `expect` line, whose command explains it
    let lenses = c.result("textDocument/codeLens", json!({ "textDocument": doc }));
    let explain: Vec<&Value> = lenses
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["command"]["command"] == "rights.explain")
        .collect();
    assert_eq!(explain.len(), reference.matches("\n  expect ").count());
    let cmd = &explain[0]["command"];
    c.clear();
    let v = c.result(
        "workspace/executeCommand",
        json!({ "command": cmd["command"], "arguments": cmd["arguments"] }),
    );
    assert!(v["markdown"].as_str().unwrap().contains("**"), "{v}");
    let shown = c.notification("window/showMessage");
    assert!(
        !shown["params"]["message"].as_str().unwrap().contains("```"),
        "{shown}"
    );
    c.shutdown();
}

/// `rights ARGS` run in `dir`: its stdout.
fn rights_in_dir(dir: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_rights"))
        .env("RIGHTS_TODAY", common::TODAY)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A client that watches no files still sees a file broken on disk, with
/// no edit: the server looks at the disk every 2 seconds.
#[test]
fn a_file_broken_on_disk_is_seen_without_an_edit() {
    let dir = folder_with(
        "lsp-poll",
        &[
            ("a.rights", "right report.a \"A\"\n"),
            ("b.rights", "role r { grant report.a }\n"),
        ],
    );
    let b = dir.join("b.rights");
    let mut c = Client::start(&dir, json!({}));
    assert!(messages(&c.diagnostics(&b))
        .iter()
        .all(|m| !m.contains("unknown")));
    c.clear();
    std::fs::write(dir.join("a.rights"), "right report.z \"Z\"\n").unwrap();
    let d = c.diagnostics(&b);
    assert!(
        messages(&d)
            .iter()
            .any(|m| m.contains("unknown right `report.a`")),
        "{d}"
    );
    c.shutdown();
}

/// An `untitled:` document (no file yet) is analysed on its own: its
/// diagnostics come under its own URI, and hover answers in it.
#[test]
fn an_untitled_document_is_analysed_on_its_own() {
    let mut c = start();
    c.clear();
    let text = "right report.a \"A\"\nrole r { grant report.a, report.zz }\n";
    c.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": "untitled:Untitled-1", "languageId": "rights", "version": 3, "text": text } }),
    );
    let n = loop {
        let n = c.notification("textDocument/publishDiagnostics");
        if n["params"]["uri"] == "untitled:Untitled-1" {
            break n;
        }
        c.notifications_drop_first("textDocument/publishDiagnostics");
    };
    assert_eq!(n["params"]["version"], 3);
    let d = &n["params"]["diagnostics"];
    assert!(
        messages(d)
            .iter()
            .any(|m| m.contains("unknown right `report.zz`")),
        "{d}"
    );
    let h = c.result(
        "textDocument/hover",
        json!({ "textDocument": { "uri": "untitled:Untitled-1" }, "position": { "line": 1, "character": 17 } }),
    );
    assert!(h.to_string().contains("report.a"), "{h}");
    c.shutdown();
}

/// A client that shows progress is told of an analysis expected to be slow
/// (here every one: `progressAfterMs` 0): a token created, begun and ended.
#[test]
fn slow_analyses_report_progress() {
    let caps = json!({ "window": { "workDoneProgress": true } });
    let mut c = Client::start_with(&root(), json!({ "progressAfterMs": 0 }), caps);
    let create = c.notification("window/workDoneProgress/create");
    let token = create["params"]["token"].clone();
    assert!(create.get("id").is_some(), "a request: {create}");
    let kinds: Vec<Value> = c
        .all_notifications("$/progress")
        .iter()
        .filter(|n| n["params"]["token"] == token)
        .map(|n| n["params"]["value"]["kind"].clone())
        .collect();
    assert_eq!(kinds, vec![json!("begin"), json!("end")]);
    c.shutdown();
}

/// Version 3 in the editor: hover, definition and rename of an attribute and
/// a context fact, across the policy and its JSON data.
#[test]
fn attributes_and_context_facts_in_the_editor() {
    let policy = "access view \"View\" inherited\nattribute unit \"Clinical unit\"\ncontext emergency \"Break-glass\"\naccess view also when same unit or context emergency\nresource ward { attribute unit \"icu\" }\nresource bay in ward\ntest \"t\" {\n  expect can nina access view on bay\n  expect can nina access view on bay with emergency\n}\n";
    let data = "{\"users\": [{\"id\": \"nina\", \"attributes\": {\"unit\": [\"icu\"]}}]}\n";
    let dir = folder_with(
        "lsp-v3",
        &[
            (
                "rights.toml",
                "policy = [\"h.rights\"]\ndata = [\"users.json\"]\n",
            ),
            ("h.rights", policy),
            ("users.json", data),
        ],
    );
    let mut c = Client::start(&dir, json!({}));
    let h = dir.join("h.rights");
    c.open(&h, policy);
    let pos = |needle: &str, nth: usize| {
        let (line, col) = policy
            .lines()
            .enumerate()
            .filter_map(|(i, l)| l.find(needle).map(|c| (i, c)))
            .nth(nth)
            .unwrap();
        json!({
            "textDocument": { "uri": uri(&h) },
            "position": { "line": line, "character": col + 1 },
        })
    };
    let hover = c.result("textDocument/hover", pos("same unit", 0));
    let text = hover["contents"]["value"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let hover = c.result("textDocument/hover", pos("unit", 1));
    let text2 = hover["contents"]["value"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        text.contains("attribute") || text2.contains("attribute"),
        "{text}\n{text2}"
    );
    let both = format!("{text}{text2}");
    assert!(
        both.contains("`nina` (icu)") && both.contains("`ward` (icu)"),
        "{both}"
    );
    let hover = c.result("textDocument/hover", pos("emergency", 1));
    let text = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(text.contains("--with emergency"), "{text}");
    let hover = c.result("textDocument/hover", pos("nina", 0));
    let text = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(text.contains("Attributes: `unit` \"icu\"."), "{text}");
    // definition of `emergency` in `with emergency` is its declaration
    let mut p = pos("with emergency", 0);
    p["position"]["character"] = json!(p["position"]["character"].as_u64().unwrap() + 6);
    let def = c.result("textDocument/definition", p);
    let s = def.to_string();
    assert!(s.contains("\"line\":2"), "{s}");
    // rename `unit`: the policy's lines and the JSON key
    let mut p = pos("attribute unit", 0);
    p["position"]["character"] = json!(11);
    p["newName"] = json!("ward_unit");
    let v = c.result("textDocument/rename", p);
    let s = v.to_string();
    let edits_of = |name: &str| {
        v["changes"]
            .as_object()
            .unwrap()
            .iter()
            .find(|(k, _)| k.ends_with(name))
            .map(|(_, e)| e.as_array().unwrap().len())
            .unwrap_or(0)
    };
    assert_eq!(edits_of("h.rights"), 3, "{s}");
    assert_eq!(edits_of("users.json"), 1, "{s}");
    assert!(s.contains("\"newText\":\"\\\"ward_unit\\\"\""), "{s}");
    c.shutdown();
}

/// Analyses run beside the message loop: a change's analysis holds up
/// neither completion nor a request about another project; requests about
/// the changed project are answered from the analysis of its newest text;
/// analyses of texts typed over are given up.
#[test]
fn analyses_run_beside_requests_and_stale_ones_are_given_up() {
    let mut policy = format!(
        "{}\n{}\nuser jane {{}}\nuser bob {{}}\nresource resource_z\n",
        text("rights.rights"),
        text("roles.rights")
    );
    for i in 0..4000 {
        policy.push_str(&format!("user u{i} {{ roles admin }}\n"));
    }
    let big = folder_with("lsp-analysis-big", &[("big.rights", &policy)]);
    let small_text = text("roles.rights").replace("reporter", "viewer");
    let small = folder_with(
        "lsp-analysis-small",
        &[
            ("rights.rights", &text("rights.rights")),
            ("small.rights", &small_text),
        ],
    );
    let (b, s) = (big.join("big.rights"), small.join("small.rights"));
    let mut c = Client::start_in(&[&big, &small], json!({}), json!({}));
    c.open(&b, &policy);
    c.open(&s, &small_text);
    c.analysed(&b);
    c.analysed(&s);
    c.notification("$/rights/analysed");
    c.clear();
    // five edits in a row, each followed by a hover on the role it labels
    let last_line = policy.lines().count();
    let mut hovers = Vec::new();
    for n in 1..=5 {
        let line = format!("role fresh \"Fresh {n}\" extends reporter\n");
        c.change(&b, 10 + n, &format!("{policy}{line}"));
        hovers.push(c.send_request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": client::uri(&b) },
                    "position": { "line": last_line, "character": 6 } }),
        ));
    }
    let complete = c.send_request(
        "textDocument/completion",
        json!({ "textDocument": { "uri": client::uri(&b) },
                "position": { "line": last_line, "character": 31 } }),
    );
    let elsewhere = c.send_request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": client::uri(&s) },
                "position": { "line": 1, "character": 6 } }),
    );
    let mut answers = std::collections::HashMap::new();
    let mut order = Vec::new();
    while order.len() < 7 {
        let m = c.next_response();
        let id = m["id"].as_i64().unwrap();
        order.push(id);
        answers.insert(id, m);
    }
    // completion and the other project's hover came first
    assert_eq!(&order[..2], &[complete, elsewhere], "{order:?}");
    let items = answers[&complete]["result"]["items"].as_array().unwrap();
    assert!(items.iter().any(|i| i["label"] == "reporter"), "{items:?}");
    assert!(
        answers[&elsewhere]["result"]["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("viewer"),
        "{}",
        answers[&elsewhere]
    );
    // every hover on the edited project: from its newest text
    for h in &hovers {
        let v = answers[h]["result"]["contents"]["value"]
            .as_str()
            .unwrap_or("");
        assert!(v.contains("Fresh 5"), "hover {h}: {}", answers[h]);
    }
    // the four texts typed over were not analysed to the end
    let done = c.notification("$/rights/analysed");
    assert!(done["params"]["given_up"].as_u64().unwrap() >= 3, "{done}");
    c.shutdown();
}
