//! Syntax errors in words: pest's first failure turned into a diagnostic that
//! says what was found, what was expected, and how to fix it.

use super::keywords::is_keyword;
use super::parse::Rule;
use super::scan::{end_of_last_token, skip_trivia, unclosed_braces};
use crate::diag::{Code, Diagnostic};
use crate::source::{FileId, Span};

pub(super) fn syntax_error(file: FileId, text: &str, err: pest::error::Error<Rule>) -> Diagnostic {
    let pos = match err.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    };
    let pos = skip_trivia(text, pos);
    // pest names the furthest rule it tried; a missing `{`, `:` or `)` is a
    // literal further on, known only from its parse attempts
    let literal = missing_literal(text, pos, &err);
    let pos = literal.as_ref().map_or(pos, |l| l.at);
    let found = token_at(text, pos);
    // at the end of the input, point at the last thing written, not past it
    let at_end = text
        .get(pos..)
        .is_none_or(|rest| rest.trim_matches([' ', '\t', '\r', '\n']).is_empty());
    if let Some(d) = non_ascii_error(file, text, pos) {
        return d;
    }
    let span = if at_end {
        let end = end_of_last_token(text);
        let last = text[..end].chars().next_back().map_or(0, char::len_utf8);
        Span::new(file, end - last, end)
    } else {
        Span::new(file, pos, pos + found.len())
    };
    let no_rules = Vec::new();
    let positives = match &err.variant {
        pest::error::ErrorVariant::ParsingError { positives, .. } if literal.is_none() => positives,
        _ => &no_rules,
    };
    let (expected, help) = match (&literal, &err.variant) {
        (Some(l), _) => (l.expected.clone(), l.help.clone()),
        (None, pest::error::ErrorVariant::ParsingError { positives, .. }) => {
            describe_expected(positives)
        }
        (None, pest::error::ErrorVariant::CustomError { message }) => (message.clone(), None),
    };
    if let Some(d) = string_error(file, text, pos) {
        return d;
    }
    let (message, label) = if at_end {
        (
            "unexpected end of input".to_string(),
            format!("expected {expected} after this"),
        )
    } else {
        let shown = match found.chars().next() {
            Some(c) if c.is_control() => format!("unexpected character U+{:04X}", c as u32),
            _ => format!("unexpected `{found}`"),
        };
        (shown, format!("expected {expected}"))
    };
    let wants_string = label.contains("a string");
    let unclosed = if at_end {
        unclosed_braces(text).first().copied()
    } else {
        None
    };
    let mut d = Diagnostic::error(Code::Syntax, message).at(span, label);
    let mut open_before = None;
    let help = help.or_else(|| {
        if let Some(word) = hyphenated(text, pos) {
            return Some(format!(
                "a name may not contain `-`: write `{}`, or quote an id of a user, resource, group or event: `\"{word}\"`",
                word.replace('-', "_")
            ));
        }
        if wants_string && !found.starts_with('"') && !is_keyword(found) && !found.is_empty() {
            Some(
                "a label is a string in double quotes, on one line: `\"Report - Status Detail\"`"
                    .to_string(),
            )
        } else {
            let (h, open) = advice(text, pos, found, positives);
            open_before = open;
            h
        }
    });
    // a misspelt keyword's fix as data too (the editor's "Replace with")
    let keyword =
        crate::diag::closest(found, wanted_keywords(positives).iter().map(String::as_str))
            .filter(|k| *k != found)
            .map(str::to_string);
    if let (Some(k), Some(h)) = (&keyword, &help) {
        if *h == format!("did you mean `{k}`?") {
            d = d.replace_with(k.clone());
        }
    }
    if let Some(h) = help {
        d = d.help(h);
    }
    if let Some(open) = open_before {
        d = d.also(Span::new(file, open, open + 1), "this `{` is still open");
    }
    if let Some(open) = unclosed {
        d = d
            .also(Span::new(file, open, open + 1), "this `{` is never closed")
            .help("close every `{` with a `}`");
    }
    d
}

