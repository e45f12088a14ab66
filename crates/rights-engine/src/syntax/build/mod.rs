//! pest pairs → AST: the typed syntax tree of [`super::ast`], with spans.
//!
//! - `mod.rs`: the builder and what every part needs (spans, names, strings,
//!   doc comments, patterns);
//! - `decls.rs`: declarations (policy and data);
//! - `queries.rs`: tests, expectations, queries and conditions.

mod decls;
mod queries;

use super::ast::*;
use super::parse::Rule;
use super::scan::end_of_last_token;
use crate::diag::{Code, Diagnostic};
use crate::source::{FileId, Span};
use pest::iterators::{Pair, Pairs};
use std::sync::LazyLock;

type PResult<T> = Result<T, Box<Diagnostic>>;

pub(in crate::syntax) struct Builder<'t> {
    pub(in crate::syntax) file: FileId,
    /// The whole file's text (doc comments are read from it).
    pub(in crate::syntax) text: &'t str,
    /// Where the text pest parsed starts in the file (a part of it, or the
    /// whole from 0): added to every span.
    pub(in crate::syntax) base: usize,
}

/// Which rules are keywords (`kw_*` in the grammar), indexed by rule: the
/// builder leaves them out of a node's children. Read off the grammar's own
/// rule names, so no list of keywords is written here.
static KEYWORD_RULES: LazyLock<Vec<bool>> = LazyLock::new(|| {
    let mut table = Vec::new();
    for &r in Rule::all_rules() {
        let i = r as usize;
        if table.len() <= i {
            table.resize(i + 1, false);
        }
        let name = format!("{r:?}");
        table[i] = name.starts_with("kw_") || name.starts_with("ck_");
    }
    table
});

fn is_keyword_rule(r: Rule) -> bool {
    KEYWORD_RULES.get(r as usize).copied().unwrap_or(false)
}

impl<'t> Builder<'t> {
    /// The pair's span without trailing whitespace or comments (pest may
    /// include the trivia it skipped before an optional part that was absent).
    pub(super) fn span(&self, p: &Pair<'_, Rule>) -> Span {
        let s = p.as_span();
        let end = end_of_last_token(s.as_str());
        let end = if end == 0 { s.as_str().len() } else { end };
        Span::new(
            self.file,
            self.base + s.start(),
            self.base + s.start() + end,
        )
    }

    pub(super) fn shape_error(&self, span: Span, what: &str) -> Box<Diagnostic> {
        Box::new(
            Diagnostic::error(
                Code::Syntax,
                format!("internal error: unexpected syntax tree shape ({what})"),
            )
            .at(span, "while reading this")
            .help("this is a bug in `rights`; please report it with this input"),
        )
    }

