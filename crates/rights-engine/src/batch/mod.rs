//! Batch questions at the engine's speed: `rights query -` reads a question
//! per line, as query text or as a JSON request, and answers each through
//! the one resolution (`sema::resolve_can_names`) and the one evaluator.
//!
//! Query text is parsed by the one grammar (pest). What makes it cheap is
//! that a batch asks few *kinds* of question: a line's **shape** — its
//! keywords, and for each name only its lexical class (identifier, dotted
//! name, string) — decides its parse. The first line of a shape is parsed by
//! pest with every name replaced by a placeholder of the same class; the
//! resulting tree says which token is the user, the target and the resource.
//! Every later line of that shape is resolved straight from its tokens: no
//! parse tree, no allocation. A line of another form (`who`, `what`,
//! `report`, a comment, anything the tokenizer does not classify), or one
//! whose names do not resolve, takes the ordinary path, which gives the
//! diagnostics.

mod json;

pub use json::{one_line, parse_request, Request, RequestShapes};

use crate::ir::Program;
use crate::sema::model::{CanQ, Question};
use crate::sema::{NameRef, TargetNames};
use crate::syntax::{self, ast, keywords};
use rustc_hash::FxHashMap;

/// A token's lexical class, as the grammar sees a name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    /// A keyword (kept literally in the shape).
    Keyword,
    /// `[a-z_][a-z0-9_]*`, not a keyword.
    Ident,
    /// identifiers joined by `.` (the first may be a keyword).
    Dotted,
    /// `"…"` without escapes (its text is what is inside the quotes).
    Quoted,
}

/// Which token of a shape is which name of a `can` question.
#[derive(Clone, Copy, Debug)]
enum Slot {
    Run { report: u8 },
    Assign { role: u8, to: u8 },
    Named { name: u8 },
    Access { level: u8 },
    AssignAccess { level: u8, to: u8 },
}

#[derive(Clone, Copy, Debug)]
struct Template {
    explain: bool,
    user: u8,
    target: Slot,
    on: Option<u8>,
}

/// The most shapes remembered (text or JSON); later new shapes are parsed
/// each time they come.
const MAX_SHAPES: usize = 4096;

/// Parses remembered by a line's shape (text or JSON): the shape of the
/// line at hand is written into `key`, and what it reads as is learned the
/// first time it comes (`None`: it does not read as a fast question).
struct Shapes<T> {
    known: FxHashMap<Box<str>, Option<T>>,
    key: String,
}

impl<T: Copy> Default for Shapes<T> {
    fn default() -> Shapes<T> {
        Shapes {
            known: FxHashMap::default(),
            key: String::with_capacity(64),
        }
    }
}

impl<T: Copy> Shapes<T> {
    /// What the shape in `key` reads as, learned by `learn` the first time.
    /// A stream of ever new shapes (an unknown key on every line) is read,
    /// not remembered without end.
    fn read(&mut self, learn: impl FnOnce() -> Option<T>) -> Option<T> {
        if let Some(t) = self.known.get(self.key.as_str()) {
            return *t;
        }
        let t = learn();
        if self.known.len() < MAX_SHAPES {
            self.known.insert(self.key.as_str().into(), t);
        }
        t
    }
}

/// The most tokens a line may have for the fast path.
const MAX_TOKENS: usize = 16;

/// Resolves question lines of one program, remembering each shape's parse.
pub struct Batch<'p> {
    program: &'p Program,
    /// Shape → its template (`None`: not a `can`/`explain` question, or it
    /// does not parse: such lines take the ordinary path).
    shapes: Shapes<Template>,
    tokens: Vec<(u32, u32, Class)>,
}

impl<'p> Batch<'p> {
    pub fn new(program: &'p Program) -> Batch<'p> {
        Batch {
            program,
            shapes: Shapes::default(),
            tokens: Vec::with_capacity(MAX_TOKENS),
        }
    }

    /// The question a line asks, resolved, when it is a `can` or `explain
    /// can` question whose names all resolve; `None` sends the line down the
    /// ordinary path (`Workspace::resolve_query`), which also words errors.
    pub fn resolve(&mut self, line: &str) -> Option<Question> {
        if !tokenize(line, &mut self.tokens) {
            return None;
        }
        let key = &mut self.shapes.key;
        key.clear();
        for &(s, e, class) in &self.tokens {
            match class {
                Class::Keyword => key.push_str(&line[s as usize..e as usize]),
                Class::Ident => key.push('\u{1}'),
                Class::Dotted => key.push('\u{2}'),
                Class::Quoted => key.push('\u{3}'),
            }
            key.push(' ');
        }
        let tokens = &self.tokens;
        let template = self.shapes.read(|| learn(line, tokens))?;
        let tok = |i: u8| -> NameRef<'_> {
            let (s, e, class) = self.tokens[i as usize];
            let (s, e) = if class == Class::Quoted {
                (s + 1, e - 1)
            } else {
                (s, e)
            };
            NameRef::bare(&line[s as usize..e as usize])
        };
        let target = match template.target {
            Slot::Run { report } => TargetNames::Run {
                report: tok(report),
            },
            Slot::Assign { role, to } => TargetNames::Assign {
                role: tok(role),
                to: tok(to),
            },
            Slot::Named { name } => TargetNames::Named { name: tok(name) },
            Slot::Access { level } => TargetNames::Access { level: tok(level) },
            Slot::AssignAccess { level, to } => TargetNames::AssignAccess {
                level: tok(level),
                to: tok(to),
            },
        };
        let p = self.program;
        let q: CanQ = crate::sema::lookup_can(
            &p.policy,
            &p.data,
            tok(template.user).text,
            target,
            template.on.map(|i| tok(i).text),
        )?;
        Some(if template.explain {
            Question::Explain(q)
        } else {
            Question::Can(q)
        })
    }

