use crate::diag::{Diagnostic, Severity};
use crate::lint::{Ctx, Rule};
use crate::sema::model::RowsSource;

pub const RULE: Rule = Rule {
    code: "R009",
    name: "report-shows-everything",
    severity: Severity::Warning,
    summary: "a report with `rows resources` and neither `where` nor `details`",
    doc: "What it does: finds reports that list every resource, in full, to anyone who may \
run them.

Why it matters: most status reports should show only the resources the user has access \
to; a report without a row filter or a `details` rule discloses every resource's details \
to everyone who holds the report right.

Example:
    report status_summary \"Status Summary\" {
      requires right report.status_summary
      rows resources
    }

Instead: filter the rows (`rows resources where access view_resource`) or show rows the \
user lacks access to by name only (`details when access view_resource`).",
    proved: false,
    suppressible: true,
    fix: None,
    check,
};

fn check(ctx: &Ctx, out: &mut Vec<Diagnostic>) {
    for r in &ctx.policy().reports {
        if r.rows == RowsSource::Resources && r.rows_where.is_none() && r.details_when.is_none() {
            out.push(
                Diagnostic::warning(
                    crate::diag::Code::Lint(RULE.code),
                    format!("report `{}` shows every resource in full", r.meta.name),
                )
                .at(r.meta.span, "no `where` and no `details when`")
                .help("add `rows resources where access …` or `details when …`"),
            );
        }
    }
}
