//! The `rights` binary: see `rights --help`.

use clap::Parser;

/// mimalloc: loading the large workload takes about 35 % less CPU than with
/// the system's allocator (BENCHMARKS.md, "Load and memory").
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's option `purge_delay`, by its number: mimalloc keeps its
/// options' numbers stable across versions (retired options keep their
/// places as `deprecated_*`), as `include/mimalloc.h` (`mi_option_e`) lists them.
const MI_OPTION_PURGE_DELAY: std::ffi::c_int = 15;

extern "C" {
    fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
    fn mi_option_get(option: std::ffi::c_int) -> std::ffi::c_long;
}

/// Memory freed is given back to the system at once, not a second later
/// (mimalloc's default): a load frees the data's syntax while it builds the
/// model and the tables, and the freed pages, still held, made the large
/// workload's peak about 120 MB higher (BENCHMARKS.md, "Load and memory"),
/// at no measured cost in time. `MIMALLOC_PURGE_DELAY` in the environment
/// still decides when set.
#[allow(unsafe_code, reason = "the one call into the allocator's C options")]
fn purge_freed_memory_at_once() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
        return;
    }
    // SAFETY: both functions take and return plain integers; mimalloc
    // reads its options through atomics, so setting one is sound at any
    // time, and this runs first in `main`, before any thread is started.
    unsafe {
        mi_option_set(MI_OPTION_PURGE_DELAY, 0);
        debug_assert_eq!(mi_option_get(MI_OPTION_PURGE_DELAY), 0);
    }
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
    purge_freed_memory_at_once();
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
        rights::cli::run(rights::cli::Cli::parse())
    }) {
        Ok(code) => code,
        Err(_) => rights::cli::EXIT_USAGE,
    };
    std::process::exit(code);
}
