//! The interactive line editor: completion of keywords, commands and declared
//! names in context; highlighting (off with `NO_COLOR`); hints from history;
//! multi-line input while a `{` or `(` is open.

use super::session::COMMANDS;
pub use crate::complete::Names;
use crate::complete::Place;
use rustyline::completion::{Completer, Pair};
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::HistoryHinter;
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{Context, Helper, Hinter};
use std::borrow::Cow;

#[derive(Helper, Hinter)]
pub struct ReplHelper {
    pub names: Names,
    pub color: bool,
    #[rustyline(Hinter)]
    pub hinter: HistoryHinter,
}

impl ReplHelper {
    /// The words that fit after `before` (the text before the word being completed).
    pub fn candidates(&self, before: &str) -> Vec<String> {
        self.fitting(before, "")
    }

    /// The words that fit after `before` and start with `typed`.
    fn fitting(&self, before: &str, typed: &str) -> Vec<String> {
        let commands: Vec<&str> = COMMANDS.iter().map(|(c, _, _)| *c).collect();
        crate::complete::candidates(&[&self.names], &commands, Place::Repl, before, typed)
            .into_iter()
            .map(|c| c.word.into_owned())
            .collect()
    }
}

impl Completer for ReplHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let upto = line.get(..pos).unwrap_or(line);
        let start = crate::complete::word_start(upto);
        let word = &upto[start..];
        let before = &upto[..start];
        let mut out: Vec<Pair> = self
            .fitting(before, word)
            .into_iter()
            .map(|c| Pair {
                display: c.clone(),
                replacement: format!("{c} "),
            })
            .collect();
        out.dedup_by(|a, b| a.display == b.display);
        Ok((start, out))
    }
}

impl Validator for ReplHelper {
    fn validate(&self, ctx: &mut ValidationContext<'_>) -> rustyline::Result<ValidationResult> {
        let input = ctx.input();
        if !input.trim_start().starts_with(':') && crate::syntax::needs_more_input(input) {
            Ok(ValidationResult::Incomplete)
        } else {
            Ok(ValidationResult::Valid(None))
        }
    }
}

impl Highlighter for ReplHelper {
    fn highlight<'l>(&self, line: &'l str, _pos: usize) -> Cow<'l, str> {
        if !self.color {
            return Cow::Borrowed(line);
        }
        Cow::Owned(highlight(line))
    }

    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        if self.color {
            Cow::Owned(format!("\x1b[2m{hint}\x1b[0m"))
        } else {
            Cow::Borrowed(hint)
        }
    }

    fn highlight_char(&self, _line: &str, _pos: usize, _kind: CmdKind) -> bool {
        self.color
    }
}

