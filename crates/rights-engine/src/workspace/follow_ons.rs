//! Errors that only follow from a text that did not parse are held back,
//! and the syntax error says how many.

use super::{TextKind, Workspace};
use crate::diag::{Code, Diagnostics};
use crate::source::FileId;

impl Workspace {
    /// Names declared in a text that did not parse are unknown everywhere
    /// else: those "unknown name" errors are held back, and the syntax error
    /// says how many.
    pub(super) fn hold_back_follow_ons(&self, first: &mut Diagnostics, rest: &mut Diagnostics) {
        let failed: Vec<FileId> = self
            .texts
            .iter()
            .filter(|t| t.parsed.is_none())
            .map(|t| t.file)
            .collect();
        if failed.is_empty() {
            return;
        }
        let texts: Vec<&str> = failed
            .iter()
            .filter_map(|&f| self.sources.get(f).map(|s| s.text.as_str()))
            .collect();
        // a data file that did not parse may have declared any user,
        // resource, event or group: none of them is reported unknown
        let data_failed = self
            .texts
            .iter()
            .any(|t| t.parsed.is_none() && t.kind == TextKind::Data);
        let before = rest.len();
        rest.retain(|d| {
            if !matches!(d.code, Code::UnknownName | Code::EmptyPattern) {
                return true;
            }
            if data_failed && d.unknown.as_ref().is_some_and(|(k, _)| k.is_data()) {
                return false;
            }
            let Some((span, _)) = &d.primary else {
                return true;
            };
            let name = self.sources.slice(*span).trim_matches('"');
            // a dotted name may come from a `rights PREFIX { … }` group: its
            // prefix is what the text mentions
            let prefix = name.split('.').next().unwrap_or(name);
            !texts
                .iter()
                .any(|t| mentions(t, name) || (prefix != name && mentions(t, prefix)))
        });
        let held = before - rest.len();
        if held == 0 {
            return;
        }
        let note = format!(
            "{held} error{} about unknown names {} not shown: {} may be declared in the text that did not parse; fix this first",
            if held == 1 { "" } else { "s" },
            if held == 1 { "is" } else { "are" },
            if held == 1 { "it" } else { "they" },
        );
        if let Some(d) = first.iter_mut().find(|d| {
            matches!(
                d.code,
                Code::Syntax | Code::TooDeep | Code::InvalidJson | Code::InvalidUtf8
            )
        }) {
            d.help = Some(match d.help.take() {
                Some(h) => format!("{h}\n{note}"),
                None => note,
            });
        }
    }
}

/// Whether `text` mentions `name` as a whole word.
fn mentions(text: &str, name: &str) -> bool {
    if name.is_empty() {
        return false;
    }
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '.';
    text.match_indices(name).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + name.len()..].chars().next();
        !before.is_some_and(word) && !after.is_some_and(word)
    })
}
