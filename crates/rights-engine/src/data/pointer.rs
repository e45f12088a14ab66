//! Where a place in a JSON data file is, as a JSON Pointer (RFC 6901):
//! `/users/76/roles/0`. A minified data file is one line, so `file:line`
//! alone says nothing; the pointer (with the column) leads to the entry.
//!
//! The data reader records where each element of the top-level arrays
//! starts ([`JsonEntries`], kept with the file's text); a pointer is found
//! from the entry holding the place, scanning that entry alone, so its cost
//! does not follow the size of the file, and nothing walks the file again.

use crate::source::JsonEntries;

/// The pointer of the innermost value at byte `offset` of `text` (the text
/// `entries` were recorded from); `None` outside every entry.
pub fn pointer(entries: &JsonEntries, text: &str, offset: usize) -> Option<String> {
    let entry = entries.holding(offset)?;
    let key = entries.keys.get(usize::from(entry.key))?;
    let start = entry.at as usize;
    let end = offset.min(text.len());
    let mut found = String::with_capacity(32);
    push_key(&mut found, key);
    push_index(&mut found, entry.index as usize);
    // the containers open at `offset`: where the value there sits
    let open = walk(text.as_bytes(), start, end);
    for f in &open {
        match f {
            Frame::Object { key: Some(k), .. } => push_written_key(&mut found, key_text(text, *k)),
            Frame::Array { index } => push_index(&mut found, *index),
            Frame::Object { key: None, .. } => {}
        }
    }
    // at a key (`"resource_z": [...]` of an access object): that member
    if let (
        Some(Frame::Object {
            reading_key: true, ..
        }),
        Some(b'"'),
    ) = (open.last(), text.as_bytes().get(end))
    {
        let close = string_end(text.as_bytes(), end);
        if let Some(k) = text.get(end + 1..close.saturating_sub(1)) {
            push_written_key(&mut found, k);
        }
    }
    Some(found)
}

/// An open container while walking: an object (with the key whose value
/// comes next, once read) or an array (with the index of its current element).
#[derive(Clone, Copy, Debug)]
enum Frame {
    /// The key as a byte range of the text (read only when a pointer is
    /// written: no string made per key walked over).
    Object {
        key: Option<(usize, usize)>,
        reading_key: bool,
    },
    Array {
        index: usize,
    },
}

/// `/` and a key as written in the text: JSON escapes (`a\/b`, `\u00e9`)
/// read as the key they mean, once.
fn push_written_key(out: &mut String, written: &str) {
    if written.contains('\\') {
        if let Ok(decoded) = serde_json::from_str::<String>(&format!("\"{written}\"")) {
            return push_key(out, &decoded);
        }
    }
    push_key(out, written);
}

/// `/` and a key, with `~` and `/` in it written as a pointer writes them.
fn push_key(out: &mut String, key: &str) {
    out.push('/');
    if !key.contains(['~', '/']) {
        out.push_str(key);
        return;
    }
    for c in key.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
}

/// `/` and an array index.
fn push_index(out: &mut String, index: usize) {
    use std::fmt::Write;
    let _ = write!(out, "/{index}");
}

/// A key's text, by its range.
fn key_text(text: &str, (start, end): (usize, usize)) -> &str {
    text.get(start..end).unwrap_or("")
}

