//! `rights check PATH… [--data FILE.json…] [--format human|json]`

use super::{render_options, Format, Inputs, EXIT_ERRORS, EXIT_OK, EXIT_USAGE};
use crate::cli::out::outln;
use crate::diag;
use serde_json::json;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub inputs: Inputs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Draw at most N diagnostics (the rest are counted); JSON lists them all.
    #[arg(long, value_name = "N", default_value_t = crate::diag::DEFAULT_MAX_SHOWN)]
    pub max_errors: usize,
}

pub fn run(args: Args) -> i32 {
    let ws = match super::load_to_answer(&args.inputs) {
        Ok(ws) => ws,
        Err(code) => return code,
    };
    let (model, diags) = (ws.model(), ws.diagnostics());
    let code = if ws.io_failed {
        EXIT_USAGE
    } else if ws.has_errors() {
        EXIT_ERRORS
    } else {
        EXIT_OK
    };
    let p = &model.policy;
    let d = &model.data;
    let counts = [
        ("rights", "right", p.rights.len()),
        ("access_levels", "access level", p.access.len()),
        ("flags", "flag", p.flags.len()),
        ("tags", "tag", p.tags.len()),
        ("attributes", "attribute", p.attributes.len()),
        ("contexts", "context fact", p.contexts.len()),
        ("roles", "role", p.roles.len()),
        ("actions", "action", p.actions.len()),
        ("reports", "report", p.reports.len()),
        ("groups", "group", d.groups.len()),
        ("users", "user", d.users.len()),
        ("resources", "resource", d.resources.len()),
        ("events", "event", d.events.len()),
        ("tests", "test", model.tests.len()),
    ];
    match args.format {
        Format::Json => {
            let diagnostics: Vec<_> = diags
                .iter()
                .map(|d| diag::to_json(d, &ws.sources))
                .collect();
            let errors = diags.iter().filter(|d| d.is_error()).count();
            let summary: serde_json::Map<String, serde_json::Value> = counts
                .iter()
                .map(|(k, _, v)| (k.to_string(), json!(v)))
                .collect();
            let out = json!({
                "ok": code == EXIT_OK,
                "errors": errors,
                "warnings": diags.len() - errors,
                "diagnostics": diagnostics,
                "files": ws.sources.files().count(),
                "counts": summary,
            });
            outln!("{out}");
        }
        Format::Human => {
            eprint!(
                "{}",
                diag::render_all(
                    diags,
                    &ws.sources,
                    diag::RenderOptions {
                        max_shown: args.max_errors,
                        ..render_options()
                    },
                )
            );
            if code == EXIT_OK {
                let files = ws.sources.files().count();
                let listed: Vec<String> = counts
                    .iter()
                    .filter(|(_, _, n)| *n > 0)
                    .map(|(_, one, n)| format!("{n} {one}{}", if *n == 1 { "" } else { "s" }))
                    .collect();
                let what = if listed.is_empty() {
                    "the policy is empty".to_string()
                } else {
                    listed.join(", ")
                };
                outln!(
                    "ok: {} file{} checked: {what}",
                    files,
                    if files == 1 { "" } else { "s" }
                );
            }
        }
    }
    code
}
