//! A page as one HTML file: inline CSS (light and dark themes, print),
//! search over every name, label and description from one shared file
//! (`search.js`, no network), landmarks, a skip link, tables with header
//! cells and captions.

use super::{file_name, Block, Cell, Format, Inline, Page, Site};

pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    esc_into(&mut out, s);
    out
}

/// `s` escaped for HTML text and attributes, written at the end of `out`.
fn esc_into(out: &mut String, s: &str) {
    let mut rest = s;
    while let Some(i) = rest.find(['&', '<', '>', '"', '\'']) {
        out.push_str(&rest[..i]);
        out.push_str(match rest.as_bytes()[i] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => "&#39;",
        });
        rest = &rest[i + 1..];
    }
    out.push_str(rest);
}

/// The marks of the matrices, with what they mean (never colour alone).
const MARKS: &[(&str, &str)] = &[
    ("●", "granted directly"),
    ("○", "inherited"),
    ("‡", "a deny takes it from some users"),
    ("✗", "a deny takes it from every user"),
    ("✓", "the role's rights meet it"),
    ("?", "depends on the user"),
];

fn text(out: &mut String, t: &str) {
    for (m, meaning) in MARKS {
        if t == *m {
            out.push_str("<abbr title=\"");
            out.push_str(meaning);
            out.push_str("\">");
            out.push_str(m);
            out.push_str("</abbr><span class=\"sr\"> ");
            out.push_str(meaning);
            out.push_str("</span>");
            return;
        }
        if let Some(rest) = t.strip_prefix(m) {
            if let Some(rest) = rest.strip_prefix(' ') {
                if MARKS.iter().any(|(m2, _)| *m2 == rest) {
                    text(out, m);
                    out.push(' ');
                    text(out, rest);
                    return;
                }
            }
        }
    }
    // the words' `name` convention: code
    for (i, part) in t.split('`').enumerate() {
        if i % 2 == 1 {
            code(out, part);
        } else {
            esc_into(out, part);
        }
    }
}

fn code(out: &mut String, t: &str) {
    out.push_str("<code>");
    esc_into(out, t);
    out.push_str("</code>");
}

fn inline(out: &mut String, xs: &[Inline]) {
    for x in xs {
        match x {
            Inline::Text(t) => text(out, t),
            Inline::Code(t) => code(out, t),
            Inline::Strong(t) => {
                out.push_str("<strong>");
                esc_into(out, t);
                out.push_str("</strong>");
            }
            Inline::Anchor(a) => {
                out.push_str("<span id=\"");
                esc_into(out, a);
                out.push_str("\"></span>");
            }
            Inline::Link { text, to, code: c } => {
                out.push_str("<a href=\"");
                esc_into(out, &to.page);
                out.push_str(".html#");
                esc_into(out, &to.anchor);
                out.push_str("\">");
                if *c {
                    code(out, text);
                } else {
                    esc_into(out, text);
                }
                out.push_str("</a>");
            }
        }
    }
}

fn cell(out: &mut String, tag: &str, scope: &str, c: &Cell) {
    out.push('<');
    out.push_str(tag);
    out.push_str(scope);
    out.push('>');
    inline(out, &c.0);
    out.push_str("</");
    out.push_str(tag);
    out.push('>');
}

/// The drawn graph with each node's name a link to its entry on the page
/// (when the page has one), found by its label as the layout wrote it.
fn linked(g: &super::graph::Graph, svg: String) -> String {
    let Some(kind) = g.link else {
        return svg;
    };
    let mut out = svg;
    let mut from = 0;
    for (i, (name, label)) in g.nodes.iter().enumerate() {
        let shown = format!(
            "dy=\"1.0em\">{}</tspan></text>",
            esc(label).replace("&#39;", "&apos;")
        );
        let Some(at) = out[from..].find(&shown).map(|i| from + i) else {
            continue;
        };
        let Some(start) = out[..at].rfind("<text") else {
            continue;
        };
        let end = at + shown.len();
        let page = match g.node_pages.get(i) {
            Some(p) if !p.is_empty() => file_name(p, Format::Html),
            _ => String::new(),
        };
        let open = format!(
            "<a href=\"{}#{}\">",
            esc(&page),
            esc(&super::anchor(kind, name))
        );
        out.insert_str(end, "</a>");
        out.insert_str(start, &open);
        from = end + open.len() + 4;
    }
    out
}

