//! The whole check pipeline: parse, resolve, compile, answer, lint, test —
//! never a panic or a hang on any policy text.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rights::sema::model::*;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut ws = rights::workspace::Workspace::default();
    ws.add_policy_text(
        rights::source::Origin::Input("fuzz".into()),
        text.to_string(),
    );
    ws.check();
    for d in ws.diagnostics().iter().take(3) {
        let _ = rights::diag::render(d, &ws.sources, Default::default());
    }
    let Some(program) = ws.program() else {
        return;
    };
    let _ = rights::testing::run(program, &ws.model().tests, None);
    let declarations = ws.declaration_spans();
    if let Some(ctx) = rights::lint::Ctx::of(&ws, &declarations) {
        let _ = rights::lint::run(&ctx);
    }
    // every question about the first users and resources
    let users = program.data.users.len().min(3);
    let resources = program.data.resources.len().min(3);
    for u in (0..users).map(UserId::from_index) {
        for r in (0..program.policy.rights.len().min(5)).map(RightId::from_index) {
            let _ = program.explain(&CanQ {
                user: u,
                target: Target::Right(r),
                on: None,
            });
        }
        for a in (0..program.policy.actions.len().min(5)).map(ActionId::from_index) {
            let on = if program.policy.action(a).on_resource {
                (0..resources).map(ResourceId::from_index).next()
            } else {
                None
            };
            if program.policy.action(a).on_resource && on.is_none() {
                continue;
            }
            let _ = program.explain(&CanQ {
                user: u,
                target: Target::Action(a),
                on,
            });
        }
        for rep in (0..program.policy.reports.len().min(3)).map(ReportId::from_index) {
            let _ = program.report_rows(&ReportQ {
                report: rep,
                user: u,
                event: None,
            });
        }
    }
});
