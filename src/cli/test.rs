//! `rights test PATH… [--data FILE.json…] [--filter TEXT] [--format human|json]`
//!
//! Runs every `test` block; prints each failing expectation with expected vs
//! actual and the explanation of the actual decision, then `N passed, N failed`.
//! Exit 0 when all pass, 1 on a failure or a policy error, 2 on usage/I/O errors.

use super::render::Renderer;
use super::{render_options, Format, Inputs, EXIT_ERRORS, EXIT_OK, EXIT_USAGE};
use crate::diag;
use crate::eval::answer::Answer;
use crate::load::Workspace;
use serde_json::json;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub inputs: Inputs,
    /// Run only the tests whose name contains TEXT.
    #[arg(long, value_name = "TEXT")]
    pub filter: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Also report the rights, roles, actions, reports, denies, revokes and
    /// default-role lines that no test exercised.
    #[arg(long)]
    pub coverage: bool,
}

pub fn run(args: Args) -> i32 {
    let ws = Workspace::read(&args.inputs.paths, &args.inputs.data);
    let (model, diags) = match ws.checked_model() {
        Ok(m) if !ws.io_failed => m,
        Ok((_, diags)) | Err(diags) => {
            eprint!(
                "{}",
                diag::render_all(&diags, &ws.sources, render_options())
            );
            return if ws.io_failed {
                EXIT_USAGE
            } else {
                EXIT_ERRORS
            };
        }
    };
    if !diags.is_empty() {
        eprint!(
            "{}",
            diag::render_all(&diags, &ws.sources, render_options())
        );
    }
    let mut coverage = crate::testing::coverage::Coverage::new(&model);
    let results = crate::testing::run_with_coverage(
        &model,
        args.filter.as_deref(),
        args.coverage.then_some(&mut coverage),
    );
    let missed = coverage.missed(&model.policy);
    let passed = results.iter().filter(|r| r.passed()).count();
    let failed = results.len() - passed;
    match args.format {
        Format::Json => {
            let tests: Vec<_> = results
                .iter()
                .map(|r| {
                    json!({
                        "name": r.name,
                        "at": ws.sources.file_line(r.span),
                        "passed": r.passed(),
                        "expectations": r.expectations,
                        "failures": r.failures.iter().map(|f| {
                            let renderer = Renderer { program: &f.program, sources: &ws.sources };
                            json!({
                                "at": ws.sources.location(f.span),
                                "expected": f.expected,
                                "actual": f.actual,
                                "explanations": f.explanations.iter().map(|e| renderer.json(&Answer::Can { explanation: e.clone(), detailed: true }, "")).collect::<Vec<_>>(),
                            })
                        }).collect::<Vec<_>>(),
                    })
                })
                .collect();
            let mut out = json!({"tests": tests, "passed": passed, "failed": failed});
            if args.coverage {
                out["coverage"] = json!({
                    "totals": coverage.totals().iter().map(|(k, a, b)| (k.to_string(), json!({"exercised": a, "total": b}))).collect::<serde_json::Map<_, _>>(),
                    "missed": missed.iter().map(|(kind, name, span)| json!({"kind": kind, "name": name, "at": ws.sources.file_line(*span)})).collect::<Vec<_>>(),
                });
            }
            println!("{out}");
        }
        Format::Human => {
            for r in &results {
                if r.passed() {
                    println!("ok      {}", r.name);
                    continue;
                }
                println!("FAILED  {}  [{}]", r.name, ws.sources.file_line(r.span));
                for f in &r.failures {
                    let text = ws
                        .sources
                        .slice(f.span)
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" ");
                    println!("  {}: {text}", ws.sources.location(f.span));
                    println!("    expected: {}", f.expected);
                    println!("    actual:   {}", f.actual);
                    for e in &f.explanations {
                        let renderer = Renderer {
                            program: &f.program,
                            sources: &ws.sources,
                        };
                        let shown = renderer.human(&Answer::Can {
                            explanation: e.clone(),
                            detailed: true,
                        });
                        for line in shown.lines() {
                            println!("    {line}");
                        }
                    }
                }
            }
            if results.is_empty() {
                println!("no tests found");
            }
            println!("{passed} passed, {failed} failed");
            if args.coverage {
                let totals: Vec<String> = coverage
                    .totals()
                    .iter()
                    .filter(|(_, _, total)| *total > 0)
                    .map(|(k, a, b)| format!("{k} {a}/{b}"))
                    .collect();
                println!("coverage: {}", totals.join(", "));
                if missed.is_empty() {
                    println!("every right, role, action, report, deny, revoke and default-role line is exercised");
                } else {
                    println!("not exercised by any test:");
                    for (kind, name, span) in &missed {
                        println!("  {kind} `{name}`  [{}]", ws.sources.file_line(*span));
                    }
                }
            }
        }
    }
    if failed > 0 {
        EXIT_ERRORS
    } else {
        EXIT_OK
    }
}
