use crate::diag::{Diagnostic, Severity};
use crate::lint::{Ctx, Rule};
use crate::source::Span;

pub const RULE: Rule = Rule {
    code: "R013",
    name: "trojan-source",
    severity: Severity::Error,
    summary: "bidirectional-control or invisible characters in the text",
    doc: "What it does: finds Unicode bidirectional controls (U+202A–U+202E, U+2066–U+2069, \
U+200E, U+200F, U+061C) and invisible characters (zero-width spaces and joiners, U+2060, \
U+FEFF, soft hyphen) anywhere in a policy file, in strings and comments included.

Why it matters: such characters make text display differently from how it parses \
(\"Trojan Source\", CVE-2021-42574): a reviewer can approve a grant that is not what it \
appears to be, or two labels that look alike but differ.

Example (the bidi control written here as <U+202E>):
    role reporter { grant report.a }  # <U+202E> ,report.b tnarg

Instead: delete the characters; write labels in plain text.",
    proved: false,
    suppressible: false,
    fix: None,
    check,
};

fn suspicious(c: char) -> Option<&'static str> {
    match c {
        '\u{202A}'..='\u{202E}'
        | '\u{2066}'..='\u{2069}'
        | '\u{200E}'
        | '\u{200F}'
        | '\u{061C}' => Some("a bidirectional control character"),
        '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}' => {
            Some("an invisible character")
        }
        _ => None,
    }
}

fn check(ctx: &Ctx, out: &mut Vec<Diagnostic>) {
    scan(ctx.sources, out);
}

/// Scans every source text (policy and data files), whether or not the policy
/// checks: `rights lint` runs this on a policy with errors too.
pub fn scan(sources: &crate::source::SourceMap, out: &mut Vec<Diagnostic>) {
    for (id, f) in sources.files() {
        let id = &id;
        for (i, c) in f.text.char_indices() {
            if let Some(what) = suspicious(c) {
                out.push(
                    Diagnostic::error(
                        crate::diag::Code::Lint(RULE.code),
                        format!("{what} (U+{:04X}) in the source", c as u32),
                    )
                    .at(
                        Span::new(*id, i, i + c.len_utf8()),
                        "this character changes how the text displays",
                    )
                    .help("delete it: policy text should look exactly as it parses"),
                );
            }
        }
    }
}