/// The whole word when a `-` at `pos` joins two parts of a name
/// (`st-marys`): a name written with a hyphen.
fn hyphenated(text: &str, pos: usize) -> Option<&str> {
    let part = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let bytes = text.as_bytes();
    if bytes.get(pos) != Some(&b'-') {
        return None;
    }
    let before = text[..pos].chars().next_back().is_some_and(part);
    let after = text[pos + 1..].chars().next().is_some_and(part);
    if !(before && after) {
        return None;
    }
    let start = text[..pos]
        .char_indices()
        .rev()
        .take_while(|&(_, c)| part(c) || c == '-' || c == '.')
        .last()
        .map_or(pos, |(i, _)| i);
    let end = text[pos..]
        .char_indices()
        .find(|&(_, c)| !(part(c) || c == '-' || c == '.'))
        .map_or(text.len(), |(i, _)| pos + i);
    text.get(start..end)
}

/// A punctuation token pest expected further on than the rule it reports.
struct Literal {
    at: usize,
    expected: String,
    help: Option<String>,
}

fn missing_literal(text: &str, pos: usize, err: &pest::error::Error<Rule>) -> Option<Literal> {
    let attempts = err.parse_attempts()?;
    let at = skip_trivia(text, attempts.max_position);
    if at <= pos {
        return None;
    }
    let mut wanted: Vec<String> = Vec::new();
    for t in attempts.expected_tokens() {
        // a name, a string or a keyword is left to the rule-level message
        let token = t.to_string();
        match token.as_str() {
            " " | "\t" | "\n" | "\r" | "#" => {}
            "{" | "}" | "(" | ")" | ":" | "," => wanted.push(format!("`{token}`")),
            _ => return None,
        }
    }
    let expected = match wanted.len() {
        0 => return None,
        1 => wanted[0].clone(),
        n => format!("{} or {}", wanted[..n - 1].join(", "), wanted[n - 1]),
    };
    let stacks = attempts.call_stacks();
    let deepest = stacks.first().and_then(|c| c.deepest.get_rule().copied());
    let example = match deepest {
        Some(r) => match r {
            Rule::default_roles => {
                Some("`default role { reporting_user when flag analytics_access }`")
            }
            Rule::report_decl => Some(
                "`report status_detail \"Status Detail\" { requires right report.status_detail }`",
            ),
            Rule::test_decl => {
                Some("`test \"Jane reports\" { expect can jane report.status_detail }`")
            }
            Rule::rights_group => Some("`rights report { status_detail \"Status Detail\" }`"),
            Rule::user_access | Rule::group_access | Rule::revoke_access | Rule::role_access => {
                Some("`access resource_m: view_resource, update_status`")
            }
            _ => None,
        },
        _ => None,
    };
    let help = example.map(|e| format!("write it as {e}"));
    Some(Literal { at, expected, help })
}

/// The length of the UTF-8 character starting at byte `i`.
fn string_error(file: FileId, text: &str, pos: usize) -> Option<Diagnostic> {
    let rest = text.get(pos..)?;
    let body = rest.strip_prefix('"')?;
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return None,
            '\n' | '\r' => break,
            '\\' => match chars.next() {
                Some((_, '"' | '\\')) => {}
                Some((j, e)) => {
                    let at = pos + 1 + i;
                    let end = pos + 1 + j + e.len_utf8();
                    return Some(
                        Diagnostic::error(Code::Syntax, format!("invalid escape `\\{e}` in a string"))
                            .at(Span::new(file, at, end), "not an escape the language knows")
                            .help("strings know only `\\\"` and `\\\\`; write other characters as they are"),
                    );
                }
                None => break,
            },
            _ => {}
        }
    }
    let line_end = rest.find(['\n', '\r']).unwrap_or(rest.len());
    Some(
        Diagnostic::error(Code::Syntax, "unterminated string")
            .at(
                Span::new(file, pos, pos + line_end),
                "this string is not closed on its line",
            )
            .help("close it with `\"`; a string cannot span lines"),
    )
}

/// A clearer error when the text at `pos` continues a name with a character the
/// language does not allow in names (`right a.é`, `role café`).
fn non_ascii_error(file: FileId, text: &str, pos: usize) -> Option<Diagnostic> {
    let rest = text.get(pos..)?;
    if rest.starts_with('"') {
        return None;
    }
    let word_end = rest
        .find(|c: char| {
            c.is_ascii_whitespace() || matches!(c, '{' | '}' | '(' | ')' | ',' | ':' | '"')
        })
        .unwrap_or(rest.len());
    let (i, c) = rest[..word_end]
        .char_indices()
        .find(|(_, c)| !c.is_ascii())?;
    let at = pos + i;
    let what = if c.is_alphanumeric() {
        format!("`{c}` cannot be part of a name")
    } else {
        format!("unexpected character U+{:04X}", c as u32)
    };
    Some(
        Diagnostic::error(Code::Syntax, what)
            .at(Span::new(file, at, at + c.len_utf8()), "not allowed here")
            .help("names are ASCII: lowercase letters, digits and `_`, joined by `.`; a label (a string) can hold any text"),
    )
}