/// Walks `bytes[from..to]` (from the start of a value); returns the
/// containers still open at `to`.
fn walk(bytes: &[u8], from: usize, to: usize) -> Vec<Frame> {
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = from;
    let to = to.min(bytes.len());
    while i < to {
        let b = bytes[i];
        match b {
            b' ' | b'\t' | b'\r' | b'\n' | b':' => {
                i += 1;
                continue;
            }
            b',' => {
                match stack.last_mut() {
                    Some(Frame::Array { index }) => *index += 1,
                    Some(Frame::Object { key, reading_key }) => {
                        *key = None;
                        *reading_key = true;
                    }
                    None => {}
                }
                i += 1;
                continue;
            }
            b'}' | b']' => {
                stack.pop();
                i += 1;
                continue;
            }
            _ => {}
        }
        // a key, or the start of a value
        if b == b'"' {
            let end = string_end(bytes, i);
            if let Some(Frame::Object { key, reading_key }) = stack.last_mut() {
                if *reading_key {
                    *key = Some((i + 1, end.saturating_sub(1).max(i + 1)));
                    *reading_key = false;
                    i = end;
                    continue;
                }
            }
            i = end;
            continue;
        }
        match b {
            b'{' => stack.push(Frame::Object {
                key: None,
                reading_key: true,
            }),
            b'[' => stack.push(Frame::Array { index: 0 }),
            _ => {
                // a number, `true`, `false` or `null`: to its end
                while i < to
                    && !matches!(bytes[i], b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t')
                {
                    i += 1;
                }
                continue;
            }
        }
        i += 1;
    }
    stack
}

/// The offset just past the string starting at `i` (its closing quote).
fn string_end(bytes: &[u8], i: usize) -> usize {
    let mut j = i + 1;
    while let Some(k) = bytes
        .get(j..)
        .and_then(|rest| rest.iter().position(|&b| b == b'"' || b == b'\\'))
    {
        j += k;
        if bytes[j] == b'"' {
            return j + 1;
        }
        j += 2;
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_lead_to_the_value() {
        let text = r#"{"resources": [{"id": "r1"}], "users": [{"id": "a"}, {"id": "b", "roles": ["x", "y/z"], "access": {"r1": ["view"]}}]}"#;
        let read = crate::data::parse_json(crate::source::FileId(0), text);
        assert!(read.diags.is_empty(), "{:?}", read.diags);
        let at = |needle: &str| pointer(&read.entries, text, text.find(needle).unwrap_or(0));
        assert_eq!(at("\"r1\"}"), Some("/resources/0/id".into()));
        assert_eq!(at("\"b\""), Some("/users/1/id".into()));
        assert_eq!(at("\"y/z\""), Some("/users/1/roles/1".into()));
        assert_eq!(at("[\"view\"]"), Some("/users/1/access/r1".into()));
        assert_eq!(at("\"view\""), Some("/users/1/access/r1/0".into()));
        // at a key: that member
        assert_eq!(at("\"r1\": ["), Some("/users/1/access/r1".into()));
        // outside every entry
        assert_eq!(at("{\"resources\""), None);
    }

    #[test]
    fn the_entry_holding_a_place_is_the_last_that_starts_before_it() {
        // entries of every size: many to a bucket, some across two
        let users: Vec<String> = (0..3000)
            .map(|i| {
                let roles = vec!["\"r\""; (i * 7) % 400].join(", ");
                format!(r#"{{"id": "u{i}", "roles": [{roles}]}}"#)
            })
            .collect();
        let text = format!(r#"{{"users": [{}]}}"#, users.join(",\n"));
        let read = crate::data::parse_json(crate::source::FileId(0), &text);
        let e = &read.entries;
        assert_eq!(e.starts.len(), 3000);
        for offset in (0..text.len() + 10).step_by(97) {
            let k = e.starts.partition_point(|x| x.at as usize <= offset);
            let expected = k.checked_sub(1).map(|k| e.starts[k].at);
            assert_eq!(e.holding(offset).map(|x| x.at), expected, "at {offset}");
        }
        let third = text.find(r#"{"id": "u2""#).unwrap_or(0);
        assert_eq!(pointer(e, &text, third + 3), Some("/users/2/id".into()));
    }

    #[test]
    fn an_entry_longer_than_its_bucket_and_a_key_with_escapes() {
        let long = vec!["\"r\""; 6000].join(", ");
        let text = format!(
            r#"{{"users": [{{"id": "a", "roles": [{long}]}}, {{"id": "b", "access": {{"x\/y": ["view"], "\u00e9": ["view"]}}}}]}}"#
        );
        let read = crate::data::parse_json(crate::source::FileId(0), &text);
        let e = &read.entries;
        // 15 KB into the first entry: three buckets after the one it starts in
        let deep = text.len() / 2;
        assert!(deep > 3 * 4096);
        assert_eq!(e.holding(deep).map(|x| x.index), Some(0));
        assert_eq!(
            pointer(e, &text, text.find("[\"view\"]").unwrap_or(0)),
            Some("/users/1/access/x~1y".into())
        );
        assert_eq!(
            pointer(e, &text, text.rfind("[\"view\"]").unwrap_or(0)),
            Some("/users/1/access/é".into())
        );
        // `a\\b` means `a\b`: decoded once (decoded again, `\b` would be
        // a backspace)
        let text = r#"{"users": [{"id": "c", "access": {"a\\b": ["view"]}}]}"#;
        let read = crate::data::parse_json(crate::source::FileId(0), text);
        assert_eq!(
            pointer(&read.entries, text, text.find("[\"view\"]").unwrap_or(0)),
            Some("/users/0/access/a\\b".into())
        );
    }
}