/// Keywords bold blue, strings green, comments dim (strings and comments
/// found by the language's own scanner).
fn highlight(line: &str) -> String {
    use crate::syntax::scan::{tokens, Token};
    let mut out = String::with_capacity(line.len() * 2);
    let mut done = 0;
    let push_plain = |out: &mut String, text: &str| {
        // words in plain text: keywords highlighted
        let mut rest = text;
        while let Some(i) = rest.find(|c: char| c.is_ascii_alphabetic() || c == '_') {
            out.push_str(&rest[..i]);
            let word_len = rest[i..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
                .unwrap_or(rest.len() - i);
            let word = &rest[i..i + word_len];
            if crate::syntax::is_keyword(word) {
                out.push_str("\x1b[1;34m");
                out.push_str(word);
                out.push_str("\x1b[0m");
            } else {
                out.push_str(word);
            }
            rest = &rest[i + word_len..];
        }
        out.push_str(rest);
    };
    for (pos, t) in tokens(line) {
        let (end, colour) = match t {
            Token::Str { end } => (end, "\x1b[32m"),
            Token::Comment { end } => (end, "\x1b[2m"),
            Token::Byte(_) => continue,
        };
        push_plain(&mut out, &line[done..pos]);
        out.push_str(colour);
        out.push_str(&line[pos..end]);
        out.push_str("\x1b[0m");
        done = end;
    }
    push_plain(&mut out, &line[done..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn helper() -> ReplHelper {
        ReplHelper {
            names: Names {
                users: vec!["jane".into(), "bob".into()],
                resources: vec!["resource_z".into()],
                events: vec!["flood".into()],
                rights: vec!["report.status_detail".into()],
                roles: vec!["reporter".into()],
                actions: vec!["edit_sub_resources".into()],
                reports: vec!["status_detail".into()],
                access: vec!["run_reports".into()],
                flags: vec!["analytics_access".into()],
                groups: vec!["nurses".into()],
                tags: vec!["archived".into()],
                attributes: vec!["unit".into()],
                contexts: vec!["emergency".into()],
            },
            color: false,
            hinter: HistoryHinter::new(),
        }
    }

    #[test]
    fn completes_names_by_context() {
        let h = helper();
        assert_eq!(h.candidates("can "), vec!["jane", "bob"]);
        assert!(h.candidates("can jane ").contains(&"run".to_string()));
        assert!(h
            .candidates("can jane ")
            .contains(&"edit_sub_resources".to_string()));
        assert!(h
            .candidates("can jane ")
            .contains(&"report.status_detail".to_string()));
        assert_eq!(h.candidates("can jane run "), vec!["status_detail"]);
        assert_eq!(
            h.candidates("can jane run status_detail on "),
            vec!["resource_z"]
        );
        assert_eq!(
            h.candidates("report status_detail as jane for event "),
            vec!["flood"]
        );
        assert_eq!(h.candidates("rights "), vec!["jane", "bob"]);
        assert_eq!(h.candidates("user x { roles "), vec!["reporter"]);
        assert!(h.candidates("").contains(&":help".to_string()));
        assert_eq!(h.candidates(":format "), vec!["human", "json"]);
        // §8: groups, tags, levels
        assert_eq!(h.candidates("user dana { groups "), vec!["nurses"]);
        assert_eq!(h.candidates("deny access x when group "), vec!["nurses"]);
        assert_eq!(h.candidates("resource r { tags "), vec!["archived"]);
        assert_eq!(h.candidates("can jane access "), vec!["run_reports"]);
        assert_eq!(h.candidates("can jane access run_reports "), vec!["on"]);
        assert!(h
            .candidates("can jane assign ")
            .contains(&"access".to_string()));
        assert_eq!(h.candidates("can jane assign access "), vec!["run_reports"]);
        // §9: attributes, context facts, where can
        assert_eq!(
            h.candidates("action a on resource when same "),
            vec!["unit"]
        );
        assert_eq!(h.candidates("deny x when user "), vec!["unit"]);
        assert_eq!(h.candidates("deny x when context "), vec!["emergency"]);
        assert_eq!(
            h.candidates("can jane access run_reports on resource_z with "),
            vec!["emergency"]
        );
        assert_eq!(h.candidates("where can "), vec!["jane", "bob"]);
        assert_eq!(h.candidates("user x { attribute "), vec!["unit"]);
        assert_eq!(
            h.candidates("can jane assign access run_reports "),
            vec!["to"]
        );
        assert_eq!(h.candidates("groups "), vec!["jane", "bob"]);
        assert_eq!(h.candidates("resource r { access for "), vec!["role"]);
        // a new declaration's name: nothing declared fits; `report` asks
        for new in ["role ", "user ", "right ", "resource "] {
            assert!(h.candidates(new).is_empty(), "{new}");
        }
        assert_eq!(h.candidates("role x extends "), vec!["reporter"]);
        assert_eq!(h.candidates("report "), vec!["status_detail"]);
        // only what starts with the typed part
        assert_eq!(h.fitting("can ", "b"), vec!["bob"]);
    }

    #[test]
    fn highlighting_marks_keywords_and_strings() {
        let s = highlight("role r \"R\" # note");
        assert!(s.contains("\x1b[1;34mrole\x1b[0m"));
        assert!(s.contains("\x1b[32m\"R\"\x1b[0m"));
        assert!(s.contains("\x1b[2m# note\x1b[0m"));
    }
}
