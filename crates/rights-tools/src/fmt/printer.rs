//! Output lines, with each comment of the source placed by position: before
//! the element that follows it, or after the code it followed.

use crate::syntax;

/// A piece of output with the source range it came from.
pub(super) struct Printer<'a> {
    pub(super) src: &'a str,
    pub(super) comments: Vec<syntax::Comment>,
    pub(super) next: usize,
    pub(super) out: String,
    /// End of the last thing printed, in the source (for blank lines).
    pub(super) last_end: usize,
}

impl<'a> Printer<'a> {
    pub(super) fn line(&mut self, indent: usize, text: &str) {
        for _ in 0..indent {
            self.out.push_str("  ");
        }
        self.out.push_str(text);
        self.out.push('\n');
    }

    /// Emits the comments that start before `pos`, each on its own line.
    pub(super) fn comments_before(&mut self, pos: usize, indent: usize) {
        while let Some(c) = self.comments.get(self.next).copied() {
            if c.start >= pos {
                break;
            }
            self.blank_line_before(c.start);
            let text = self.src[c.start..c.end].trim().to_string();
            self.line(indent, &text);
            self.last_end = c.end;
            self.next += 1;
        }
    }

    /// One blank line where the source has any between the last thing printed
    /// and `pos`, at any depth: a blank line can matter (it ends a doc comment's
    /// hold on the declaration after it).
    pub(super) fn blank_line_before(&mut self, pos: usize) {
        if self.out.is_empty() || self.out.ends_with("\n\n") {
            return;
        }
        let between = self.src.get(self.last_end..pos).unwrap_or("");
        // the lines wholly between the two: is any of them empty?
        let pieces: Vec<&str> = between.split('\n').collect();
        let blank = pieces.len() > 2
            && pieces[1..pieces.len() - 1]
                .iter()
                .any(|l| l.trim().is_empty());
        if blank {
            self.out.push('\n');
        }
    }

    /// Emits an element: comments before it, its lines, and a comment that
    /// follows it on the same source line.
    pub(super) fn element(&mut self, start: usize, end: usize, indent: usize, lines: &[String]) {
        if self.comment_inside(start, end) {
            self.verbatim(start, end, indent);
            return;
        }
        self.comments_before(start, indent);
        self.blank_line_before(start);
        for l in lines {
            self.line(indent, l);
        }
        self.last_end = end;
        self.trailing(end);
    }

    /// Appends a comment that starts on the same source line as `end`.
    pub(super) fn trailing(&mut self, end: usize) {
        if let Some(c) = self.comments.get(self.next).copied() {
            let between = self.src.get(end..c.start).unwrap_or("\n");
            if c.start >= end && !between.contains('\n') {
                let text = self.src[c.start..c.end].trim();
                if self.out.ends_with('\n') {
                    self.out.pop();
                }
                self.out.push_str("  ");
                self.out.push_str(text);
                self.out.push('\n');
                self.last_end = c.end;
                self.next += 1;
            }
        }
    }

    /// After a block's `{` line: a comment written on the header's source line
    /// (before the first statement) stays on the header.
    pub(super) fn header_comment(&mut self, start: usize, first_stmt: usize) {
        if let Some(c) = self.comments.get(self.next).copied() {
            let same_line = !self.src.get(start..c.start).unwrap_or("\n").contains('\n');
            if same_line && c.start < first_stmt {
                self.trailing(c.start);
            }
        }
    }

    /// Whether a comment starts strictly inside `start..end` (not before or after it).
    pub(super) fn comment_inside(&self, start: usize, end: usize) -> bool {
        self.comments[self.next..]
            .iter()
            .take_while(|c| c.start < end)
            .any(|c| c.start > start)
    }

    /// Prints an element as it was written: an element with a comment inside
    /// is not reflowed, so that no comment moves away from what it annotates.
    /// Only the first line's indentation and trailing spaces change.
    pub(super) fn verbatim(&mut self, start: usize, end: usize, indent: usize) {
        self.comments_before(start, indent);
        self.blank_line_before(start);
        let text = self.src.get(start..end).unwrap_or("").to_string();
        for (i, l) in text.lines().enumerate() {
            if i == 0 {
                self.line(indent, l.trim_end());
            } else {
                self.out.push_str(l.trim_end());
                self.out.push('\n');
            }
        }
        while self.comments.get(self.next).is_some_and(|c| c.start < end) {
            self.next += 1;
        }
        self.last_end = end;
        self.trailing(end);
    }

    /// Whether a comment lies inside `start..end`.
    pub(super) fn has_comment_in(&self, start: usize, end: usize) -> bool {
        self.comments[self.next..]
            .iter()
            .any(|c| c.start >= start && c.start < end)
    }
}
