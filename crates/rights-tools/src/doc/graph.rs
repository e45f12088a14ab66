//! The role graph (and groups): which role extends which. Written as DOT,
//! as Mermaid, and as SVG laid out by `layout-rs` (a pure-Rust Graphviz-like
//! layout), for `rights graph` and the roles page.

/// A directed graph of labelled nodes: an edge `(child, parent)` reads
/// "child extends parent" (for groups: "child is in parent").
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Graph {
    /// (id, label)
    pub nodes: Vec<(String, String)>,
    pub edges: Vec<(usize, usize)>,
    /// What an edge means, for the legend: "extends", "is in".
    pub relation: &'static str,
    /// The anchor kind each node links to on its page (`role`), when the
    /// page documents the nodes.
    pub link: Option<&'static str>,
    /// The page each node's entry is on, when not this page (empty: every
    /// entry is on this page).
    pub node_pages: Vec<String>,
    /// One role's neighbourhood, drawn beside its entry when the whole graph
    /// is too big to read (Markdown leaves it out: its Mermaid block has the
    /// whole graph).
    pub part: bool,
}

/// Above this many nodes the SVG is not drawn (the layout's time grows
/// quickly); DOT and Mermaid are still written.
pub const MAX_DRAWN: usize = 300;

/// Above this many nodes a documentation page does not draw the whole graph:
/// it could not be read as one picture. Each role's entry draws its own
/// neighbourhood instead.
pub const PAGE_DRAWN: usize = 60;

fn dot_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

impl Graph {
    pub fn dot(&self) -> String {
        let mut s = String::from("digraph roles {\n  rankdir=BT;\n  node [shape=box];\n");
        for (i, (_, label)) in self.nodes.iter().enumerate() {
            s.push_str(&format!("  n{i} [label={}];\n", dot_quote(label)));
        }
        for (a, b) in &self.edges {
            s.push_str(&format!("  n{a} -> n{b};\n"));
        }
        s.push_str("}\n");
        s
    }

    pub fn mermaid(&self) -> String {
        let mut s = String::from("graph BT\n");
        for (i, (_, label)) in self.nodes.iter().enumerate() {
            let l: String = label
                .chars()
                .map(|c| match c {
                    '"' => '\'',
                    '\n' | '\r' => ' ',
                    c => c,
                })
                .collect();
            s.push_str(&format!("  n{i}[\"{l}\"]\n"));
        }
        for (a, b) in &self.edges {
            s.push_str(&format!("  n{a} --> n{b}\n"));
        }
        s
    }

    /// The graph as SVG (`None` when it is too large to draw, or the layout
    /// fails).
    pub fn svg(&self) -> Option<String> {
        self.svg_up_to(MAX_DRAWN)
    }

    /// [`Graph::svg`] when the graph has at most `limit` nodes.
    pub fn svg_up_to(&self, limit: usize) -> Option<String> {
        if self.nodes.is_empty() || self.nodes.len() > limit {
            return None;
        }
        // the layout is another crate's code: a failure there must not end ours
        let dot = self.dot();
        std::panic::catch_unwind(move || {
            let mut parser = layout::gv::DotParser::new(&dot);
            let g = parser.process().ok()?;
            let mut gb = layout::gv::GraphBuilder::new();
            gb.visit_graph(&g);
            let mut vg = gb.get();
            let mut svg = layout::backends::svg::SVGWriter::new();
            vg.do_it(false, false, false, &mut svg);
            let out = svg.finalize();
            // inline in a page: no XML declaration
            let start = out.find("<svg")?;
            Some(out[start..].to_string())
        })
        .ok()
        .flatten()
    }
}
