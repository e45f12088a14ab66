//! Words written piece by piece: [`put!`] writes each piece as it is, one
//! after another, where `write!` would go through `core::fmt`'s machinery
//! (an argument table, a padding check per argument). The facts and
//! subjects of every answer are worded this way; a stream of full answers
//! spends most of its time wording them.

use crate::sema::model::Meta;
use std::fmt::{Result, Write};

/// A piece of words [`put!`] writes.
pub(super) trait Piece {
    fn put<W: Write>(&self, w: &mut W) -> Result;
}

impl Piece for str {
    fn put<W: Write>(&self, w: &mut W) -> Result {
        w.write_str(self)
    }
}

impl Piece for String {
    fn put<W: Write>(&self, w: &mut W) -> Result {
        w.write_str(self)
    }
}

impl<T: Piece + ?Sized> Piece for &T {
    fn put<W: Write>(&self, w: &mut W) -> Result {
        (**self).put(w)
    }
}

/// A name in backticks: "`status_detail`".
pub(super) struct Ticked<'a>(pub &'a str);

impl Piece for Ticked<'_> {
    fn put<W: Write>(&self, w: &mut W) -> Result {
        w.write_char('`')?;
        w.write_str(self.0)?;
        w.write_char('`')
    }
}

/// A name with its label: "`report.status_detail` (Report - Status Detail)",
/// or the name alone in backticks.
pub(super) struct Labelled<'m>(pub &'m Meta);

impl Piece for Labelled<'_> {
    fn put<W: Write>(&self, w: &mut W) -> Result {
        Ticked(&self.0.name).put(w)?;
        if let Some(l) = &self.0.label {
            w.write_str(" (")?;
            w.write_str(l)?;
            w.write_char(')')?;
        }
        Ok(())
    }
}

impl std::fmt::Display for Labelled<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> Result {
        self.put(f)
    }
}

/// Writes every piece into `w`, in order: `put!(w; user, " holds right ",
/// Labelled(meta))`; evaluates to `fmt::Result`.
macro_rules! put {
    ($w:expr; $($piece:expr),+ $(,)?) => {{
        $( $crate::words::pieces::Piece::put(&$piece, $w)?; )+
        Ok(())
    }};
}
pub(super) use put;