fn blocks(out: &mut String, bs: &[Block]) {
    for b in bs {
        match b {
            Block::Heading {
                level,
                text: t,
                anchor,
            } => {
                let l = (*level).clamp(1, 6);
                out.push_str(&format!("<h{l} id=\"{}\">{}</h{l}>\n", esc(anchor), esc(t)));
            }
            Block::Para(xs) => {
                out.push_str("<p>");
                inline(out, xs);
                out.push_str("</p>\n");
            }
            Block::List(items) => {
                out.push_str("<ul>\n");
                for i in items {
                    out.push_str("<li>");
                    inline(out, i);
                    out.push_str("</li>\n");
                }
                out.push_str("</ul>\n");
            }
            Block::Table {
                caption,
                head,
                head_title,
                rows,
            } => {
                // a wide table is a matrix: headers stay in view, column
                // names run upwards, and print keeps every column
                let class = if head.len() > MATRIX_COLUMNS {
                    "scroll matrix"
                } else {
                    "scroll"
                };
                out.push_str("<div class=\"");
                out.push_str(class);
                out.push_str("\" tabindex=\"0\" role=\"region\"");
                out.push_str(&format!(" aria-label=\"{}\">\n<table>\n", esc(caption)));
                out.push_str(&format!("<caption>{}</caption>\n<thead><tr>", esc(caption)));
                for (i, h) in head.iter().enumerate() {
                    out.push_str("<th scope=\"col\"");
                    // on hover, the whole label (a long one is cut short in
                    // a matrix) and the name
                    if let Some(title) = head_title.get(i).filter(|t| !t.is_empty()) {
                        out.push_str(" title=\"");
                        esc_into(out, h);
                        if title != h {
                            out.push_str(" — ");
                            esc_into(out, title);
                        }
                        out.push('"');
                    }
                    out.push('>');
                    esc_into(out, h);
                    out.push_str("</th>");
                }
                out.push_str("</tr></thead>\n<tbody>\n");
                for r in rows {
                    out.push_str("<tr>");
                    for (i, c) in r.iter().enumerate() {
                        if i == 0 {
                            cell(out, "th", " scope=\"row\"", c);
                        } else {
                            cell(out, "td", "", c);
                        }
                    }
                    out.push_str("</tr>\n");
                }
                out.push_str("</tbody>\n</table>\n</div>\n");
            }
            Block::Graph(g) => {
                let limit = if g.part {
                    super::graph::MAX_DRAWN
                } else {
                    super::graph::PAGE_DRAWN
                };
                match g.svg_up_to(limit).map(|svg| linked(g, svg)) {
                    Some(svg) => out.push_str(&format!(
                        "<figure class=\"graph\"><div class=\"zoom\" role=\"toolbar\" aria-label=\"Zoom the graph\"><button type=\"button\" data-zoom=\"0.8\">Zoom out</button> <button type=\"button\" data-zoom=\"1.25\">Zoom in</button> <button type=\"button\" data-zoom=\"0\">Actual size</button></div><div class=\"canvas\" tabindex=\"0\" role=\"{}\" aria-label=\"{} (listed in words {})\">{svg}</div></figure>\n",
                        // with links to each node it is a group of links, not a picture
                        if g.link.is_some() { "group" } else { "img" },
                        if g.part {
                            "The roles this one extends and those that extend it".to_string()
                        } else {
                            format!("The graph of which role {} which", g.relation)
                        },
                        if g.part { "above" } else { "below" },
                    )),
                    None if g.part => {}
                    None => out.push_str(&format!(
                        "<p>The graph has {} nodes: too many to draw as one picture here; <code>rights graph</code> writes it as DOT or Mermaid.</p>\n",
                        g.nodes.len()
                    )),
                }
            }
            Block::Details {
                summary,
                open,
                blocks: inner,
            } => {
                out.push_str(if *open {
                    "<details open>\n"
                } else {
                    "<details>\n"
                });
                out.push_str(&format!("<summary>{}</summary>\n", esc(summary)));
                blocks(out, inner);
                out.push_str("</details>\n");
            }
        }
    }
}

/// A table with more columns than this is drawn as a matrix.
const MATRIX_COLUMNS: usize = 8;