    pub(in crate::syntax) fn next<'i>(
        &self,
        pairs: &mut Pairs<'i, Rule>,
    ) -> PResult<Pair<'i, Rule>> {
        pairs
            .next()
            .ok_or_else(|| self.shape_error(Span::new(self.file, 0, 0), "missing node"))
    }

    /// The pairs inside `p`, keywords left out.
    pub(super) fn children<'i>(&self, p: Pair<'i, Rule>) -> Vec<Pair<'i, Rule>> {
        p.into_inner()
            .filter(|c| !is_keyword_rule(c.as_rule()))
            .collect()
    }

    pub(super) fn name(&self, p: &Pair<'_, Rule>) -> Name {
        Name {
            text: p.as_str().to_string(),
            span: self.span(p),
        }
    }

    /// A data id: an identifier, or a string (unescaped).
    pub(super) fn data_id(&self, p: Pair<'_, Rule>) -> PResult<Name> {
        let span = self.span(&p);
        let inner = self.next(&mut p.into_inner())?;
        let text = match inner.as_rule() {
            Rule::string => self.string(inner)?,
            _ => inner.as_str().to_string(),
        };
        Ok(Name { text, span })
    }

    pub(super) fn string(&self, p: Pair<'_, Rule>) -> PResult<String> {
        let inner = self.next(&mut p.into_inner())?;
        Ok(unescape(inner.as_str()))
    }

    pub(super) fn label(&self, p: Pair<'_, Rule>) -> PResult<String> {
        self.string(self.next(&mut p.into_inner())?)
    }

    /// The `##` lines right before `offset`, without the `##` and one space.
    pub(super) fn doc_before(&self, offset: usize) -> Doc {
        let before = self.text.get(..offset)?;
        let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
        if !before[line_start..].trim().is_empty() {
            return None;
        }
        let mut docs: Vec<&str> = Vec::new();
        let mut rest = &before[..line_start];
        while let Some(stripped) = rest.strip_suffix('\n') {
            let start = stripped.rfind('\n').map(|i| i + 1).unwrap_or(0);
            let line = stripped[start..].trim();
            match line.strip_prefix("##") {
                Some(doc) => docs.push(doc.strip_prefix(' ').unwrap_or(doc).trim_end()),
                None => break,
            }
            rest = &stripped[..start];
        }
        if docs.is_empty() {
            return None;
        }
        docs.reverse();
        Some(docs.join("\n"))
    }

    pub(super) fn next_of<'i>(
        &self,
        it: &mut impl Iterator<Item = Pair<'i, Rule>>,
        span: Span,
    ) -> PResult<Pair<'i, Rule>> {
        it.next()
            .ok_or_else(|| self.shape_error(span, "missing part"))
    }

    /// `NAME "label"?` as in `right`, `flag`, rights entries.
    pub(super) fn name_label(&self, p: Pair<'_, Rule>) -> PResult<(Name, Label)> {
        let span = self.span(&p);
        let mut it = self.children(p).into_iter();
        let name = self.name(&self.next_of(&mut it, span)?);
        let label = match it.next() {
            Some(l) => Some(self.label(l)?),
            None => None,
        };
        Ok((name, label))
    }

    /// A string value with its span (an attribute's value).
    pub(super) fn value(&self, p: Pair<'_, Rule>) -> PResult<Value> {
        let span = self.span(&p);
        Ok(Value {
            text: self.string(p)?,
            span,
        })
    }

    pub(super) fn date(&self, p: &Pair<'_, Rule>) -> DateLit {
        DateLit {
            text: p.as_str().to_string(),
            span: self.span(p),
        }
    }

    /// `from DATE [until DATE] | until DATE`.
    pub(super) fn window(&self, p: Pair<'_, Rule>) -> Window {
        let span = self.span(&p);
        let mut w = Window {
            from: None,
            until: None,
            span,
        };
        let mut next_is_until = false;
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::ck_from => next_is_until = false,
                Rule::ck_until => next_is_until = true,
                Rule::date if next_is_until => w.until = Some(self.date(&c)),
                Rule::date => w.from = Some(self.date(&c)),
                _ => {}
            }
        }
        w
    }

    /// The children of a statement that may end with a window, and the window.
    pub(super) fn windowed<'i>(&self, p: Pair<'i, Rule>) -> (Vec<Pair<'i, Rule>>, Option<Window>) {
        let mut kids = self.children(p);
        let window = match kids.last() {
            Some(l) if l.as_rule() == Rule::window => kids.pop().map(|w| self.window(w)),
            _ => None,
        };
        (kids, window)
    }

    /// `attribute NAME "v", …`
    pub(super) fn attribute_values(&self, p: Pair<'_, Rule>) -> PResult<AttributeValues> {
        let span = self.span(&p);
        let mut it = self.children(p).into_iter();
        let name = self.name(&self.next_of(&mut it, span)?);
        let values = it.map(|v| self.value(v)).collect::<PResult<Vec<_>>>()?;
        Ok(AttributeValues { name, values, span })
    }

    pub(super) fn first_cond(&self, p: Pair<'_, Rule>) -> PResult<Cond> {
        let span = self.span(&p);
        let mut it = self.children(p).into_iter();
        self.cond(self.next_of(&mut it, span)?)
    }

    pub(super) fn pattern(&self, p: Pair<'_, Rule>) -> PResult<Pattern> {
        let span = self.span(&p);
        Ok(match p.as_rule() {
            Rule::all_pattern => Pattern::All(span),
            Rule::prefix_pattern => {
                let mut it = p.into_inner();
                let n = self.next(&mut it)?;
                Pattern::Prefix(self.name(&n))
            }
            Rule::name => Pattern::Exact(self.name(&p)),
            _ => return Err(self.shape_error(span, "pattern")),
        })
    }
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(n) = chars.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    out
}
