//! The `rights` binary: see `rights --help`.

use clap::Parser;

/// mimalloc: loading the large workload takes about 35 % less CPU than with
/// the system's allocator (BENCHMARKS.md, "Load and memory").
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

extern "C" {
    fn mi_collect(force: bool);
    fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
}

/// `mi_option_purge_delay` in mimalloc.h (v3, as bundled by
/// libmimalloc-sys 0.1.49, which Cargo.lock pins): the 16th option.
const MI_OPTION_PURGE_DELAY: std::ffi::c_int = 15;

/// Gathers the memory freed so far for reuse and gives it back to the
/// system at once (mimalloc otherwise waits a second; not at all in the
/// commands that keep freed memory, [`keep_freed_memory`]): the engine
/// calls it when it has just freed much ([`rights::memory`]).
#[allow(unsafe_code, reason = "the one call into the allocator's C API")]
fn give_back_freed_memory() {
    // SAFETY: `mi_collect` takes a plain bool and may be called from any
    // thread at any time; it only returns free memory to the system.
    unsafe { mi_collect(true) }
}

/// Keeps the memory the program frees for its own later use, never giving
/// it back to the system: for commands that end when their work is done.
/// Memory given back and taken again is cleared by the kernel a second
/// time; loading a million users (BENCHMARKS.md) frees and takes again
/// gigabytes, and took 1.5–2 s longer on this machine's kernel when it
/// was given back (a 1 % higher peak without).
#[allow(unsafe_code, reason = "a call into the allocator's C API")]
fn keep_freed_memory() {
    // SAFETY: `mi_option_set` takes an option number and a value and may be
    // called at any time; a negative purge delay only stops mimalloc
    // from returning free memory to the system.
    unsafe { mi_option_set(MI_OPTION_PURGE_DELAY, -1) }
}

/// Whether a panic is std's "failed printing to stderr/stdout" on a closed
/// pipe: the reader went away, which is not a bug.
fn reader_gone(info: &std::panic::PanicHookInfo) -> bool {
    let payload = info.payload();
    let text = payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
        .unwrap_or("");
    text.starts_with("failed printing to std") && text.contains("Broken pipe")
}

fn main() {
    rights::memory::on_freed(give_back_freed_memory);
    std::panic::set_hook(Box::new(|info| {
        use std::io::Write;
        if reader_gone(info) {
            // stdout has its own writer (cli::out); this is stderr closed:
            // end quietly, as on stdout
            std::process::exit(rights::cli::EXIT_OK);
        }
        let location = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        // never panic again here (stderr may be gone): that would abort
        let _ = writeln!(
            std::io::stderr(),
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
        let cli = rights::cli::Cli::parse();
        if !cli.command.runs_until_stopped() {
            keep_freed_memory();
        }
        rights::cli::run(cli)
    }) {
        Ok(code) => code,
        Err(_) => rights::cli::EXIT_USAGE,
    };
    std::process::exit(code);
}
