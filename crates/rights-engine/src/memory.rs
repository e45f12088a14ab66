//! A word from the engine to the application's allocator: "much memory was
//! just freed". The engine does not choose an allocator (an application
//! that embeds it keeps its own); an allocator that holds freed memory for
//! a while before giving it back to the system (mimalloc waits a second)
//! can be told to give it back at once where that lowers the peak. The
//! `rights` binary registers mimalloc's collection here: in the commands
//! that run until stopped it gives freed memory back to the system; the
//! others keep freed memory for their own reuse (the kernel clears a page
//! given back and taken again a second time), and there it gathers what
//! the threads freed so that the next large tables can be placed in it.
//!
//! The engine says it once per lean load (`Workspace::load_to_answer`:
//! `check`, `query`, `doc`, `serve`), after the data's syntax is dropped
//! and before the program is compiled: the compile's large tables would
//! otherwise be placed beside the freed memory, not in it (on the large
//! workload, about 110 MB more at the peak; BENCHMARKS.md).

use std::sync::OnceLock;

static HOOK: OnceLock<fn()> = OnceLock::new();

/// Registers what to call when much memory was just freed (the first
/// registration stays).
pub fn on_freed(hook: fn()) {
    let _ = HOOK.set(hook);
}

/// Much memory was just freed.
pub(crate) fn freed() {
    if let Some(hook) = HOOK.get() {
        hook();
    }
}
