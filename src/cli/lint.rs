//! `rights lint PATH… [--data …] [--format human|json|sarif|github]
//! [--deny-warnings] [--explain CODE]`
//!
//! Exit 0 when there are no errors (warnings allowed), 1 on errors (a policy
//! that does not check, or an error-level finding) or on warnings with
//! `--deny-warnings`, 2 on usage or I/O errors.

use super::{render_options, EXIT_ERRORS, EXIT_OK, EXIT_USAGE};
use crate::cli::out::outln;
use crate::diag::{self, Diagnostic, Severity};
use crate::lint;
use crate::source::SourceMap;
use crate::workspace::Workspace;
use clap::ValueEnum;
use serde_json::json;
use serde_sarif::sarif;
use std::path::PathBuf;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LintFormat {
    /// Rendered like `rights check`.
    Human,
    /// One JSON object per finding, one per line.
    Json,
    /// A SARIF 2.1.0 log (for code-scanning services).
    Sarif,
    /// GitHub Actions workflow commands (`::warning file=…,line=…,col=…::…`).
    Github,
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Policy files or directories; without any, the project's `rights.toml` says.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// JSON data files; may be repeated.
    #[arg(long = "data", value_name = "FILE.json")]
    pub data: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = LintFormat::Human)]
    pub format: LintFormat,
    /// Exit 1 on warnings too.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Print what a rule finds, why it matters, an example and what to write instead.
    #[arg(long, value_name = "CODE")]
    pub explain: Option<String>,
    /// Draw at most N findings in human format.
    #[arg(long, value_name = "N", default_value_t = crate::diag::DEFAULT_MAX_SHOWN)]
    pub max_errors: usize,
}

pub fn run(args: Args) -> i32 {
    if let Some(code) = &args.explain {
        return explain(code);
    }
    let (paths, data) = match super::project_inputs(&args.paths, &args.data) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let ws = Workspace::load(&paths, &data);
    if ws.io_failed {
        if args.format == LintFormat::Json {
            // what could not be read, in the findings' own form
            for d in ws.diagnostics() {
                outln!("{}", json!(diag::to_json(d, &ws.sources)));
            }
        } else {
            eprint!(
                "{}",
                diag::render_all(ws.diagnostics(), &ws.sources, render_options())
            );
        }
        return EXIT_USAGE;
    }
    let (findings, skipped) = lint::check_and_lint(&ws);
    if let Some(limit) = skipped {
        let proofs: Vec<&str> = lint::RULES
            .iter()
            .filter(|r| r.proved)
            .map(|r| r.code)
            .collect();
        eprintln!(
            "note: the rules that are proofs ({}) were not run: {limit}",
            proofs.join(", ")
        );
    }
    let errors = findings.iter().filter(|d| d.is_error()).count();
    let warnings = findings.len() - errors;
    match args.format {
        LintFormat::Human => {
            let opts = diag::RenderOptions {
                max_shown: args.max_errors,
                ..render_options()
            };
            if findings.is_empty() {
                outln!("ok: no findings");
            } else {
                eprint!("{}", diag::render_all(&findings, &ws.sources, opts));
            }
        }
        LintFormat::Json => {
            for d in &findings {
                let mut j = serde_json::to_value(diag::to_json(d, &ws.sources)).unwrap_or_default();
                if let (Some(obj), Some(rule)) = (j.as_object_mut(), lint::rule_of(d)) {
                    obj.insert("rule".into(), json!(rule.name));
                }
                outln!("{j}");
            }
        }
        LintFormat::Sarif => match serde_json::to_string_pretty(&sarif_log(&findings, &ws.sources))
        {
            Ok(s) => outln!("{s}"),
            Err(e) => {
                eprintln!("error: cannot write SARIF: {e}");
                return EXIT_USAGE;
            }
        },
        LintFormat::Github => {
            for d in &findings {
                outln!("{}", github_line(d, &ws.sources));
            }
        }
    }
    if errors > 0 || (args.deny_warnings && warnings > 0) {
        EXIT_ERRORS
    } else {
        EXIT_OK
    }
}

