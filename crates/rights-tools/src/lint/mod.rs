//! Lint: warnings (and a few errors) for legal but suspect policy.
//!
//! The rule catalogue is [`RULES`], the single table of codes; each rule lives
//! in its own file under `rules/`, and its `doc` (What it does / Why it matters /
//! Example / Instead) is what `rights lint --explain CODE` prints.
//!
//! A finding is suppressed by a comment `# rights: allow(CODE)` (or the rule's
//! name) on the finding's line, on the comment lines right above it, or on the
//! comment lines right above the declaration it is in.

mod rules;

use crate::diag::{Diagnostic, Severity};
use crate::ir::Program;
use crate::sema::model::*;
use crate::source::{SourceMap, Span};
use crate::symbolic::findings::Finding;

/// One lint rule.
pub struct Rule {
    /// Stable code: `R001`, `R002`, …
    pub code: &'static str,
    /// Stable name: `unused-right`.
    pub name: &'static str,
    pub severity: Severity,
    /// One line: what the rule finds.
    pub summary: &'static str,
    /// What it does, why it matters, an example, what to write instead.
    pub doc: &'static str,
    /// A proof over every possible user (it reads the symbolic view), not a
    /// pattern: skipped, and said so, when the policy is too large for it.
    pub proved: bool,
    /// Whether `# rights: allow(…)` may silence it (not Trojan Source).
    pub suppressible: bool,
    /// The edit that fixes a finding, when one always does.
    pub fix: Option<RuleFix>,
    pub check: fn(&Ctx, &mut Vec<Diagnostic>),
}

/// An edit that fixes every finding of a rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleFix {
    /// Remove the grant the finding points at (with its keyword when it is
    /// the only one).
    RemoveGrant,
}

pub use rules::RULES;

/// Trojan Source findings (R013) for texts that do not even check: shown by
/// `rights lint` beside the errors.
pub fn trojan_source(sources: &SourceMap) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    rules::trojan_source::scan(sources, &mut out);
    for d in &mut out {
        d.code = crate::diag::Code::Lint(rules::trojan_source::RULE.code);
    }
    out
}

/// What a rule may look at: the checked model, its compiled program, the
/// source texts and the spans of every top-level declaration (a suppression
/// comment may sit above the declaration a finding is in).
pub struct Ctx<'a> {
    pub model: &'a Model,
    pub program: &'a Program,
    pub sources: &'a SourceMap,
    pub declarations: &'a [Span],
    /// What the symbolic view proves, computed on first use.
    findings: std::cell::OnceCell<Result<Vec<Finding>, crate::symbolic::Limit>>,
}

impl<'a> Ctx<'a> {
    /// What lint looks at in a workspace that compiled (`None` when it did not).
    pub fn of(ws: &'a crate::workspace::Workspace, declarations: &'a [Span]) -> Option<Ctx<'a>> {
        Some(Ctx {
            model: ws.model(),
            program: ws.program()?,
            sources: &ws.sources,
            declarations,
            findings: std::cell::OnceCell::new(),
        })
    }
}

impl Ctx<'_> {
    pub fn policy(&self) -> &Policy {
        &self.model.policy
    }

    /// What holds for every possible user (`rights analyze`), for the rules
    /// that are proofs; none when the policy is too large for the symbolic view.
    pub fn findings(&self) -> &[Finding] {
        match self.proofs() {
            Ok(f) => f,
            Err(_) => &[],
        }
    }

    fn proofs(&self) -> &Result<Vec<Finding>, crate::symbolic::Limit> {
        self.findings
            .get_or_init(|| crate::symbolic::of(self.program).and_then(|s| s.findings()))
    }

    /// Why the rules that are proofs found nothing, when the policy is too
    /// large for the symbolic view (for a note beside the findings).
    pub fn proofs_skipped(&self) -> Option<crate::symbolic::Limit> {
        self.proofs().as_ref().err().copied()
    }

    /// A finding as a warning, in the words `rights analyze` uses.
    pub fn proved(&self, f: &Finding, code: &'static str) -> Diagnostic {
        let (text, site, also) = crate::words::Words::new(self.program, self.sources).finding(f);
        let label = match f {
            Finding::IdenticalRoles { .. } => "the same rights as the other role",
            _ => "proved for every possible user",
        };
        let d = Diagnostic::warning(crate::diag::Code::Lint(code), text).at(site, label);
        match also {
            Some((span, label)) => d.also(span, label),
            None => d,
        }
    }

    /// Every condition of the policy (actions, access rules, reports, denies,
    /// default lines, assigns), for rules that look for uses of names.
    pub fn conditions(&self) -> Vec<&Cond> {
        let p = self.policy();
        let mut out: Vec<&Cond> = Vec::new();
        out.extend(p.actions.iter().map(|a| &a.when));
        out.extend(p.access.iter().flat_map(|l| l.also_when.iter()));
        for r in &p.reports {
            out.push(&r.requires);
            out.extend(r.rows_where.iter());
            out.extend(r.details_when.iter());
        }
        out.extend(p.denies.iter().filter_map(|d| d.when.as_ref()));
        out.extend(p.default_roles.iter().map(|l| &l.when));
        out.extend(
            p.roles
                .iter()
                .flat_map(|r| r.assigns.iter().filter_map(|a| a.scope.cond())),
        );
        out.extend(p.access_denies.iter().filter_map(|d| d.when.as_ref()));
        out
    }

    /// For each of `n` names, whether some condition's atom names it
    /// (`which` gives the index an atom names, if it names one of them).
    pub fn read_by_conditions(
        &self,
        n: usize,
        which: impl Fn(&Cond) -> Option<usize>,
    ) -> Vec<bool> {
        let mut read = vec![false; n];
        for c in self.conditions() {
            c.for_each_atom(|a| {
                if let Some(seen) = which(a).and_then(|i| read.get_mut(i)) {
                    *seen = true;
                }
            });
        }
        read
    }

    /// Global data and the data of every test.
    pub fn all_data(&self) -> Vec<&Data> {
        let mut v = vec![&*self.model.data];
        v.extend(self.model.tests.iter().filter_map(|t| t.data.as_deref()));
        v
    }

    /// Whether a pattern site names exactly this right (not `prefix.*` or `*`),
    /// in a `.rights` file or in JSON data alike.
    pub fn names_exactly(&self, site: &RightSite) -> bool {
        site.exact
    }
}

