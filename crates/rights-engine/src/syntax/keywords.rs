//! The words of the language: every keyword (docs/reference/files.md), the words that
//! start a declaration or a query, and how a data id is written so that it
//! reads back as itself. The one list the parser's error messages, the
//! formatter, the REPL and the editor support share.

pub fn is_keyword(word: &str) -> bool {
    // by length first: most names are longer than every keyword, and the
    // rest compare against a few words of their length
    if word.len() > LONGEST {
        return false;
    }
    // the batch path asks this of every name of every line (a scan of the
    // list cost about 200 instructions a word): first whether any keyword
    // has the word's first letter and length, then a set
    struct Index {
        /// Bit `n` of entry `c - b'a'`: a keyword of length n starts with c.
        lengths: [u32; 26],
        set: rustc_hash::FxHashSet<&'static str>,
    }
    static INDEX: std::sync::LazyLock<Index> = std::sync::LazyLock::new(|| {
        let mut lengths = [0u32; 26];
        for k in KEYWORDS {
            if let Some(l) = k
                .bytes()
                .next()
                .and_then(|c| lengths.get_mut(usize::from(c.wrapping_sub(b'a'))))
            {
                *l |= 1 << k.len().min(31);
            }
        }
        Index {
            lengths,
            set: KEYWORDS.iter().copied().collect(),
        }
    });
    let Some(&c) = word.as_bytes().first() else {
        return false;
    };
    let ix = &*INDEX;
    ix.lengths
        .get(usize::from(c.wrapping_sub(b'a')))
        .is_some_and(|l| l >> word.len().min(31) & 1 != 0)
        && ix.set.contains(word)
}

/// The length of the longest keyword.
const LONGEST: usize = {
    let mut i = 0;
    let mut max = 0;
    while i < KEYWORDS.len() {
        if KEYWORDS[i].len() > max {
            max = KEYWORDS[i].len();
        }
        i += 1;
    }
    max
};

/// Every keyword of the language (kept in step with `keyword` in the grammar).
pub const KEYWORDS: &[&str] = &[
    "right",
    "rights",
    "access",
    "flag",
    "role",
    "extends",
    "grant",
    "assigns",
    "default",
    "action",
    "on",
    "resource",
    "when",
    "also",
    "deny",
    "report",
    "requires",
    "rows",
    "resources",
    "event",
    "where",
    "details",
    "detail",
    "user",
    "roles",
    "revoke",
    "flags",
    "in",
    "test",
    "expect",
    "not",
    "and",
    "or",
    "can",
    "true",
    "false",
    "run",
    "assign",
    "to",
    "who",
    "what",
    "do",
    "explain",
    "as",
    "for",
    "shows",
    "full",
    "name_only",
    "denied",
    "empty",
    "group",
    "groups",
    "tag",
    "tags",
];

/// The words that start a declaration (§2, §3, §7).
pub const DECLARATION_WORDS: &[&str] = &[
    "right",
    "rights",
    "access",
    "flag",
    "tag",
    "role",
    "default",
    "action",
    "deny",
    "report",
    "group",
    "user",
    "resource",
    "event",
    "test",
    "attribute",
    "context",
];

/// The words that start a query (§5).
pub const QUERY_WORDS: &[&str] = &[
    "can", "explain", "who", "where", "what", "rights", "roles", "groups", "report", "expiring",
];

/// The words that start a condition's operand (§2 "Conditions").
pub const CONDITION_WORDS: &[&str] = &[
    "right", "role", "flag", "access", "can", "group", "tag", "not", "true", "false", "same",
    "user", "resource", "context",
];

/// Whether a line starting with `word` is a query (`rights` and `report` also
/// start declarations; the REPL reads those as queries first).
pub fn is_query_word(word: &str) -> bool {
    QUERY_WORDS.contains(&word)
}

/// Whether `word` starts only a declaration, never a query.
pub fn starts_declaration_only(word: &str) -> bool {
    DECLARATION_WORDS.contains(&word) && !is_query_word(word)
}

/// Every word an entry may start with: the query words, then the
/// declaration words that are not also query words (a test checks it).
pub const FIRST_WORDS: &[&str] = &[
    "can",
    "explain",
    "who",
    "where",
    "what",
    "rights",
    "roles",
    "groups",
    "report",
    "expiring",
    "right",
    "access",
    "flag",
    "tag",
    "role",
    "default",
    "action",
    "deny",
    "group",
    "user",
    "resource",
    "event",
    "test",
    "attribute",
    "context",
];

/// The words version 3 (§9) made keywords only where it uses them: a policy
/// may still use them as names.
pub const CONTEXTUAL_KEYWORDS: &[&str] = &[
    "inherited",
    "attribute",
    "same",
    "context",
    "with",
    "at",
    "from",
    "until",
    "expiring",
    "within",
    "days",
];

/// Whether `text` is an identifier (`[a-z_][a-z0-9_]*`) that is not a keyword.
pub fn is_plain_ident(text: &str) -> bool {
    text.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && text
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !is_keyword(text)
}

/// A data id as it must be written: bare where it is a plain identifier,
/// otherwise as a string with `\"` and `\\` escaped.
pub fn data_id_text(id: &str) -> String {
    if is_plain_ident(id) {
        id.to_string()
    } else {
        quote(id)
    }
}

/// A string literal: `"…"` with `\"` and `\\` escaped.
pub fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

#[cfg(test)]
mod tests {
    #[test]
    fn first_words_are_the_query_words_then_the_other_declaration_words() {
        let built: Vec<&str> = QUERY_WORDS
            .iter()
            .copied()
            .chain(
                DECLARATION_WORDS
                    .iter()
                    .copied()
                    .filter(|w| !QUERY_WORDS.contains(w)),
            )
            .collect();
        assert_eq!(FIRST_WORDS, built.as_slice());
    }

    use super::*;

    #[test]
    fn is_keyword_is_membership_of_the_list() {
        for k in KEYWORDS {
            assert!(is_keyword(k), "{k}");
            assert!(!is_keyword(&format!("{k}_")), "{k}_");
            assert!(!is_keyword(&k[..k.len() - 1]) || KEYWORDS.contains(&&k[..k.len() - 1]));
        }
        for w in [
            "",
            "x",
            "user187",
            "resource_z",
            "status_detail",
            "Role",
            "rolez",
        ] {
            assert!(!is_keyword(w), "{w}");
        }
    }
}
