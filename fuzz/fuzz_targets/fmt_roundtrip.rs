//! Whatever parses formats soundly: the formatter's own check (same tree, same
//! comments, fixed point) never fails.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if rights::syntax::parse_file(rights::source::FileId(0), text).is_ok() {
        match rights::fmt::format(text) {
            Ok(out) => assert_eq!(
                rights::fmt::format(&out).ok().as_deref(),
                Some(out.as_str())
            ),
            Err(e) => panic!("formatting failed on parseable input: {e:?}"),
        }
    }
});
