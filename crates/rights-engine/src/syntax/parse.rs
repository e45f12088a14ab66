//! The entry points: text → AST for a policy file, a query, or a REPL line.
//! The grammar is `grammar/rights.pest`; this file holds the pest parser, the
//! nesting guard that runs before it, and the REPL's "is this unfinished?".

use super::ast::*;
use super::build::Builder;
use super::errors::syntax_error;
use super::keywords::starts_declaration_only;
use super::scan;
use crate::diag::{Code, Diagnostic};
use crate::source::{FileId, Span};
use pest::pratt_parser::{Assoc, Op, PrattParser};
use pest::Parser as _;
use std::sync::LazyLock;

#[derive(pest_derive::Parser)]
#[grammar = "../../../grammar/rights.pest"]
struct RightsParser;

/// The deepest parenthesis nesting accepted in a condition. Deeper input is
/// refused with [`Code::TooDeep`] before pest runs, so no parser or later pass
/// can recurse deeper than this.
pub const MAX_NESTING: usize = 64;

pub(super) static PRATT: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    PrattParser::new()
        .op(Op::infix(Rule::kw_or, Assoc::Left))
        .op(Op::infix(Rule::kw_and, Assoc::Left))
});

type PResult<T> = Result<T, Box<Diagnostic>>;

/// Pest's parse attempts (the literal tokens it expected, not only rules)
/// are tracked only while a process-wide switch is on, which slows every
/// parse; so a failed parse is run again with it on, one at a time.
fn detailed(rule: Rule, text: &str, first: pest::error::Error<Rule>) -> pest::error::Error<Rule> {
    static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _guard = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    pest::set_error_detail(true);
    let again = RightsParser::parse(rule, text);
    pest::set_error_detail(false);
    match again {
        Err(e) if e.location == first.location => e,
        _ => first,
    }
}

/// Parses a whole policy file.
pub fn parse_file(file: FileId, text: &str) -> Result<File, Box<Diagnostic>> {
    check_nesting(file, text)?;
    let pairs = RightsParser::parse(Rule::file, text)
        .map_err(|e| Box::new(syntax_error(file, text, detailed(Rule::file, text, e))))?;
    let b = Builder {
        file,
        text,
        base: 0,
    };
    Ok(File {
        items: items(&b, pairs)?,
    })
}

/// The items of a parsed `file` rule.
fn items(b: &Builder<'_>, mut pairs: pest::iterators::Pairs<'_, Rule>) -> PResult<Vec<Item>> {
    let top = b.next(&mut pairs)?;
    let mut items = Vec::new();
    for p in top.into_inner() {
        if p.as_rule() == Rule::EOI {
            continue;
        }
        items.push(b.item(p)?);
    }
    Ok(items)
}

/// Parses the part `start..end` of a policy file, which starts and ends
/// between items (a text edited since its last parse: [`super::again`]);
/// spans count from the file's start, and doc comments are read in the
/// whole text. `None` on any error (the caller parses the whole file again
/// for the error's words).
pub(super) fn parse_part(file: FileId, text: &str, start: usize, end: usize) -> Option<Vec<Item>> {
    let part = text.get(start..end)?;
    scan::too_deep(part, MAX_NESTING).is_none().then_some(())?;
    let pairs = RightsParser::parse(Rule::file, part).ok()?;
    let b = Builder {
        file,
        text,
        base: start,
    };
    items(&b, pairs).ok()
}

/// Parses one query (§5).
pub fn parse_query(file: FileId, text: &str) -> Result<Query, Box<Diagnostic>> {
    check_nesting(file, text)?;
    let mut pairs = RightsParser::parse(Rule::query, text)
        .map_err(|e| Box::new(syntax_error(file, text, detailed(Rule::query, text, e))))?;
    let b = Builder {
        file,
        text,
        base: 0,
    };
    let top = b.next(&mut pairs)?;
    let mut inner = top.into_inner();
    b.query(b.next(&mut inner)?)
}

/// Parses what the REPL reads: one query, or one or more declarations.
pub fn parse_repl_line(file: FileId, text: &str) -> Result<ReplInput, Box<Diagnostic>> {
    check_nesting(file, text)?;
    let mut pairs = RightsParser::parse(Rule::repl_line, text)
        .map_err(|e| Box::new(syntax_error(file, text, detailed(Rule::repl_line, text, e))))?;
    let b = Builder {
        file,
        text,
        base: 0,
    };
    let top = b.next(&mut pairs)?;
    let mut items = Vec::new();
    for p in top.into_inner() {
        match p.as_rule() {
            Rule::EOI => {}
            Rule::explain_query
            | Rule::can_query
            | Rule::who_query
            | Rule::what_query
            | Rule::rights_query
            | Rule::roles_query
            | Rule::groups_query
            | Rule::report_query
            | Rule::where_query
            | Rule::expiring_query => return Ok(ReplInput::Query(Box::new(b.query(p)?))),
            _ => items.push(b.item(p)?),
        }
    }
    Ok(ReplInput::Items(items))
}

/// Whether REPL input is unfinished and the next line should be appended: a
/// `{` or `(` is still open, or the text ends in the middle of a declaration
/// (`action a when right x and`).
pub fn needs_more_input(text: &str) -> bool {
    let depth = scan::open_depth(text);
    if depth > 0 {
        return true;
    }
    // only declarations run on over lines without braces (`action a when x\n  or y`);
    // an unfinished query is an error to show, not a reason to wait
    let first = text.split_whitespace().next().unwrap_or("");
    if depth < 0 || !starts_declaration_only(first) {
        return false;
    }
    match RightsParser::parse(Rule::repl_line, text) {
        Ok(_) => false,
        Err(e) => {
            let pos = match e.location {
                pest::error::InputLocation::Pos(p) => p,
                pest::error::InputLocation::Span((s, _)) => s,
            };
            scan::skip_trivia(text, pos) >= text.len()
        }
    }
}

/// Refuses input whose parentheses nest deeper than [`MAX_NESTING`], pointing at
/// the first parenthesis past the limit. Strings and comments are skipped.
fn check_nesting(file: FileId, text: &str) -> PResult<()> {
    match scan::too_deep(text, MAX_NESTING) {
        None => Ok(()),
        Some(i) => Err(Box::new(
            Diagnostic::error(
                Code::TooDeep,
                format!("parentheses are nested more than {MAX_NESTING} deep"),
            )
            .at(Span::new(file, i, i + 1), "this one is too deep")
            .help("split the condition into named actions (`action NAME when …`) and use them with `can NAME`"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::keywords::KEYWORDS;

    /// The grammar's `keyword` rule and [`KEYWORDS`] name the same words.
    #[test]
    fn every_keyword_and_only_keywords_are_refused_as_names() {
        for k in KEYWORDS {
            assert!(
                parse_file(FileId(0), &format!("role {k}")).is_err(),
                "`{k}` is a keyword"
            );
            for name in [format!("{k}x"), format!("{k}_1"), format!("x{k}")] {
                assert!(
                    parse_file(FileId(0), &format!("role {name}")).is_ok(),
                    "`{name}` is a name"
                );
            }
            assert!(
                parse_file(FileId(0), &format!("right {k}.x")).is_ok(),
                "`{k}.x` is a dotted name"
            );
        }
        assert_eq!(KEYWORDS.len(), 54);
    }
}
