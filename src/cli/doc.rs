//! `rights doc PATH… [--data F.json…] -o DIR [--format html|markdown]` and
//! `rights graph PATH… [--format dot|mermaid|svg] [--groups]`.

use super::{EXIT_OK, EXIT_USAGE};
use crate::cli::out::{out, outln};
use crate::doc::{self, graph::Graph};
use crate::words::Words;
use clap::ValueEnum;
use std::path::PathBuf;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DocFormat {
    /// A static site: HTML pages and one search file (`search.js`), nothing from the network.
    Html,
    /// The same pages as Markdown.
    Markdown,
}

#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  rights doc policies/emresource.rights -o site/\n  rights doc policies/ --data users.json --format markdown -o docs/policy/"
)]
pub struct Args {
    #[command(flatten)]
    pub inputs: super::Inputs,
    /// The directory to write the pages into (created if missing).
    #[arg(short = 'o', long = "out", value_name = "DIR")]
    pub out: PathBuf,
    #[arg(long, value_enum, default_value_t = DocFormat::Html)]
    pub format: DocFormat,
    /// The site's title (default: `title` in rights.toml, else the policy
    /// file's or folder's name).
    #[arg(long)]
    pub title: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    Dot,
    Mermaid,
    Svg,
}

#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  rights graph policies/emresource.rights --format svg > roles.svg\n  rights graph policies/emresource.rights --format mermaid"
)]
pub struct GraphArgs {
    #[command(flatten)]
    pub inputs: super::Inputs,
    #[arg(long, value_enum, default_value_t = GraphFormat::Dot)]
    pub format: GraphFormat,
    /// The graph of groups (which group is in which) instead of roles.
    #[arg(long)]
    pub groups: bool,
}

/// The site's title without `--title`: the project's (`title` in its
/// `rights.toml`), else the policy's name: a file's, or a folder's (the
/// project's folder when the policy folder has a generic name such as
/// `policies`), as words: `st_marys.rights` → "The st marys policy".
fn title_of(paths: &[PathBuf]) -> String {
    let first = paths.first().cloned().unwrap_or_else(|| PathBuf::from("."));
    let abs = std::fs::canonicalize(&first).unwrap_or(first);
    let folder = if abs.is_dir() {
        abs.clone()
    } else {
        abs.parent().map(PathBuf::from).unwrap_or_default()
    };
    if let Ok(Some(project)) = crate::project::Project::find(&folder) {
        if let Some(t) = project.config.title.filter(|t| !t.trim().is_empty()) {
            return t;
        }
    }
    let generic = ["policies", "policy", "rights", "src", "config", "."];
    let name_of = |p: &std::path::Path| {
        p.file_stem()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_default()
    };
    let mut name = name_of(&abs);
    if abs.is_dir() && generic.contains(&name.as_str()) {
        if let Some(parent) = abs.parent() {
            name = name_of(parent);
        }
    }
    let words = name.replace(['_', '-'], " ");
    let words = words.trim();
    if words.is_empty() {
        return "The policy".into();
    }
    format!("The {words} policy")
}

pub fn run(args: Args) -> i32 {
    let inputs = match args.inputs.resolved() {
        Ok(i) => i,
        Err(code) => return code,
    };
    let ws = crate::workspace::Workspace::load_to_answer(&inputs.paths, &inputs.data);
    let program = match super::compiled(&ws, super::Format::Human) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let title = args.title.unwrap_or_else(|| title_of(&inputs.paths));
    let words = Words::new(program, &ws.sources);
    let (site, users) = words.doc_site_parts(&title);
    let format = match args.format {
        DocFormat::Html => doc::Format::Html,
        DocFormat::Markdown => doc::Format::Markdown,
    };
    // each page worded by a `Words` of its own (one is not shared by threads)
    let page = |k: usize| Words::new(program, &ws.sources).doc_users_page(k);
    match doc::write_with(&site, &args.out, format, users, page) {
        Ok(files) => {
            // a long list of users' pages is summed up
            let shown: Vec<&str> = files.iter().take(10).map(String::as_str).collect();
            let more = match files.len().saturating_sub(shown.len()) {
                0 => String::new(),
                n => format!(" and {n} more"),
            };
            eprintln!(
                "wrote {} files to {}: {}{more}",
                files.len(),
                args.out.display(),
                shown.join(", ")
            );
            EXIT_OK
        }
        Err(e) => {
            eprintln!("error: cannot write to `{}`: {e}", args.out.display());
            EXIT_USAGE
        }
    }
}

pub fn graph(args: GraphArgs) -> i32 {
    let ws = match super::load(&args.inputs) {
        Ok(ws) => ws,
        Err(code) => return code,
    };
    let program = match super::compiled(&ws, super::Format::Human) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let words = Words::new(program, &ws.sources);
    let g: Graph = if args.groups {
        words.doc_group_graph()
    } else {
        words.doc_role_graph()
    };
    match args.format {
        GraphFormat::Dot => out!("{}", g.dot()),
        GraphFormat::Mermaid => out!("{}", g.mermaid()),
        GraphFormat::Svg => match g.svg() {
            Some(s) => outln!("{s}"),
            None => {
                eprintln!(
                    "error: the graph has {} nodes: too many to draw as SVG (at most {}); use --format dot and Graphviz",
                    g.nodes.len(),
                    doc::graph::MAX_DRAWN
                );
                return EXIT_USAGE;
            }
        },
    }
    EXIT_OK
}
