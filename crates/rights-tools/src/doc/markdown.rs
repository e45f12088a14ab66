//! A page as Markdown (GitHub-flavoured: tables, and the role graph as a
//! Mermaid block), for wikis and repositories.

use super::{file_name, Block, Cell, Format, Inline, Page};

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '`' | '#' | '{' | '}' | '%'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A code span. One that holds `|` (which ends a table cell even inside a
/// code span), `{{`/`{%` (which Jekyll's Liquid would run) or a backtick is
/// written as HTML, with those characters as entities.
fn code(s: &str) -> String {
    if s.contains([
        '|', '`', '{', '}', '%', '<', '>', '&', '[', ']', '(', ')', '*', '\\', '!',
    ]) {
        let mut out = String::from("<code>");
        for c in s.chars() {
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '|' => out.push_str("&#124;"),
                '`' => out.push_str("&#96;"),
                '{' => out.push_str("&#123;"),
                '}' => out.push_str("&#125;"),
                '%' => out.push_str("&#37;"),
                // Markdown still reads inside raw HTML: no link, emphasis
                // or escape may start here
                '[' => out.push_str("&#91;"),
                ']' => out.push_str("&#93;"),
                '(' => out.push_str("&#40;"),
                ')' => out.push_str("&#41;"),
                '*' => out.push_str("&#42;"),
                '_' => out.push_str("&#95;"),
                '\\' => out.push_str("&#92;"),
                '!' => out.push_str("&#33;"),
                '#' => out.push_str("&#35;"),
                c => out.push(c),
            }
        }
        out.push_str("</code>");
        out
    } else {
        format!("`{s}`")
    }
}

fn inline(xs: &[Inline]) -> String {
    let mut out = String::new();
    for x in xs {
        match x {
            // the words' `name` convention is Markdown's code span
            Inline::Text(t) => {
                for (i, part) in t.split('`').enumerate() {
                    if i % 2 == 1 {
                        out.push_str(&code(part));
                    } else {
                        out.push_str(&escape(part));
                    }
                }
            }
            Inline::Code(t) => out.push_str(&code(t)),
            Inline::Strong(t) => out.push_str(&format!("**{}**", escape(t))),
            Inline::Anchor(a) => out.push_str(&format!("<a id=\"{a}\"></a>")),
            Inline::Link { text, to, code: c } => {
                let shown = if *c { code(text) } else { escape(text) };
                out.push_str(&format!(
                    "[{shown}]({}#{})",
                    file_name(&to.page, Format::Markdown),
                    to.anchor
                ));
            }
        }
    }
    out
}

fn cell(c: &Cell) -> String {
    inline(&c.0).replace('\n', " ")
}

fn blocks(out: &mut String, bs: &[Block]) {
    for b in bs {
        match b {
            Block::Heading {
                level,
                text,
                anchor,
            } => {
                out.push_str(&format!(
                    "{} {} <a id=\"{anchor}\"></a>\n\n",
                    "#".repeat(*level as usize),
                    escape(text)
                ));
            }
            Block::Para(xs) => {
                out.push_str(&inline(xs));
                out.push_str("\n\n");
            }
            Block::List(items) => {
                for i in items {
                    out.push_str(&format!("- {}\n", inline(i)));
                }
                out.push('\n');
            }
            Block::Table {
                caption,
                head,
                head_title,
                rows,
            } => {
                out.push_str(&format!("*{}*\n\n", escape(caption)));
                out.push_str(&format!(
                    "| {} |\n",
                    head.iter()
                        .enumerate()
                        // Markdown has no hover: a label's name follows it
                        .map(|(i, h)| {
                            match head_title.get(i).filter(|t| !t.is_empty() && *t != h) {
                                Some(name) => format!("{} ({})", escape(h), code(name)),
                                None => escape(h),
                            }
                        })
                        .collect::<Vec<_>>()
                        .join(" | ")
                ));
                out.push_str(&format!("|{}\n", " --- |".repeat(head.len())));
                for r in rows {
                    out.push_str(&format!(
                        "| {} |\n",
                        r.iter().map(cell).collect::<Vec<_>>().join(" | ")
                    ));
                }
                out.push('\n');
            }
            Block::Graph(g) if g.part => {}
            Block::Graph(g) => {
                out.push_str("```mermaid\n");
                out.push_str(&g.mermaid());
                out.push_str("```\n\n");
            }
            Block::Details {
                summary,
                blocks: inner,
                ..
            } => {
                out.push_str(&format!("**{}**\n\n", escape(summary)));
                blocks(out, inner);
            }
        }
    }
}

/// One page as Markdown, appended to `out`.
pub fn page_into(p: &Page, out: &mut String) {
    blocks(out, &p.blocks);
    while out.ends_with("\n\n") {
        out.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a label may hold never breaks a table row nor reaches Jekyll's
    /// Liquid as a tag: `|` in text and in code, `{{ }}`, `{% %}`.
    #[test]
    fn table_cells_and_braces_are_escaped() {
        let page = Page::new(
            "p",
            "P",
            vec![Block::Table {
                caption: "c".into(),
                head: vec!["A".into(), "B".into()],
                head_title: Vec::new(),
                rows: vec![vec![
                    Cell(vec![Inline::Code("a|b".into())]),
                    Cell::text("x | y {{ site.title }} {% include z %}"),
                ]],
            }],
        );
        let md = page_text(&page);
        let row = md
            .lines()
            .find(|l| l.contains("a&#124;b"))
            .unwrap_or_default();
        assert_eq!(row.matches(" | ").count(), 1, "one cell separator: {row}");
        assert!(!row.contains("{{") && !row.contains("{%"), "{row}");
        assert!(
            row.contains("x \\| y \\{\\{ site.title \\}\\} \\{\\% include z \\%\\}"),
            "{row}"
        );
        // an id that would be a link or emphasis inside raw HTML is text
        let page = Page::new(
            "p",
            "P",
            vec![Block::Para(vec![Inline::Code(
                "a|[x](javascript:alert(1)) *b* _c_".into(),
            )])],
        );
        let md = page_text(&page);
        assert!(
            !md.contains("[x]") && !md.contains("](") && !md.contains("*b*"),
            "{md}"
        );
        assert!(
            md.contains("<code>a&#124;&#91;x&#93;&#40;javascript:alert&#40;1&#41;&#41;"),
            "{md}"
        );
    }

    fn page_text(p: &Page) -> String {
        let mut out = String::new();
        page_into(p, &mut out);
        out
    }
}