/// The end of the last byte that is neither whitespace nor in a comment.
fn token_at(text: &str, pos: usize) -> &str {
    let rest = text.get(pos..).unwrap_or("");
    let word: usize = rest
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '.'))
        .map(|(i, _)| i)
        .unwrap_or(rest.len());
    if word > 0 {
        return &rest[..word];
    }
    match rest.chars().next() {
        Some(c) => &rest[..c.len_utf8()],
        None => "",
    }
}

/// Whether pest wanted a name (or a data id) where the error is.
fn wants_name(positives: &[Rule]) -> bool {
    positives.iter().any(|r| {
        matches!(
            r,
            Rule::name | Rule::prefix_pattern | Rule::data_id | Rule::data_ident | Rule::ident
        )
    })
}

/// The keywords pest wanted where the error is (`grant`, `assigns`, …).
fn wanted_keywords(positives: &[Rule]) -> Vec<String> {
    positives
        .iter()
        .filter_map(|r| keyword_of(&format!("{r:?}")).map(str::to_string))
        .collect()
}

/// Advice for what was found, given what was expected: the most likely
/// mistake first. Returns the help, and the position of a `{` that a missing
/// `}` leaves open, if that is the likely mistake.
fn advice(
    text: &str,
    pos: usize,
    found: &str,
    positives: &[Rule],
) -> (Option<String>, Option<usize>) {
    let rest = text.get(pos..).unwrap_or("");
    let wanted = wanted_keywords(positives);
    // operators from other languages, where a condition goes on
    let in_condition = wanted.iter().any(|w| w == "and" || w == "or")
        || positives
            .iter()
            .any(|r| matches!(r, Rule::cond | Rule::unary));
    for (sign, word) in [
        ("&&", "and"),
        ("||", "or"),
        ("&", "and"),
        ("|", "or"),
        ("!", "not"),
    ] {
        if in_condition && rest.starts_with(sign) {
            return (
                Some(format!(
                    "conditions are written with words: `{word}` instead of `{sign}` (`and`, `or`, `not`)"
                )),
                None,
            );
        }
    }
    // a query's suffixes in the wrong order: `at DATE with X`
    let before = text.get(..pos).unwrap_or("").trim_end();
    let after_date = before.len() >= 13
        && before.get(before.len() - 13..).is_some_and(|t| {
            t.starts_with("at ") && t[3..].bytes().filter(|b| b.is_ascii_digit()).count() == 8
        });
    if found == "with" && after_date {
        return (
            Some("`with` comes before `at`: `… with emergency at 2026-12-20`".to_string()),
            None,
        );
    }
    // a declaration starting a line where a body's statement or its `}`
    // belongs, in a text whose braces do not balance: a `}` is missing
    let starts_line = text[..pos.min(text.len())]
        .rsplit('\n')
        .next()
        .is_some_and(|line| line.trim().is_empty());
    let declares = super::keywords::starts_declaration_only(found)
        || (found == "rights" || found == "report") && !wants_name(positives);
    if declares
        && starts_line
        && !wanted.iter().any(|w| w == found)
        && !unclosed_braces(text).is_empty()
    {
        if let Some(&open) = unclosed_braces(&text[..pos.min(text.len())]).last() {
            return (
                Some(format!(
                    "a `}}` may be missing: the `{{` before it is still open where `{found}` starts a new declaration"
                )),
                Some(open),
            );
        }
    }
    if found == "extends" && wanted.iter().any(|w| w == "grant" || w == "assigns") {
        return (
            Some("`extends` comes before the role's body: `role NAME \"Label\" extends PARENT { grant … }`".into()),
            None,
        );
    }
    // a query word after `explain`, `who` or `what`, which want `can`
    if wanted == ["can"] {
        let before = text[..pos.min(text.len())]
            .split_whitespace()
            .last()
            .unwrap_or("");
        let h = match before {
            "explain" => Some(format!(
                "`explain` explains one `can` question: `explain can USER …`; ask `{found} …` on its own"
            )),
            "who" => Some("`who` asks `who can …`: `who can run REPORT on RESOURCE`".to_string()),
            "what" => Some("`what` asks `what can USER do [on RESOURCE]`".to_string()),
            _ => None,
        };
        if h.is_some() {
            return (h, None);
        }
    }
    // a misspelt keyword (`grants`, `role` for `roles`, `assign` for `assigns`)
    if !wanted.iter().any(|w| w == found) {
        if let Some(h) = crate::diag::did_you_mean(found, wanted.iter().map(String::as_str)) {
            return (Some(h), None);
        }
    }
    if is_keyword(found) {
        if wants_name(positives) {
            return (
                Some(format!(
                    "`{found}` is a keyword: it cannot be a name on its own, but it can be a segment of a dotted name (`{found}.x`, `x.{found}`); a data id may be a string (`\"{found}\"`)"
                )),
                None,
            );
        }
        return (None, None);
    }
    if found.chars().any(|c| c.is_ascii_uppercase()) {
        return (
            Some(
                "names are lowercase ASCII (`[a-z_][a-z0-9_]*`); write labels as strings: `\"My Label\"`"
                    .to_string(),
            ),
            None,
        );
    }
    (None, None)
}

