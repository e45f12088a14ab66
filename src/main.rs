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
    let code = match std::panic::catch_unwind(|| {
        // lets the test suite check what a user sees when there is a bug
        if std::env::var_os("RIGHTS_DEBUG_PANIC").is_some() {
            #[expect(clippy::panic, reason = "a deliberate panic, only when asked for")]
            {
                panic!("RIGHTS_DEBUG_PANIC is set");
            }
        }
        rights::cli::run(rights::cli::Cli::parse())
    }) {
        Ok(code) => code,
        Err(_) => rights::cli::EXIT_USAGE,
    };
    std::process::exit(code);
}
