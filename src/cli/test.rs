//! `rights test PATH… [--data FILE.json…] [--filter TEXT] [--format human|json] [--coverage]`
//!
//! Runs every `test` block; prints each failing expectation with expected vs
//! actual and the explanation of the actual decision, then `N passed, N failed`.
//! Exit 0 when all pass, 1 on a failure or a policy error, 2 on usage/I/O errors.

use super::{Format, Inputs, EXIT_ERRORS, EXIT_OK};
use crate::cli::out::{out, outln};
use crate::testing::{self, coverage::Coverage};
use crate::words;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub inputs: Inputs,
    /// Run only the tests whose name contains TEXT.
    #[arg(long, value_name = "TEXT")]
    pub filter: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Also report the rights, roles, actions, reports, denies, revokes and
    /// default-role lines that no test exercised.
    #[arg(long)]
    pub coverage: bool,
    /// In a failure's explanation, show every change that would allow it, not only the first four.
    #[arg(long)]
    pub all_fixes: bool,
    /// Run the tests as of this day (YYYY-MM-DD, UTC) rather than today; a
    /// test's or an expectation's own `at` wins.
    #[arg(long, value_name = "DATE", value_parser = super::day_arg)]
    pub at: Option<crate::sema::model::Day>,
}

pub fn run(args: Args) -> i32 {
    let mut ws = match super::load(&args.inputs) {
        Ok(ws) => ws,
        Err(code) => return code,
    };
    let when = super::When {
        at: args.at,
        with: Vec::new(),
    };
    if let Err(code) = when.apply(&mut ws) {
        return code;
    }
    let program = match super::compiled(&ws, args.format) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let model = ws.model();
    // built only when asked for: it indexes every revoke and line of the data
    let mut coverage = args.coverage.then(|| Coverage::new(model));
    let results = testing::run_with_coverage(
        program,
        &model.tests,
        args.filter.as_deref(),
        coverage.as_mut(),
    );
    let cov = coverage.as_ref().map(|c| (c, &*model.policy));
    match args.format {
        Format::Json => outln!(
            "{}",
            words::test_report::json(&results, &ws.sources, cov, args.all_fixes)
        ),
        Format::Human => out!(
            "{}",
            words::test_report::human(&results, &ws.sources, cov, args.all_fixes)
        ),
    }
    if results.iter().any(|r| !r.passed()) {
        EXIT_ERRORS
    } else {
        EXIT_OK
    }
}
