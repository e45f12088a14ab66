//! Between the editor's places (line and character, in UTF-16 code units or
//! UTF-8 bytes as negotiated) and ours (byte offsets, spans).

use crate::source::{SourceFile, Span};
use lsp_types::{Position, Range};

/// How the client counts characters in a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

/// The position of a byte offset of `text`.
pub fn position(file: &SourceFile, offset: u32, enc: Encoding) -> Position {
    let line = file.line_of(offset).saturating_sub(1);
    let start = file.line_start(line).unwrap_or(0);
    let end = offset.min(file.text.len() as u32);
    // from the file's tables: no count from the line's start (a minified
    // JSON file is one line)
    let col = match enc {
        Encoding::Utf8 => end.saturating_sub(start) as usize,
        Encoding::Utf16 => file.utf16_before(end) - file.utf16_before(start),
    };
    Position::new(line as u32, col as u32)
}

pub fn range(file: &SourceFile, span: Span, enc: Encoding) -> Range {
    Range::new(
        position(file, span.start, enc),
        position(file, span.end, enc),
    )
}

/// The byte offset of a position in `text` (clamped to the text; a
/// character past the end of its line means the line's end).
pub fn offset(text: &str, pos: Position, enc: Encoding) -> usize {
    let mut start = 0usize;
    for _ in 0..pos.line {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    let mut line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    // a position past the end of a CRLF line is before its `\r`
    if text[..line_end].ends_with('\r') && line_end > start {
        line_end -= 1;
    }
    let line = &text[start..line_end];
    let want = pos.character as usize;
    match enc {
        Encoding::Utf8 => {
            let mut i = want.min(line.len());
            while !line.is_char_boundary(i) {
                i -= 1;
            }
            start + i
        }
        Encoding::Utf16 => {
            let mut units = 0usize;
            for (i, c) in line.char_indices() {
                if units >= want {
                    return start + i;
                }
                units += c.len_utf16();
            }
            line_end
        }
    }
}

/// The byte offset of a position, using the file's line table.
pub fn offset_in(file: &SourceFile, pos: Position, enc: Encoding) -> u32 {
    let Some(start) = file.line_start(pos.line as usize) else {
        return file.text.len() as u32;
    };
    let rest = &file.text[start as usize..];
    let first = Position::new(0, pos.character);
    (start as usize + offset(rest, first, enc)) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_columns_count_surrogate_pairs() {
        let text = "a😀b\ncd";
        assert_eq!(offset(text, Position::new(0, 3), Encoding::Utf16), 5);
        assert_eq!(offset(text, Position::new(0, 5), Encoding::Utf8), 5);
        assert_eq!(offset(text, Position::new(0, 3), Encoding::Utf8), 1);
        assert_eq!(offset(text, Position::new(1, 1), Encoding::Utf16), 8);
        assert_eq!(offset(text, Position::new(1, 99), Encoding::Utf16), 9);
        assert_eq!(offset(text, Position::new(7, 0), Encoding::Utf16), 9);
        assert_eq!(offset("ab\r\ncd", Position::new(0, 9), Encoding::Utf16), 2);
    }
}