    /// How many shapes were learned (for tests and figures).
    pub fn shapes(&self) -> usize {
        self.shapes.known.len()
    }
}

/// Splits a line into classified tokens; false when a token is none of the
/// classes (the line then takes the ordinary path).
fn tokenize(line: &str, out: &mut Vec<(u32, u32, Class)>) -> bool {
    out.clear();
    let b = line.as_bytes();
    if b.len() > u32::MAX as usize {
        return false;
    }
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b' ' || c == b'\t' || c == b'\r' || c == b'\n' {
            i += 1;
            continue;
        }
        if out.len() == MAX_TOKENS {
            return false;
        }
        let start = i;
        if c == b'"' {
            i += 1;
            while i < b.len() && b[i] != b'"' {
                if b[i] == b'\\' || b[i] == b'\n' || b[i] == b'\r' {
                    return false;
                }
                i += 1;
            }
            if i == b.len() || i == start + 1 {
                return false;
            }
            i += 1;
            // a string must end its token
            if i < b.len() && !matches!(b[i], b' ' | b'\t' | b'\r' | b'\n') {
                return false;
            }
            out.push((start as u32, i as u32, Class::Quoted));
            continue;
        }
        // identifiers joined by dots
        let mut parts = 0;
        loop {
            if i < b.len() && (b[i].is_ascii_lowercase() || b[i] == b'_') {
                i += 1;
                while i < b.len()
                    && (b[i].is_ascii_lowercase() || b[i].is_ascii_digit() || b[i] == b'_')
                {
                    i += 1;
                }
                parts += 1;
            } else {
                return false;
            }
            if i < b.len() && b[i] == b'.' {
                i += 1;
                continue;
            }
            break;
        }
        if i < b.len() && !matches!(b[i], b' ' | b'\t' | b'\r' | b'\n') {
            return false;
        }
        let text = &line[start..i];
        let class = if parts > 1 {
            Class::Dotted
        } else if keywords::is_keyword(text) {
            Class::Keyword
        } else {
            Class::Ident
        };
        out.push((start as u32, i as u32, class));
    }
    !out.is_empty()
}

/// Parses a shape once (pest, with placeholders) and reads off which token
/// is which name.
fn learn(line: &str, tokens: &[(u32, u32, Class)]) -> Option<Template> {
    // the placeholder of token i: `zq<i>` (a plain identifier, never a
    // keyword), `zq<i>.zq` or `"zq<i>"`; keywords as written
    let mut text = String::new();
    for (i, &(s, e, class)) in tokens.iter().enumerate() {
        match class {
            Class::Keyword => text.push_str(&line[s as usize..e as usize]),
            Class::Ident => text.push_str(&format!("zq{i}")),
            Class::Dotted => text.push_str(&format!("zq{i}.zq")),
            Class::Quoted => text.push_str(&format!("\"zq{i}\"")),
        }
        text.push(' ');
    }
    let q = syntax::parse_query(crate::source::FileId(u32::MAX), &text).ok()?;
    template_of(&q)
}

/// Which token a placeholder name stands for.
fn slot(n: &ast::Name) -> Option<u8> {
    let t = n.text.strip_prefix("zq")?;
    let t = t.strip_suffix(".zq").unwrap_or(t);
    t.parse().ok()
}

fn template_of(q: &ast::Query) -> Option<Template> {
    let (explain, c) = match q {
        ast::Query::Can(c) => (false, c),
        ast::Query::Explain(c) => (true, c),
        _ => return None,
    };
    // a date, context facts or an event: the full path
    if c.suffix != ast::Suffix::default() {
        return None;
    }
    let (target, on) = match &c.target {
        ast::CanTarget::Run {
            report,
            on,
            event: None,
        } => (
            Slot::Run {
                report: slot(report)?,
            },
            on.as_ref(),
        ),
        ast::CanTarget::Assign { role, to, on } => (
            Slot::Assign {
                role: slot(role)?,
                to: slot(to)?,
            },
            on.as_ref(),
        ),
        ast::CanTarget::Named { name, on } => (Slot::Named { name: slot(name)? }, on.as_ref()),
        ast::CanTarget::Access { level, on } => (
            Slot::Access {
                level: slot(level)?,
            },
            on.as_ref(),
        ),
        ast::CanTarget::Run { .. } => return None,
        ast::CanTarget::AssignAccess { level, to, on } => (
            Slot::AssignAccess {
                level: slot(level)?,
                to: slot(to)?,
            },
            on.as_ref(),
        ),
    };
    let on = match on {
        Some(n) => Some(slot(n)?),
        None => None,
    };
    Some(Template {
        explain,
        user: slot(&c.user)?,
        target,
        on,
    })
}