const STYLE: &str = r#"
:root { color-scheme: light dark; --bg: #ffffff; --fg: #1b1b1b; --muted: #4a4a4a; --link: #0b57d0; --line: #c4c7c5; --head: #eef1f6; --code: #f3f3f3; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #121212; --fg: #e8e8e8; --muted: #c2c2c2; --link: #8ab4f8; --line: #5f6368; --head: #242a33; --code: #2a2a2a; }
}
body { margin: 0; background: var(--bg); color: var(--fg); font: 16px/1.5 system-ui, sans-serif; }
a { color: var(--link); }
header { padding: .75rem 1.5rem; border-bottom: 1px solid var(--line); display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; }
header .site { font-weight: 600; }
nav ul { list-style: none; display: flex; gap: 1rem; margin: 0; padding: 0; flex-wrap: wrap; }
nav a[aria-current="page"] { font-weight: 700; }
main { padding: 0 1.5rem 2rem; max-width: 80rem; overflow-wrap: anywhere; }
@media (max-width: 40rem) { main, header, footer { padding-left: .75rem; padding-right: .75rem; } }
main > ul, main li { min-width: 0; }
.graph { overflow-x: auto; max-width: 100%; }
td, th { overflow-wrap: normal; }
code { background: var(--code); padding: 0 .2em; border-radius: 3px; font-size: .95em; }
.scroll { overflow-x: auto; position: relative; max-width: 100%; }
table { border-collapse: collapse; margin: .5rem 0 1.5rem; }
caption { text-align: left; font-weight: 600; padding: .25rem 0; }
th, td { border: 1px solid var(--line); padding: .25rem .5rem; text-align: left; vertical-align: top; }
thead th { background: var(--head); }
tbody th { font-weight: normal; }
abbr { text-decoration: none; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.skip { position: absolute; left: -10000px; }
.skip:focus { left: 1rem; top: .5rem; background: var(--bg); padding: .25rem .5rem; }
#search-results { list-style: none; padding: 0; margin: .25rem 0 0; }
.search { position: relative; }
.graph { margin: .5rem 0 1rem; }
.graph .canvas { overflow: auto; max-height: 80vh; max-width: 100%; border: 1px solid var(--line); }
.graph svg { display: block; height: auto; }
.graph .zoom { margin-bottom: .25rem; }
.graph svg rect { fill: var(--bg); stroke: var(--fg); }
.graph svg path, .graph svg line, .graph svg polyline { stroke: var(--fg); }
.graph svg text { fill: var(--link); font-family: system-ui, sans-serif; }
.graph svg a:focus text, .graph svg a:hover text { text-decoration: underline; }
footer { padding: 1rem 1.5rem; color: var(--muted); border-top: 1px solid var(--line); }
.matrix { max-height: 85vh; overflow: auto; }
.matrix table { margin: 0; }
.matrix thead th { position: sticky; top: 0; z-index: 1; background: var(--head); writing-mode: vertical-rl; transform: rotate(180deg); text-align: left; white-space: nowrap; padding: .5rem .25rem; max-height: 13rem; overflow: hidden; text-overflow: ellipsis; }
.matrix thead th:first-child { left: 0; z-index: 3; writing-mode: horizontal-tb; transform: none; vertical-align: bottom; }
.matrix tbody th { position: sticky; left: 0; z-index: 2; background: var(--bg); white-space: nowrap; }
.matrix td { text-align: center; min-width: 1.5rem; white-space: nowrap; }
@media print {
  @page { size: landscape; margin: 1cm; }
  header nav, .search, .skip, .graph .zoom { display: none; }
  .graph .canvas { max-height: none; overflow: visible; border: 0; }
  .scroll, .matrix { overflow: visible; max-height: none; }
  a { color: inherit; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
  .matrix table { font-size: 7pt; }
  .matrix th, .matrix td { padding: 1px 2px; min-width: 0; }
  .matrix thead th, .matrix tbody th { position: static; }
}
"#;

const SCRIPT: &str = r#"
(function () {
  var input = document.getElementById('search');
  var list = document.getElementById('search-results');
  var status = document.getElementById('search-status');
  if (!input || !list || typeof INDEX === 'undefined') return;
  var SHOWN = 20;
  input.addEventListener('input', function () {
    var q = input.value.trim().toLowerCase();
    list.innerHTML = '';
    status.textContent = '';
    if (!q) return;
    var found = 0;
    for (var i = 0; i < INDEX.length; i++) {
      var e = INDEX[i];
      if (e.t.toLowerCase().indexOf(q) < 0 && !(e.d && e.d.toLowerCase().indexOf(q) >= 0)) continue;
      found++;
      if (found > SHOWN) continue;
      var li = document.createElement('li');
      var a = document.createElement('a');
      a.href = e.h;
      a.textContent = e.t + ' (' + e.k + ')';
      li.appendChild(a);
      list.appendChild(li);
    }
    status.textContent = found === 0 ? 'Nothing matches.'
      : found === 1 ? '1 result.'
      : found <= SHOWN ? found + ' results.'
      : found + ' results; the first ' + SHOWN + ' are shown: type more to narrow them.';
  });
})();
(function () {
  // zoom buttons of each drawn graph: the picture keeps its natural size in
  // a box that scrolls, and the buttons scale it
  var figures = document.querySelectorAll('figure.graph');
  for (var i = 0; i < figures.length; i++) {
    (function (figure) {
      var svg = figure.querySelector('svg');
      if (!svg) return;
      var natural = svg.viewBox && svg.viewBox.baseVal ? svg.viewBox.baseVal.width : svg.getBoundingClientRect().width;
      var scale = 1;
      var buttons = figure.querySelectorAll('button[data-zoom]');
      for (var k = 0; k < buttons.length; k++) {
        buttons[k].addEventListener('click', function () {
          var f = parseFloat(this.getAttribute('data-zoom'));
          scale = f === 0 ? 1 : Math.min(4, Math.max(0.1, scale * f));
          svg.style.width = (natural * scale) + 'px';
          svg.removeAttribute('height');
        });
      }
    })(figures[i]);
  }
})();
"#;

/// The file every page loads for its search box: the index and the script.
pub const SEARCH_FILE: &str = "search.js";

/// Writes [`SEARCH_FILE`]'s text: the index as a JavaScript literal in which
/// no `<` (so no `<!--` or `</script>`) and no line separator can appear,
/// even in a label, then the script. Entry by entry into `out` (a value per
/// entry first held 70 MB for 100,000 users, and the file's text 15 MB
/// more); keys in the order a JSON object of them prints.
pub fn write_search_script(site: &Site, out: &mut impl std::io::Write) -> std::io::Result<()> {
    fn text(out: &mut String, s: &str) {
        let quoted = serde_json::to_string(s).unwrap_or_default();
        for c in quoted.chars() {
            match c {
                '<' => out.push_str("\\u003c"),
                '\u{2028}' => out.push_str("\\u2028"),
                '\u{2029}' => out.push_str("\\u2029"),
                c => out.push(c),
            }
        }
    }
    out.write_all(b"var INDEX = [")?;
    let mut one = String::with_capacity(256);
    for (i, e) in site.index.iter().enumerate() {
        one.clear();
        if i > 0 {
            one.push(',');
        }
        one.push('{');
        if let Some(d) = &e.detail {
            one.push_str("\"d\":");
            text(&mut one, d);
            one.push(',');
        }
        one.push_str("\"h\":");
        text(
            &mut one,
            &format!("{}#{}", file_name(&e.to.page, Format::Html), e.to.anchor),
        );
        one.push_str(",\"k\":");
        text(&mut one, e.kind);
        one.push_str(",\"t\":");
        text(&mut one, &e.text);
        one.push('}');
        out.write_all(one.as_bytes())?;
    }
    out.write_all(b"];\n")?;
    out.write_all(SCRIPT.as_bytes())
}

/// One page of the site as HTML, appended to `out` (a buffer used again for
/// every page spares a few MB of fresh memory a page).
pub fn page_into(site: &Site, p: &Page, out: &mut String) {
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str(&format!(
        "<title>{} — {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        esc(&p.title),
        esc(&site.title)
    ));
    out.push_str("<a class=\"skip\" href=\"#main\">Skip to the content</a>\n<header>\n");
    out.push_str(&format!(
        "<span class=\"site\">{}</span>\n",
        esc(&site.title)
    ));
    out.push_str("<nav aria-label=\"Pages\"><ul>");
    for (file, title) in &site.nav {
        let current = if *file == p.file {
            " aria-current=\"page\""
        } else {
            ""
        };
        out.push_str(&format!(
            "<li><a href=\"{}\"{current}>{}</a></li>",
            file_name(file, Format::Html),
            esc(title)
        ));
    }
    out.push_str("</ul></nav>\n");
    out.push_str("<div class=\"search\" role=\"search\"><label for=\"search\">Search names, labels and descriptions</label> <input id=\"search\" type=\"search\" autocomplete=\"off\"><p id=\"search-status\" aria-live=\"polite\"></p><ul id=\"search-results\"></ul></div>\n");
    out.push_str("</header>\n<main id=\"main\">\n");
    blocks(out, &p.blocks);
    out.push_str("</main>\n<footer>Generated by <code>rights doc</code> from the policy: every statement here is what the policy enforces.</footer>\n");
    // the search index and its script: one file for every page
    out.push_str(&format!(
        "<script src=\"{SEARCH_FILE}\" defer></script>\n</body>\n</html>\n"
    ));
}
