//! When a question is asked (§9.3) and with which context facts (§9.4), and
//! the windows of a user's items: the version-3 parts of the model.

use super::model::*;
use crate::source::Span;

/// The context facts given with a question (§9.4): bit `c` for `ContextId(c)`.
/// A policy declares at most 64 (sema says so).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ContextSet(pub u64);

impl ContextSet {
    pub const NONE: ContextSet = ContextSet(0);
    #[inline]
    pub fn has(self, c: ContextId) -> bool {
        c.0 < 64 && self.0 >> c.0 & 1 != 0
    }
    pub fn with(self, c: ContextId) -> ContextSet {
        if c.0 < 64 {
            ContextSet(self.0 | 1 << c.0)
        } else {
            self
        }
    }
    pub fn without(self, c: ContextId) -> ContextSet {
        if c.0 < 64 {
            ContextSet(self.0 & !(1 << c.0))
        } else {
            self
        }
    }
    pub fn union(self, other: ContextSet) -> ContextSet {
        ContextSet(self.0 | other.0)
    }
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
    /// The facts given, in declaration order.
    pub fn iter(self) -> impl Iterator<Item = ContextId> {
        (0..64u32)
            .filter(move |&c| self.0 >> c & 1 != 0)
            .map(ContextId)
    }
}

/// When a question is asked (§9.3) and with which context facts (§9.4):
/// `at` is `None` when the question names no date (the tool's date applies).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct When {
    pub at: Option<Day>,
    pub with: ContextSet,
}

impl When {
    /// This question's date and facts over the tool's: the question's date
    /// wins, the facts add up (§9.7).
    pub fn over(self, tool: When) -> When {
        When {
            at: self.at.or(tool.at),
            with: self.with.union(tool.with),
        }
    }
}

/// A resolved query with its date and context facts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Asked {
    pub question: Question,
    pub when: When,
}

/// The list of a user's an item with a window is in.
pub use crate::syntax::ast::Windowed;

/// The window of the items of a user's list that carry `span`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemWindow {
    pub list: Windowed,
    pub span: Span,
    pub window: Window,
    /// The span of `from … until …` as written.
    pub at: Span,
}

/// The window among `windows` of the item of `list` that carries `span`.
pub fn window_in(windows: &[ItemWindow], list: Windowed, span: Span) -> Option<&ItemWindow> {
    windows
        .iter()
        .find(|w| w.list == list && w.span.same_place(&span))
}

impl User {
    /// The window of the item of `list` that carries `span`, if it has one.
    pub fn window_of(&self, list: Windowed, span: Span) -> Option<&ItemWindow> {
        window_in(&self.windows, list, span)
    }

    /// The values of attribute `a`.
    pub fn attribute(&self, a: AttrId) -> &[String] {
        super::model::attribute_values(&self.attributes, a)
    }
}