fn describe_expected(positives: &[Rule]) -> (String, Option<String>) {
    let starts_declaration =
        positives.contains(&Rule::kw_role) && positives.contains(&Rule::kw_user);
    let mut words: Vec<String> = Vec::new();
    let mut push = |w: String| {
        if !words.contains(&w) {
            words.push(w);
        }
    };
    if starts_declaration {
        let words: Vec<String> = super::keywords::DECLARATION_WORDS
            .iter()
            .map(|w| match *w {
                "default" => "`default role`".to_string(),
                w => format!("`{w}`"),
            })
            .collect();
        push(format!("a declaration ({})", words.join(", ")));
    }
    let mut query_start = false;
    for r in positives {
        let w = match r {
            Rule::kw_explain | Rule::kw_who | Rule::kw_what => {
                query_start = true;
                continue;
            }
            _ if starts_declaration && is_declaration_start(*r) => continue,
            Rule::name | Rule::prefix_pattern => "a name".to_string(),
            Rule::all_pattern => "`*`".to_string(),
            Rule::data_id | Rule::data_ident => "an id (a name or a \"string\")".to_string(),
            Rule::string | Rule::label => "a string".to_string(),
            Rule::ident => "an identifier".to_string(),
            Rule::cond | Rule::unary | Rule::paren => "a condition".to_string(),
            Rule::c_true
            | Rule::c_false
            | Rule::c_right
            | Rule::c_role
            | Rule::c_flag
            | Rule::c_access
            | Rule::c_can => "a condition".to_string(),
            Rule::file | Rule::item => "a declaration".to_string(),
            Rule::repl_line => "a query or a declaration".to_string(),
            Rule::query => "a query".to_string(),
            Rule::segments => "a name".to_string(),
            Rule::window => "a window (`from DATE`, `until DATE`)".to_string(),
            Rule::date => "a date (YYYY-MM-DD)".to_string(),
            Rule::EOI if starts_declaration => continue,
            Rule::EOI => "end of input".to_string(),
            other => {
                let name = format!("{other:?}");
                match keyword_of(&name) {
                    Some(k) => format!("`{k}`"),
                    None => name.replace('_', " "),
                }
            }
        };
        push(w);
    }
    if query_start {
        let words: Vec<String> = super::keywords::QUERY_WORDS
            .iter()
            .map(|w| match *w {
                "who" | "what" => format!("`{w} can`"),
                w => format!("`{w}`"),
            })
            .collect();
        push(format!("a query ({})", words.join(", ")));
    }
    let text = match words.len() {
        0 => "something else".to_string(),
        1 => words[0].clone(),
        n => format!("{} or {}", words[..n - 1].join(", "), words[n - 1]),
    };
    (text, None)
}

/// Whether a rule is the keyword that starts a declaration.
fn is_declaration_start(r: Rule) -> bool {
    keyword_of(&format!("{r:?}")).is_some_and(|k| super::keywords::DECLARATION_WORDS.contains(&k))
}

/// The word of a keyword rule (`kw_role`, or a contextual `ck_attribute`).
fn keyword_of(rule_name: &str) -> Option<&str> {
    rule_name
        .strip_prefix("kw_")
        .or_else(|| rule_name.strip_prefix("ck_"))
}
