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
#[command(after_help = "Example:\n  rights man > ~/.local/share/man/man1/rights.1")]
pub struct ManArgs {
    /// The page of one subcommand (`rights man diff`); without it, the main page.
    #[arg(value_name = "SUBCOMMAND")]
    pub subcommand: Option<String>,
}

pub fn completions(args: CompletionsArgs) -> i32 {
    let mut cmd = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "rights", &mut out);
    write(&out)
}

pub fn man(args: ManArgs) -> i32 {
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