/// What a declared fact (a tag, an attribute) says when no condition reads
/// it, and when conditions read it but no data sets it: (message, label, help).
pub struct Unused<'a> {
    pub unread: (String, &'a str, &'a str),
    pub unset: (String, &'a str, &'a str),
}

/// The finding for a declared fact that no condition reads (`read` false),
/// or that conditions read and nothing sets (`set` false); none otherwise.
/// The words are made only for a finding.
pub fn unused_finding<'a>(
    code: &'static str,
    at: Span,
    read: bool,
    set: bool,
    words: impl FnOnce() -> Unused<'a>,
) -> Option<Diagnostic> {
    let (message, label, help) = match (read, set) {
        (false, _) => words().unread,
        (true, false) => words().unset,
        (true, true) => return None,
    };
    Some(
        Diagnostic::warning(crate::diag::Code::Lint(code), message)
            .at(at, label)
            .help(help),
    )
}

/// Runs every rule and drops suppressed findings. Findings come in source order.
/// Everything `rights check` and `rights lint` report on a workspace, in
/// that order, and why the proofs were skipped (if they were). The CLI's
/// `lint` and the editor server both report exactly this.
pub fn check_and_lint(
    ws: &crate::workspace::Workspace,
) -> (Vec<Diagnostic>, Option<crate::symbolic::Limit>) {
    let mut findings: Vec<Diagnostic> = ws.diagnostics().to_vec();
    let mut skipped = None;
    let declarations = ws.declaration_spans();
    if let Some(ctx) = Ctx::of(ws, &declarations) {
        findings.extend(run(&ctx));
        skipped = ctx.proofs_skipped();
    } else {
        // a policy that does not check is reported as it is by `check`, with
        // any Trojan Source characters (they may be why it does not check)
        findings.extend(trojan_source(&ws.sources));
    }
    (findings, skipped)
}

pub fn run(ctx: &Ctx) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for rule in RULES {
        let mut found = Vec::new();
        (rule.check)(ctx, &mut found);
        for mut d in found {
            d.severity = rule.severity;
            d.code = crate::diag::Code::Lint(rule.code);
            if !suppressed(ctx, &d, rule) {
                out.push(d);
            }
        }
    }
    out.sort_by_key(|d| d.primary.as_ref().map(|(s, _)| (s.file, s.start)));
    out
}

pub fn rule(code_or_name: &str) -> Option<&'static Rule> {
    RULES
        .iter()
        .find(|r| r.code.eq_ignore_ascii_case(code_or_name) || r.name == code_or_name)
}

/// The lint rule a diagnostic comes from, if it is a lint finding.
pub fn rule_of(d: &Diagnostic) -> Option<&'static Rule> {
    match d.code {
        crate::diag::Code::Lint(code) => rule(code),
        _ => None,
    }
}

fn suppressed(ctx: &Ctx, d: &Diagnostic, rule: &Rule) -> bool {
    if !rule.suppressible {
        return false;
    }
    let Some((span, _)) = &d.primary else {
        return false;
    };
    let Some(file) = ctx.sources.get(span.file) else {
        return false;
    };
    // JSON data has no comments to allow anything with (and its lines may be
    // the whole file)
    if file.name.ends_with(".json") {
        return false;
    }
    let allows = |line: &str| {
        line.find("# rights: allow(")
            .and_then(|i| line[i + 16..].split(')').next())
            .is_some_and(|list| {
                list.split(',')
                    .map(str::trim)
                    .any(|c| c.eq_ignore_ascii_case(rule.code) || c == rule.name)
            })
    };
    // the line itself, and the comment lines right above a given line
    // (through the file's line table: a finding costs its own lines, not the file's)
    let at_or_above = |line_no: usize| {
        if allows(file.line(line_no)) {
            return true;
        }
        let mut i = line_no;
        while i > 1 {
            i -= 1;
            let l = file.line(i).trim_start();
            if !l.starts_with('#') {
                break;
            }
            if allows(l) {
                return true;
            }
        }
        false
    };
    if at_or_above(file.line_of(span.start)) {
        return true;
    }
    // the declaration the finding is in
    let item = ctx
        .declarations
        .iter()
        .find(|s| s.file == span.file && s.start <= span.start && span.end <= s.end);
    match item {
        Some(s) => at_or_above(file.line_of(s.start)),
        None => false,
    }
}
