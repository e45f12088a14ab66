//! The `rights` binary: see `rights --help`.

use clap::Parser;

fn main() {
    std::panic::set_hook(Box::new(|info| {
        let location = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!(
            "error: internal error in rights{location}: this is a bug, please report it with the input that caused it"
        );
    }));
    let code = match std::panic::catch_unwind(|| rights::cli::run(rights::cli::Cli::parse())) {
        Ok(code) => code,
        Err(_) => rights::cli::EXIT_USAGE,
    };
    std::process::exit(code);
}
