//! Completion by context: which keywords, commands and declared names fit
//! after the text typed so far. One logic for every front end (the REPL's
//! line editor, and an editor server).
//!
//! The work is proportional to what fits: a context names the lists it
//! draws from ([`Source`]), and only their words that start with what is
//! typed are collected, each with its sort (no lookup per word).

use crate::workspace::Workspace;
use std::borrow::Cow;

/// Declared names, refreshed after every change to the session's policy.
#[derive(Clone, Debug, Default)]
pub struct Names {
    pub users: Vec<String>,
    pub resources: Vec<String>,
    pub events: Vec<String>,
    pub rights: Vec<String>,
    pub roles: Vec<String>,
    pub actions: Vec<String>,
    pub reports: Vec<String>,
    pub access: Vec<String>,
    pub flags: Vec<String>,
    pub groups: Vec<String>,
    pub tags: Vec<String>,
    pub attributes: Vec<String>,
    pub contexts: Vec<String>,
}

impl Names {
    pub fn of(ws: &Workspace) -> Names {
        let Some(program) = ws.program() else {
            return Names::default();
        };
        let (p, d) = (&program.policy, &program.data);
        let quote = crate::syntax::keywords::data_id_text;
        Names {
            users: d.users.iter().map(|x| quote(&x.meta.name)).collect(),
            resources: d.resources.iter().map(|x| quote(&x.meta.name)).collect(),
            events: d.events.iter().map(|x| quote(&x.meta.name)).collect(),
            rights: p.rights.iter().map(|x| x.meta.name.clone()).collect(),
            roles: p.roles.iter().map(|x| x.meta.name.clone()).collect(),
            actions: p.actions.iter().map(|x| x.meta.name.clone()).collect(),
            reports: p.reports.iter().map(|x| x.meta.name.clone()).collect(),
            access: p.access.iter().map(|x| x.meta.name.clone()).collect(),
            flags: p.flags.iter().map(|x| x.meta.name.clone()).collect(),
            groups: d.groups.iter().map(|x| quote(&x.meta.name)).collect(),
            tags: p.tags.iter().map(|x| x.meta.name.clone()).collect(),
            attributes: p.attributes.iter().map(|x| x.meta.name.clone()).collect(),
            contexts: p.contexts.iter().map(|x| x.meta.name.clone()).collect(),
        }
    }

    /// Adds a declared name (a data id is quoted where it must be).
    pub fn add(&mut self, kind: crate::index::Kind, name: &str) {
        use crate::index::Kind;
        let data = || crate::syntax::keywords::data_id_text(name);
        match kind {
            Kind::Right => self.rights.push(name.to_string()),
            Kind::Role => self.roles.push(name.to_string()),
            Kind::Access => self.access.push(name.to_string()),
            Kind::Flag => self.flags.push(name.to_string()),
            Kind::Tag => self.tags.push(name.to_string()),
            Kind::Action => self.actions.push(name.to_string()),
            Kind::Report => self.reports.push(name.to_string()),
            Kind::Group => self.groups.push(data()),
            Kind::User => self.users.push(data()),
            Kind::Resource => self.resources.push(data()),
            Kind::Event => self.events.push(data()),
            Kind::Attribute => self.attributes.push(name.to_string()),
            Kind::Context => self.contexts.push(name.to_string()),
            Kind::RightPrefix | Kind::Test => {}
        }
    }

    /// The names of one sort (none for keywords and commands).
    pub fn of_sort(&self, sort: Sort) -> &[String] {
        match sort {
            Sort::Keyword | Sort::Command => &[],
            Sort::Right => &self.rights,
            Sort::Role => &self.roles,
            Sort::Action => &self.actions,
            Sort::Report => &self.reports,
            Sort::Access => &self.access,
            Sort::Flag => &self.flags,
            Sort::Tag => &self.tags,
            Sort::Attribute => &self.attributes,
            Sort::Context => &self.contexts,
            Sort::Group => &self.groups,
            Sort::User => &self.users,
            Sort::Resource => &self.resources,
            Sort::Event => &self.events,
        }
    }
}

