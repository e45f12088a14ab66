//! The one lexical scanner: where strings and comments are in a text, and which
//! bytes are significant (neither whitespace nor inside a comment). Used before
//! pest runs (nesting depth), after it (error positions, span trimming), by the
//! formatter (comments, braces, strings) and by the REPL (unfinished input).
//!
//! It follows the grammar's lexical rules: `#` starts a comment to the end of
//! the line; a string is double-quoted on one line, `\` escaping the next
//! character; whitespace is space, tab, carriage return and newline.

/// What the scanner found at a position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Token {
    /// A significant byte outside strings and comments.
    Byte(u8),
    /// A string, quotes included, ending (exclusive) at `end`. An unterminated
    /// string ends at the end of its line.
    Str { end: usize },
    /// A comment from `#` to the end of its line (exclusive).
    Comment { end: usize },
}

/// Every token of a text with its position, whitespace skipped.
pub fn tokens(text: &str) -> Tokens<'_> {
    Tokens {
        bytes: text.as_bytes(),
        i: 0,
    }
}

/// The iterator of [`tokens`].
pub struct Tokens<'t> {
    bytes: &'t [u8],
    i: usize,
}

impl Iterator for Tokens<'_> {
    type Item = (usize, Token);

    fn next(&mut self) -> Option<(usize, Token)> {
        let b = self.bytes;
        while self.i < b.len() {
            let pos = self.i;
            match b[pos] {
                b' ' | b'\t' | b'\r' | b'\n' => self.i += 1,
                b'#' => {
                    let mut j = pos;
                    while j < b.len() && b[j] != b'\n' {
                        j += 1;
                    }
                    self.i = j;
                    return Some((pos, Token::Comment { end: j }));
                }
                b'"' => {
                    let mut j = pos + 1;
                    let end = loop {
                        match b.get(j) {
                            None => break b.len(),
                            Some(b'\\')
                                if j + 1 < b.len() && !matches!(b[j + 1], b'\n' | b'\r') =>
                            {
                                j += 2
                            }
                            Some(b'"') => break j + 1,
                            Some(b'\n' | b'\r') => break j,
                            Some(_) => j += 1,
                        }
                    };
                    let end = end.min(b.len());
                    self.i = end;
                    return Some((pos, Token::Str { end }));
                }
                other => {
                    self.i += 1;
                    return Some((pos, Token::Byte(other)));
                }
            }
        }
        None
    }
}

/// A `#` comment (doc comments included) as a byte range of the text, without
/// trailing whitespace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Comment {
    pub start: usize,
    pub end: usize,
}

/// Every comment of a text, in order (`#` inside strings is not a comment).
pub fn comments(text: &str) -> Vec<Comment> {
    tokens(text)
        .filter_map(|(start, t)| match t {
            Token::Comment { end } => Some(Comment {
                start,
                end: start + text[start..end].trim_end().len(),
            }),
            _ => None,
        })
        .collect()
}

/// The end of the last significant thing in the text (a byte or a string).
pub fn end_of_last_token(text: &str) -> usize {
    tokens(text)
        .filter_map(|(pos, t)| match t {
            Token::Byte(_) => Some(pos + 1),
            Token::Str { end } => Some(end),
            Token::Comment { .. } => None,
        })
        .last()
        .unwrap_or(0)
}

/// The first position at or after `pos` that is not whitespace or a comment.
pub fn skip_trivia(text: &str, pos: usize) -> usize {
    let rest = text.get(pos..).unwrap_or("");
    tokens(rest)
        .find(|(_, t)| !matches!(t, Token::Comment { .. }))
        .map_or(text.len(), |(i, _)| pos + i)
}

/// The positions of the `{` still open at the end of the text, outermost first.
pub fn unclosed_braces(text: &str) -> Vec<usize> {
    let mut open = Vec::new();
    for (i, t) in tokens(text) {
        match t {
            Token::Byte(b'{') => open.push(i),
            Token::Byte(b'}') => {
                open.pop();
            }
            _ => {}
        }
    }
    open
}

/// `{` and `(` opened minus those closed (negative when more are closed).
pub fn open_depth(text: &str) -> i64 {
    tokens(text).fold(0, |d, (_, t)| match t {
        Token::Byte(b'{' | b'(') => d + 1,
        Token::Byte(b'}' | b')') => d - 1,
        _ => d,
    })
}

/// The first parenthesis nested deeper than `max`, if any.
pub fn too_deep(text: &str, max: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, t) in tokens(text) {
        match t {
            Token::Byte(b'(') => {
                depth += 1;
                if depth > max {
                    return Some(i);
                }
            }
            Token::Byte(b')') => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// The first `{` at or after `start` that is not in a string or a comment.
pub fn brace_after(text: &str, start: usize) -> Option<usize> {
    let rest = text.get(start..)?;
    tokens(rest)
        .find(|(_, t)| *t == Token::Byte(b'{'))
        .map(|(i, _)| start + i)
}

/// The end of the first string at or after `pos` (the text's end if none).
pub fn string_end(text: &str, pos: usize) -> usize {
    let rest = text.get(pos..).unwrap_or("");
    tokens(rest)
        .find_map(|(_, t)| match t {
            Token::Str { end } => Some(pos + end),
            _ => None,
        })
        .unwrap_or(text.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_and_comments_hide_what_they_contain() {
        let text = "a { \"x { # y\" } # c { \n ( \"open";
        assert_eq!(open_depth(text), 1);
        assert_eq!(comments(text), vec![Comment { start: 16, end: 21 }]);
        assert_eq!(unclosed_braces("{ \"}\" { }"), vec![0]);
        assert_eq!(end_of_last_token("x \"ab\"  # z"), 6);
        assert_eq!(skip_trivia("  # c\n  y", 0), 8);
        assert_eq!(brace_after("\"{\" # {\n {", 0), Some(9));
        assert_eq!(string_end("k \"a\\\"b\" z", 0), 8);
        assert_eq!(too_deep("((\"(\"))", 2), None);
        assert_eq!(too_deep("(((", 2), Some(2));
    }
}
