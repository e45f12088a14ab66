//! Why a decision changed: the lines of the text diff between the two
//! versions (policy files and data files alike) that the two explanations of
//! the decision rest on. A gain's cause is a line added that the new
//! explanation cites, or a line removed that the old one cited (a deny taken
//! out); a loss's the same way round. Found from the explanations, never
//! guessed: a change whose explanations cite no changed line has no cause.

use crate::eval::explain::Reason;
use crate::source::Span;
use rustc_hash::{FxHashMap, FxHashSet};

/// Which version a cause line is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Side {
    /// A line of the old version that the new one no longer has.
    Removed,
    /// A line of the new version that the old one did not have.
    Added,
}

/// One line of the diff that a changed decision rests on.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Cause {
    pub side: Side,
    /// The file, as the new version names it (the old one's name for a file
    /// only the old version has).
    pub file: String,
    /// 1-based, in that version of the file.
    pub line: usize,
    /// The line's text, trimmed.
    pub text: String,
}

/// The lines that differ between two versions, per file: a policy file is
/// matched by its path under the policy path given (a `git:REV:` prefix
/// ignored), a data file by its position among the data files given.
#[derive(Debug, Default)]
pub struct Changed {
    /// (file key, old line) removed, and (file key, new line) added.
    removed: FxHashSet<(String, usize)>,
    added: FxHashSet<(String, usize)>,
    /// The name each key shows as, per version.
    old_names: FxHashMap<String, String>,
    new_names: FxHashMap<String, String>,
}

/// A file's name without a `git:REV:` prefix.
pub fn file_key(name: &str) -> String {
    match name.strip_prefix("git:") {
        Some(rest) => rest.split_once(':').map_or(rest, |(_, p)| p).to_string(),
        None => name.to_string(),
    }
}

/// The key a file of one version is matched by.
fn key_in(v: &super::Version, name: &str) -> String {
    let plain = file_key(name);
    if let Some(i) = v
        .data
        .iter()
        .position(|d| file_key(d) == plain || d.trim_start_matches("./") == plain)
    {
        return format!("data #{i}");
    }
    let root = file_key(v.root);
    let root = root.trim_start_matches("./").trim_end_matches('/');
    match plain.strip_prefix(root) {
        Some(rest) => format!("policy:{}", rest.trim_start_matches('/')),
        None => format!("policy:{plain}"),
    }
}

impl Changed {
    /// The line diff of every file of the two source maps.
    pub fn between(ov: &super::Version, nv: &super::Version) -> Changed {
        let (old, new) = (ov.sources, nv.sources);
        let mut c = Changed::default();
        let olds: FxHashMap<String, &str> = old
            .files()
            .map(|(_, f)| {
                c.old_names.insert(key_in(ov, &f.name), f.name.clone());
                (key_in(ov, &f.name), f.text.as_str())
            })
            .collect();
        let mut seen = FxHashSet::default();
        for (_, f) in new.files() {
            let key = key_in(nv, &f.name);
            c.new_names.insert(key.clone(), f.name.clone());
            seen.insert(key.clone());
            let before = olds.get(&key).copied().unwrap_or("");
            let diff = similar::TextDiff::from_lines(before, &*f.text);
            for op in diff.ops() {
                for change in diff.iter_changes(op) {
                    match change.tag() {
                        similar::ChangeTag::Delete => {
                            if let Some(i) = change.old_index() {
                                c.removed.insert((key.clone(), i + 1));
                            }
                        }
                        similar::ChangeTag::Insert => {
                            if let Some(i) = change.new_index() {
                                c.added.insert((key.clone(), i + 1));
                            }
                        }
                        similar::ChangeTag::Equal => {}
                    }
                }
            }
        }
        // files only the old version has: every line removed
        for (key, text) in olds {
            if !seen.contains(&key) {
                for i in 0..text.lines().count() {
                    c.removed.insert((key.clone(), i + 1));
                }
            }
        }
        c.windows(ov, nv);
        c
    }

    /// Compared as of two dates (§9.3): the line of each user's item whose
    /// window holds at one date and not the other counts as changed, removed
    /// when it ended, added when it began, so a change that time makes has
    /// the item as its cause.
    fn windows(&mut self, ov: &super::Version, nv: &super::Version) {
        let (d_old, d_new) = (ov.program.day(), nv.program.day());
        if d_old == d_new {
            return;
        }
        for (version, set, at, other) in [
            (ov, &mut self.removed, d_old, d_new),
            (nv, &mut self.added, d_new, d_old),
        ] {
            for u in &version.program.undated_data().users {
                for w in &u.windows {
                    if !w.window.holds(at) || w.window.holds(other) {
                        continue;
                    }
                    for span in [w.span, w.at] {
                        if let Some(f) = version.sources.get(span.file) {
                            set.insert((key_in(version, &f.name), f.line_of(span.start)));
                        }
                    }
                }
            }
        }
    }

    /// Whether nothing differs.
    pub fn is_empty(&self) -> bool {
        self.removed.is_empty() && self.added.is_empty()
    }

    /// The changed lines the two explanations of one decision cite.
    pub fn causes(
        &self,
        ov: &super::Version,
        old_reasons: &[Reason],
        nv: &super::Version,
        new_reasons: &[Reason],
    ) -> Vec<Cause> {
        let mut out: Vec<Cause> = Vec::new();
        let mut push = |c: Cause| {
            if !out.contains(&c) {
                out.push(c);
            }
        };
        for (version, reasons, side) in [
            (ov, old_reasons, Side::Removed),
            (nv, new_reasons, Side::Added),
        ] {
            let sources = version.sources;
            let set = match side {
                Side::Removed => &self.removed,
                Side::Added => &self.added,
            };
            let mut sites = Vec::new();
            for r in reasons {
                collect_sites(r, &mut sites);
            }
            for span in sites {
                let Some(f) = sources.get(span.file) else {
                    continue;
                };
                let key = key_in(version, &f.name);
                let first = f.line_of(span.start);
                let last = f.line_of(span.end.saturating_sub(1).max(span.start));
                for line in first..=last {
                    if set.contains(&(key.clone(), line)) {
                        let names = match side {
                            Side::Removed => &self.old_names,
                            Side::Added => &self.new_names,
                        };
                        let file = names.get(&key).cloned().unwrap_or_else(|| key.clone());
                        let text = f.line(line).trim().to_string();
                        push(Cause {
                            side,
                            file: file_key(&file),
                            line,
                            text,
                        });
                    }
                }
            }
        }
        out.sort();
        out
    }
}

/// Every site a tree of reasons cites (the tree is as deep as a condition,
/// bounded by the nesting limit).
fn collect_sites(r: &Reason, out: &mut Vec<Span>) {
    if let Some(s) = r.site {
        out.push(s);
    }
    for b in &r.because {
        collect_sites(b, out);
    }
}