fn explain(code: &str) -> i32 {
    match lint::rule(code) {
        Some(r) => {
            let severity = match r.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            outln!(
                "{} {} ({severity}): {}\n\n{}",
                r.code,
                r.name,
                r.summary,
                r.doc
            );
            EXIT_OK
        }
        None => {
            eprintln!("error: no lint rule `{code}`; the rules are:");
            for r in lint::RULES {
                eprintln!("  {}  {:28} {}", r.code, r.name, r.summary);
            }
            EXIT_USAGE
        }
    }
}

/// `::warning file=policies/a.rights,line=3,col=5,title=R001 unused-right::message`
fn github_line(d: &Diagnostic, sources: &SourceMap) -> String {
    let level = if d.is_error() { "error" } else { "warning" };
    let title = match lint::rule_of(d) {
        Some(r) => format!("{} {}", r.code, r.name),
        None => d.code.as_str().to_string(),
    };
    let escape = |s: &str| {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    };
    let prop = |s: &str| escape(s).replace(':', "%3A").replace(',', "%2C");
    let mut props = Vec::new();
    if let Some((span, _)) = &d.primary {
        if let Some(f) = sources.get(span.file) {
            let (line, col) = f.line_col(span.start);
            let (end_line, end_col) = f.line_col(span.end);
            props.push(format!("file={}", prop(&f.name)));
            props.push(format!("line={line}"));
            props.push(format!("col={col}"));
            props.push(format!("endLine={end_line}"));
            props.push(format!("endColumn={end_col}"));
        }
    }
    props.push(format!("title={}", prop(&title)));
    let mut message = d.message.clone();
    if let Some(h) = &d.help {
        message.push_str(&format!(" (help: {h})"));
    }
    format!("::{level} {}::{}", props.join(","), escape(&message))
}

/// A SARIF 2.1.0 log with one run: the rules of the catalogue and one result per finding.
pub fn sarif_log(findings: &[Diagnostic], sources: &SourceMap) -> sarif::Sarif {
    let rules: Vec<sarif::ReportingDescriptor> = lint::RULES
        .iter()
        .map(|r| {
            sarif::ReportingDescriptor::builder()
                .id(r.code.to_string())
                .name(r.name.to_string())
                .short_description(
                    sarif::MultiformatMessageString::builder()
                        .text(r.summary.to_string())
                        .build(),
                )
                .full_description(
                    sarif::MultiformatMessageString::builder()
                        .text(r.doc.to_string())
                        .build(),
                )
                .build()
        })
        .collect();
    let results: Vec<sarif::Result> = findings
        .iter()
        .map(|d| {
            let level = if d.is_error() {
                sarif::ResultLevel::Error
            } else {
                sarif::ResultLevel::Warning
            };
            let mut text = d.message.clone();
            if let Some(h) = &d.help {
                text.push_str(&format!("\nhelp: {h}"));
            }
            let locations: Vec<sarif::Location> = d
                .primary
                .iter()
                .filter_map(|(span, _)| {
                    let f = sources.get(span.file)?;
                    let (line, col) = f.line_col(span.start);
                    let (end_line, end_col) =
                        f.line_col(span.end.max(span.start + 1).min(f.text.len() as u32));
                    Some(
                        sarif::Location::builder()
                            .physical_location(
                                sarif::PhysicalLocation::builder()
                                    .artifact_location(
                                        sarif::ArtifactLocation::builder()
                                            .uri(f.name.clone())
                                            .build(),
                                    )
                                    .region(
                                        sarif::Region::builder()
                                            .start_line(line as i64)
                                            .start_column(col as i64)
                                            .end_line(end_line as i64)
                                            .end_column(end_col.max(1) as i64)
                                            .build(),
                                    )
                                    .build(),
                            )
                            .build(),
                    )
                })
                .collect();
            sarif::Result::builder()
                .rule_id(d.code.as_str().to_string())
                .level(level)
                .message(sarif::Message::builder().text(text).build())
                .locations(locations)
                .build()
        })
        .collect();
    let driver = sarif::ToolComponent::builder()
        .name("rights".to_string())
        .semantic_version(env!("CARGO_PKG_VERSION").to_string())
        .rules(rules)
        .build();
    sarif::Sarif::builder()
        .schema(sarif::SCHEMA_URL.to_string())
        .version(json!("2.1.0"))
        .runs(vec![sarif::Run::builder()
            .tool(sarif::Tool::builder().driver(driver).build())
            .results(results)
            .build()])
        .build()
}
