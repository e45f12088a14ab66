//! `rights completions SHELL` and `rights man`: what the tool needs to
//! install like the command-line tools its users already know — shell
//! completion scripts (clap_complete) and a man page (clap_mangen), both
//! generated from the same definition as `--help`, so they never drift.

use super::{Cli, EXIT_OK, EXIT_USAGE};
use clap::CommandFactory;
use std::io::Write;

#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  rights completions bash > ~/.local/share/bash-completion/completions/rights\n  rights completions zsh > ~/.zfunc/_rights\n  rights completions fish > ~/.config/fish/completions/rights.fish"
)]
pub struct CompletionsArgs {
    /// The shell to write a completion script for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  rights man > ~/.local/share/man/man1/rights.1\n  rights man --dir ~/.local/share/man/man1    # rights.1 and every rights-SUB.1"
)]
pub struct ManArgs {
    /// The page of one subcommand (`rights man diff`); without it, the main page.
    #[arg(value_name = "SUBCOMMAND")]
    pub subcommand: Option<String>,
    /// Write every page into DIR (`rights.1`, `rights-check.1`, …) instead of
    /// printing one.
    #[arg(long, value_name = "DIR", conflicts_with = "subcommand")]
    pub dir: Option<std::path::PathBuf>,
}

pub fn completions(args: CompletionsArgs) -> i32 {
    let mut cmd = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "rights", &mut out);
    write(&out)
}

pub fn man(args: ManArgs) -> i32 {
    if let Some(dir) = &args.dir {
        return man_dir(dir);
    }
    let mut out = Vec::new();
    let cmd = Cli::command();
    let page = match &args.subcommand {
        None => cmd,
        Some(name) => match cmd.find_subcommand(name) {
            Some(sub) => sub.clone().display_name(format!("rights-{name}")),
            None => {
                let names: Vec<String> = cmd
                    .get_subcommands()
                    .filter(|c| !c.is_hide_set())
                    .map(|c| c.get_name().to_string())
                    .collect();
                eprintln!(
                    "error: no subcommand `{name}`; the subcommands are: {}",
                    names.join(", ")
                );
                return EXIT_USAGE;
            }
        },
    };
    match clap_mangen::Man::new(page).render(&mut out) {
        Ok(()) => write(&out),
        Err(e) => {
            eprintln!("error: cannot write the man page: {e}");
            EXIT_USAGE
        }
    }
}

/// Every page into `dir`: `rights.1` and `rights-SUB.1` for each subcommand.
fn man_dir(dir: &std::path::Path) -> i32 {
    if let Err(e) = std::fs::create_dir_all(dir) {
        eprintln!("error: cannot make {}: {e}", dir.display());
        return EXIT_USAGE;
    }
    let cmd = Cli::command();
    let mut pages: Vec<(String, clap::Command)> = vec![("rights".into(), cmd.clone())];
    for sub in cmd.get_subcommands().filter(|c| !c.is_hide_set()) {
        let name = format!("rights-{}", sub.get_name());
        pages.push((name.clone(), sub.clone().display_name(name)));
    }
    let mut written = Vec::new();
    for (name, page) in pages {
        let mut out = Vec::new();
        let path = dir.join(format!("{name}.1"));
        let done = clap_mangen::Man::new(page)
            .render(&mut out)
            .and_then(|()| std::fs::write(&path, &out));
        if let Err(e) = done {
            eprintln!("error: cannot write {}: {e}", path.display());
            return EXIT_USAGE;
        }
        written.push(format!("{name}.1"));
    }
    crate::cli::out::outln!(
        "wrote {} pages to {}: {}",
        written.len(),
        dir.display(),
        written.join(", ")
    );
    EXIT_OK
}

fn write(bytes: &[u8]) -> i32 {
    let mut stdout = super::out::Out;
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Ok(()) => EXIT_OK,
        Err(e) => {
            eprintln!("error: cannot write: {e}");
            EXIT_USAGE
        }
    }
}
