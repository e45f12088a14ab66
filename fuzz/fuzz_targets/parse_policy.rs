//! The policy parser never panics, whatever the bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = rights::syntax::parse_file(rights::source::FileId(0), text);
        let _ = rights::syntax::needs_more_input(text);
        let _ = rights::syntax::comments(text);
    }
});