/// What a completed word is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Sort {
    Keyword,
    /// A front end's own `:command`.
    Command,
    Right,
    Role,
    Action,
    Report,
    Access,
    Flag,
    Tag,
    Group,
    User,
    Resource,
    Event,
    Attribute,
    Context,
}

/// A word that fits, and what it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate<'a> {
    pub word: Cow<'a, str>,
    pub sort: Sort,
}

/// Where the text is typed: a policy file, or the REPL (where `report` and
/// `rights` at the start of a line ask a question).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    File,
    Repl,
}

/// The lists one context draws from.
enum Source {
    Keywords(&'static [&'static str]),
    Names(Sort),
    Commands,
}

/// Where the word being completed starts in `text` (the text up to the
/// cursor): after the last space, `,`, `(` or `{` (`with on_shift,em`
/// completes `em`). The REPL and the playground split words here alike.
pub fn word_start(text: &str) -> usize {
    text.rfind(|c: char| c.is_whitespace() || c == ',' || c == '(' || c == '{')
        .and_then(|i| text[i..].chars().next().map(|c| i + c.len_utf8()))
        .unwrap_or(0)
}

/// The words that fit after `before` (the text before the word being
/// completed) and start with `typed` (the part of that word already
/// typed): keywords, the front end's `:commands` and declared names, by
/// context.
///
/// `sets` are the names declared where the text is (the policy's, and a
/// test's own data); the first set decides the context.
pub fn candidates<'a>(
    sets: &[&'a Names],
    commands: &[&'a str],
    place: Place,
    before: &str,
    typed: &str,
) -> Vec<Candidate<'a>> {
    let mut out = Vec::new();
    let Some(n) = sets.first() else {
        return out;
    };
    for source in sources(n, place, before) {
        match source {
            Source::Keywords(words) => out.extend(
                words
                    .iter()
                    .filter(|w| w.starts_with(typed))
                    .map(|w| Candidate {
                        word: Cow::Borrowed(*w),
                        sort: Sort::Keyword,
                    }),
            ),
            Source::Names(sort) => {
                for n in sets {
                    out.extend(
                        n.of_sort(sort)
                            .iter()
                            .filter(|w| w.starts_with(typed))
                            .map(|w| Candidate {
                                word: Cow::Borrowed(w.as_str()),
                                sort,
                            }),
                    )
                }
            }
            Source::Commands => out.extend(
                commands
                    .iter()
                    .map(|c| format!(":{c}"))
                    .filter(|w| w.starts_with(typed))
                    .map(|w| Candidate {
                        word: Cow::Owned(w),
                        sort: Sort::Command,
                    }),
            ),
        }
    }
    out
}

/// The words that start a declaration with a new name: after one of them,
/// at the start of a line, nothing declared fits.
const NEW_NAME_WORDS: &[&str] = &[
    "right", "flag", "tag", "role", "action", "report", "group", "user", "resource", "event",
    "test",
];

