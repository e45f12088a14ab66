//! JSON data files: read and validated against a fixed policy without panics.
#![no_main]
use libfuzzer_sys::fuzz_target;

const POLICY: &str = include_str!("../../tests/data/reference.rights");

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut ws = rights::workspace::Workspace::default();
    ws.add_policy_text(
        rights::source::Origin::Input("policy".into()),
        POLICY.to_string(),
    );
    ws.add_data_text(
        rights::source::Origin::Input("data.json".into()),
        text.to_string(),
    );
    ws.check();
    for d in ws.diagnostics().iter().take(3) {
        let _ = rights::diag::render(d, &ws.sources, Default::default());
    }
});
