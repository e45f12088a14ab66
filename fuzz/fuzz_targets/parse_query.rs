//! The query and REPL-line parsers never panic; queries against a fixed policy
//! resolve or fail with diagnostics, and answer without panicking.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

const POLICY: &str = include_str!("../../tests/data/reference.rights");

fn engine() -> &'static rights::Engine {
    static E: OnceLock<rights::Engine> = OnceLock::new();
    E.get_or_init(|| rights::Engine::from_text(POLICY).unwrap_or_else(|e| panic!("{}", e.render())))
}

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = rights::syntax::parse_repl_line(rights::source::FileId(0), text);
        if let Ok(answer) = engine().ask(text) {
            let r = rights::words::Words::new(engine().program(), engine().sources());
            let _ = r.human(&answer);
            let _ = r.json(&answer, text);
        }
    }
});