fn sources(n: &Names, place: Place, before: &str) -> Vec<Source> {
    use Source::{Keywords as K, Names as N};
    let mut words: Vec<&str> = before.split_whitespace().collect();
    // inside a list (`grant a, b, |`): what fits is what fits after its keyword
    while words.len() > 1 && words.last().is_some_and(|w| w.ends_with(',')) {
        words.pop();
    }
    if let Some(first) = words.first() {
        if let Some(cmd) = first.strip_prefix(':') {
            return match (cmd, words.len()) {
                (c, 1) if "format".starts_with(c) && !c.is_empty() => {
                    vec![K(&["human", "json"])]
                }
                _ => Vec::new(),
            };
        }
    }
    let Some(&prev) = words.last() else {
        return vec![K(crate::syntax::keywords::FIRST_WORDS), Source::Commands];
    };
    // a new declaration's name is being typed: nothing declared fits
    let line = before.rsplit('\n').next().unwrap_or(before);
    let line_words: Vec<&str> = line.split_whitespace().collect();
    let query_line = place == Place::Repl && words.len() == 1 && words[0] == "report";
    if line_words == [prev] && NEW_NAME_WORDS.contains(&prev) && !query_line {
        return Vec::new();
    }
    let first = words[0];
    let is_query = matches!(
        first,
        "can" | "explain" | "who" | "what" | "where" | "expiring"
    ) || (matches!(first, "rights" | "roles" | "groups" | "report")
        && !before.contains('{'));
    let two_back = words.len().checked_sub(2).map(|i| words[i]);
    if is_query {
        // what can follows each word of a query
        return match prev {
            "explain" | "who" | "what" => vec![K(&["can"])],
            "where" if words.len() == 1 => vec![K(&["can"])],
            "can" if first == "where" => vec![N(Sort::User)],
            "with" => vec![N(Sort::Context)],
            "expiring" => vec![K(&["within"])],
            "can" if first == "who" => vec![
                K(&["run", "assign", "access"]),
                N(Sort::Action),
                N(Sort::Right),
            ],
            "can" | "as" | "to" => vec![N(Sort::User)],
            "rights" | "roles" | "groups" if words.len() == 1 => vec![N(Sort::User)],
            "report" if words.len() == 1 => vec![N(Sort::Report)],
            "run" => vec![N(Sort::Report)],
            "assign" => vec![K(&["access"]), N(Sort::Role)],
            "access" => vec![N(Sort::Access)],
            "on" => vec![N(Sort::Resource)],
            "for" => vec![K(&["event"])],
            "event" => vec![N(Sort::Event)],
            "do" => vec![K(&["on"])],
            _ => match two_back {
                Some("can") if first == "what" => vec![K(&["do"])],
                Some("can") => vec![
                    K(&["run", "assign", "access"]),
                    N(Sort::Action),
                    N(Sort::Right),
                ],
                Some("report") => vec![K(&["as"])],
                Some("assign") => vec![K(&["to"])],
                Some("access") if words.len() >= 3 && words[words.len() - 3] == "assign" => {
                    vec![K(&["to"])]
                }
                Some("access") => vec![K(&["on"])],
                Some("as") => vec![K(&["for"])],
                Some("run") | Some("to") => vec![K(&["on"])],
                _ if n.actions.iter().any(|a| a == prev) => vec![K(&["on"])],
                _ => Vec::new(),
            },
        };
    }
    // declarations and conditions
    match prev {
        "right" | "grant" | "revoke" | "deny" => vec![N(Sort::Right)],
        "role" | "roles" | "extends" => vec![N(Sort::Role)],
        "assigns" => vec![K(&["access"]), N(Sort::Role)],
        "flag" | "flags" => vec![N(Sort::Flag)],
        "tag" | "tags" => vec![N(Sort::Tag)],
        "same" | "attribute" => vec![N(Sort::Attribute)],
        "context" if words.len() > 1 => vec![N(Sort::Context)],
        "user" | "resource"
            if two_back.is_some_and(|w| {
                matches!(w, "when" | "and" | "or" | "not" | "requires" | "where")
            }) =>
        {
            vec![N(Sort::Attribute)]
        }
        "group" | "groups" => vec![N(Sort::Group)],
        "can" => vec![N(Sort::Action)],
        "for" if matches!(first, "resource" | "group") => vec![K(&["role"])],
        "access" if matches!(first, "user" | "group") || two_back == Some("revoke") => {
            vec![N(Sort::Resource)]
        }
        "access" if first == "resource" => vec![K(&["for"]), N(Sort::Access)],
        "access" => vec![N(Sort::Access)],
        "in" if first == "group" => vec![N(Sort::Group)],
        "resources" | "in" => vec![N(Sort::Resource)],
        "when" | "and" | "or" | "not" | "requires" | "where" => {
            vec![K(crate::syntax::keywords::CONDITION_WORDS)]
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::word_start;

    #[test]
    fn a_word_starts_after_a_space_a_comma_or_a_bracket() {
        let word = |t: &'static str| &t[word_start(t)..];
        assert_eq!(word("can jane r with on_shift,em"), "em");
        assert_eq!(word("what-if (grant r"), "r");
        assert_eq!(word("what-if (gr"), "gr");
        assert_eq!(word("user x {ro"), "ro");
        assert_eq!(word("can ja"), "ja");
        assert_eq!(word("can "), "");
        assert_eq!(word("can"), "can");
        assert_eq!(word(""), "");
        // a multi-byte space
        assert_eq!(word("can\u{3000}jé"), "jé");
    }
}
