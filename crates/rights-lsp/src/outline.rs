//! Completion (the REPL's logic, [`crate::complete`]), the outline and
//! workspace symbols, semantic tokens and folding ranges.

use super::analysis::{uri_to_path, Analysis};
use super::convert::{offset, offset_in, position, range, Encoding};
use super::navigate::location;
use super::Server;
use crate::complete::{candidates, Names, Place, Sort};
use crate::index::{Kind, Occurrence};
use crate::sema::model::Policy;
use crate::source::{FileId, Span};
use lsp_types::*;

/// The text a completion continues: from the start of the declaration the
/// cursor is in (a line that starts without indentation), or of the
/// `expect` line, to the start of the word being typed.
fn before_cursor(text: &str, off: usize) -> &str {
    let upto = &text[..word_start(text, off)];
    let line_start = upto.rfind('\n').map_or(0, |i| i + 1);
    let line = upto[line_start..].trim_start();
    // a line that starts at the margin starts a declaration (or is blank there)
    if !upto[line_start..].starts_with([' ', '\t']) {
        return &upto[line_start..];
    }
    if let Some(rest) = line.strip_prefix("expect ") {
        let rest = rest.trim_start();
        return rest.strip_prefix("not ").unwrap_or(rest);
    }
    &upto[declaration_start(upto, upto.len())..]
}

/// How many items one completion answers at most: past it the list is
/// marked incomplete and the client asks again as more is typed.
const MOST_ITEMS: usize = 1000;

fn item_kind(sort: Sort) -> CompletionItemKind {
    match sort {
        Sort::Keyword | Sort::Command => CompletionItemKind::KEYWORD,
        Sort::Role => CompletionItemKind::CLASS,
        Sort::Right => CompletionItemKind::PROPERTY,
        Sort::Action | Sort::Report => CompletionItemKind::FUNCTION,
        Sort::User => CompletionItemKind::VARIABLE,
        Sort::Access => CompletionItemKind::ENUM_MEMBER,
        Sort::Flag | Sort::Tag => CompletionItemKind::CONSTANT,
        Sort::Group => CompletionItemKind::MODULE,
        Sort::Resource | Sort::Event => CompletionItemKind::VALUE,
        Sort::Attribute => CompletionItemKind::FIELD,
        Sort::Context => CompletionItemKind::CONSTANT,
    }
}

/// Where the word being typed starts: a name may hold dots and be quoted.
fn word_start(text: &str, off: usize) -> usize {
    text[..off]
        .char_indices()
        .rev()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '.' || *c == '"'))
        .map_or(0, |(i, c)| i + c.len_utf8())
}

/// Where the declaration holding `off` starts: the last line before it
/// that starts at the margin with something other than a brace or a
/// comment (blank lines inside a block are passed over).
fn declaration_start(text: &str, off: usize) -> usize {
    let mut start = text[..off].rfind('\n').map_or(0, |i| i + 1);
    while start > 0 {
        let l = &text[start..off];
        // indented, a closing brace, a comment or a blank line: keep going up
        if !l.starts_with([' ', '\t', '}', '#', '\n', '\r']) && !l.is_empty() {
            break;
        }
        start = text[..start - 1].rfind('\n').map_or(0, |i| i + 1);
    }
    start
}

/// The data a `test` block declares before the line of `off` (its own
/// users, resources, groups and events), when `off` is inside one. The
/// line being typed rarely parses, so the block's earlier lines are read
/// on their own, closed where the cursor's line starts, by the one parser.
fn test_names(text: &str, off: usize) -> Names {
    let mut local = Names::default();
    let start = declaration_start(text, off);
    if !text[start..].starts_with("test") {
        return local;
    }
    let line_start = text[..off].rfind('\n').map_or(0, |i| i + 1).max(start);
    let block = format!("{}\n}}\n", &text[start..line_start]);
    if let Ok(parsed) = crate::syntax::parse_file(FileId(0), &block) {
        let index = crate::index::Index::build(parsed.items.iter());
        for o in index.all.iter().filter(|o| o.decl && o.scope.is_some()) {
            local.add(o.kind, &o.name);
        }
    }
    local
}

impl Server {
    /// Completion, answered at once: from the analysis of the document's
    /// text, or while its project is being analysed again, from the
    /// current text with the names of the last analysis.
    pub(crate) fn complete(&self, p: &CompletionParams) -> Option<CompletionResponse> {
        let uri = &p.text_document_position.text_document.uri;
        let path = uri_to_path(uri)?;
        let position = p.text_document_position.position;
        let last = self.projects.for_completion(&path);
        if !self.projects.waits(Some(&path)) {
            let a = self.projects.for_uri(Some(uri));
            let (_, src) = a.document(uri)?;
            let policy = a.ws.program().map(|p| &*p.policy);
            let policy = policy.or(last.and_then(|l| l.policy.as_deref()));
            // the line table of the analysis's text
            let off = (offset_in(src, position, self.enc) as usize).min(src.text.len());
            return completion(&a.names, policy, &src.text, off, position.line, self.enc);
        }
        let last = last?;
        let text = self.open.get(&path)?;
        // the current text has no line table yet: its lines are counted
        // once, to the cursor
        let off = offset(text, position, self.enc);
        completion(
            &last.names,
            last.policy.as_deref(),
            text,
            off,
            position.line,
            self.enc,
        )
    }
}

/// Completion at byte `off` of `text` (on line `line`), from these names
/// (and the labels and docs of `policy`).
fn completion(
    names: &Names,
    policy: Option<&Policy>,
    text: &str,
    off: usize,
    line: u32,
    enc: Encoding,
) -> Option<CompletionResponse> {
    let start = word_start(text, off);
    let typed = &text[start..off];
    let before = before_cursor(text, off);
    let local = test_names(text, off);
    let words = candidates(
        &[names, &local],
        &[],
        Place::File,
        before.trim_start_matches('{'),
        typed,
    );
    let incomplete = words.len() > MOST_ITEMS;
    // the typed part of the word is replaced (dots and quotes included):
    // it is on the cursor's line
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let column = |at: usize| {
        let s = &text[line_start..at];
        match enc {
            Encoding::Utf8 => s.len() as u32,
            Encoding::Utf16 => s.encode_utf16().count() as u32,
        }
    };
    let replace = Range::new(
        Position::new(line, column(start)),
        Position::new(line, column(off)),
    );
    let items = words
        .into_iter()
        .take(MOST_ITEMS)
        .map(|c| {
            let w = c.word.as_ref();
            let meta = policy.and_then(|pol| {
                let names = &pol.names;
                match c.sort {
                    Sort::Right => names.rights.get(w).map(|&r| &pol.right(r).meta),
                    Sort::Role => names.roles.get(w).map(|&r| &pol.role(r).meta),
                    Sort::Action => names.actions.get(w).map(|&r| &pol.action(r).meta),
                    Sort::Report => names.reports.get(w).map(|&r| &pol.report(r).meta),
                    Sort::Access => names.access.get(w).map(|&r| &pol.access_level(r).meta),
                    _ => None,
                }
            });
            CompletionItem {
                label: w.to_string(),
                kind: Some(item_kind(c.sort)),
                detail: meta.and_then(|m| m.label.clone()),
                documentation: meta.and_then(|m| {
                    m.doc.clone().map(|d| {
                        Documentation::MarkupContent(MarkupContent {
                            kind: MarkupKind::Markdown,
                            value: d,
                        })
                    })
                }),
                text_edit: Some(CompletionTextEdit::Edit(TextEdit {
                    range: replace,
                    new_text: w.to_string(),
                })),
                ..Default::default()
            }
        })
        .collect();
    Some(CompletionResponse::List(CompletionList {
        is_incomplete: incomplete,
        items,
    }))
}

fn symbol_kind(k: Kind) -> SymbolKind {
    match k {
        Kind::Right => SymbolKind::PROPERTY,
        Kind::RightPrefix => SymbolKind::NAMESPACE,
        Kind::Access => SymbolKind::ENUM_MEMBER,
        Kind::Flag => SymbolKind::BOOLEAN,
        Kind::Tag => SymbolKind::CONSTANT,
        Kind::Role => SymbolKind::CLASS,
        Kind::Action => SymbolKind::FUNCTION,
        Kind::Report => SymbolKind::METHOD,
        Kind::Group => SymbolKind::MODULE,
        Kind::User => SymbolKind::VARIABLE,
        Kind::Resource => SymbolKind::OBJECT,
        Kind::Event => SymbolKind::EVENT,
        Kind::Test => SymbolKind::PACKAGE,
        Kind::Attribute => SymbolKind::FIELD,
        Kind::Context => SymbolKind::KEY,
    }
}

#[allow(deprecated)]
fn symbol(a: &Analysis, enc: Encoding, o: &Occurrence) -> Option<SymbolInformation> {
    Some(SymbolInformation {
        name: o.name.clone(),
        kind: symbol_kind(o.kind),
        tags: None,
        deprecated: None,
        location: location(a, enc, o)?,
        container_name: Some(o.kind.word().to_string()),
    })
}

/// The outline of a document. With `nested` (the client shows a tree),
/// each declaration spans its whole block and holds what is declared in it:
/// a `rights` group its rights, a test its own users, resources and events.
/// Otherwise a flat list of names.
pub fn document_symbols(
    a: &Analysis,
    enc: Encoding,
    p: &DocumentSymbolParams,
    nested: bool,
) -> Option<DocumentSymbolResponse> {
    let (file, src) = a.document(&p.text_document.uri)?;
    if !nested {
        return Some(DocumentSymbolResponse::Flat(
            a.index
                .declarations_in(file)
                .filter_map(|o| symbol(a, enc, o))
                .collect(),
        ));
    }
    let mut decls = a.index.declarations_in(file).peekable();
    let mut out = Vec::new();
    #[allow(deprecated)]
    let tree =
        |o: &Occurrence, block: Span, children: Option<Vec<DocumentSymbol>>| DocumentSymbol {
            name: o.name.clone(),
            detail: Some(o.kind.word().to_string()),
            kind: symbol_kind(o.kind),
            tags: None,
            deprecated: None,
            range: range(src, block, enc),
            selection_range: range(src, o.span, enc),
            children,
        };
    // items and declarations are both in the order of the text: one pass
    for item in a.ws.items().filter(|i| i.span().file == file) {
        let block = item.span();
        // declarations before this item's block belong to none (skipped)
        while decls.next_if(|o| o.span.start < block.start).is_some() {}
        let mut inside = Vec::new();
        while let Some(o) = decls.next_if(|o| o.span.end <= block.end) {
            inside.push(o);
        }
        let Some((head, rest)) = inside.split_first() else {
            continue;
        };
        let children: Vec<DocumentSymbol> = rest.iter().map(|o| tree(o, o.span, None)).collect();
        out.push(tree(
            head,
            block,
            (!children.is_empty()).then_some(children),
        ));
    }
    Some(DocumentSymbolResponse::Nested(out))
}

/// How many symbols a workspace search answers at most.
pub const MOST_SYMBOLS: usize = 500;

/// How well a name matches a workspace symbol query, best first: it starts
/// with the query (0), holds it (1), or holds its characters in order (2:
/// `rsd` finds `report.status_detail`); ASCII letters in either case.
fn symbol_rank(name: &str, query: &str) -> Option<u8> {
    let (n, q) = (name.as_bytes(), query.as_bytes());
    if q.is_empty() || n.get(..q.len()).is_some_and(|s| s.eq_ignore_ascii_case(q)) {
        return Some(0);
    }
    if n.windows(q.len()).any(|w| w.eq_ignore_ascii_case(q)) {
        return Some(1);
    }
    let mut rest = q.iter();
    let mut want = rest.next();
    for c in n {
        match want {
            Some(w) if w.eq_ignore_ascii_case(c) => want = rest.next(),
            Some(_) => {}
            None => break,
        }
    }
    want.is_none().then_some(2)
}

/// The declarations (outside tests) whose names match the query, each with
/// its rank ([`symbol_rank`]), best first, at most [`MOST_SYMBOLS`].
pub fn workspace_symbols(
    a: &Analysis,
    enc: Encoding,
    p: &WorkspaceSymbolParams,
) -> Vec<(u8, SymbolInformation)> {
    let mut found: Vec<(u8, &Occurrence)> = a
        .index
        .all_declarations()
        .filter(|o| o.scope.is_none())
        .filter_map(|o| Some((symbol_rank(&o.name, &p.query)?, o)))
        .collect();
    found.sort_by_key(|(rank, _)| *rank);
    found
        .into_iter()
        .take(MOST_SYMBOLS)
        .filter_map(|(rank, o)| Some((rank, symbol(a, enc, o)?)))
        .collect()
}

/// The semantic token types, in legend order.
const TOKEN_TYPES: &[SemanticTokenType] = &[
    SemanticTokenType::PROPERTY,    // right
    SemanticTokenType::NAMESPACE,   // rights prefix, group
    SemanticTokenType::ENUM_MEMBER, // access level
    SemanticTokenType::PARAMETER,   // flag
    SemanticTokenType::DECORATOR,   // tag
    SemanticTokenType::TYPE,        // role
    SemanticTokenType::FUNCTION,    // action
    SemanticTokenType::METHOD,      // report
    SemanticTokenType::VARIABLE,    // user
    SemanticTokenType::STRUCT,      // resource
    SemanticTokenType::EVENT,       // event
    SemanticTokenType::STRING,      // test
];

pub fn legend() -> SemanticTokensLegend {
    SemanticTokensLegend {
        token_types: TOKEN_TYPES.to_vec(),
        token_modifiers: vec![SemanticTokenModifier::DECLARATION],
    }
}

fn token_type(k: Kind) -> u32 {
    match k {
        Kind::Right => 0,
        Kind::RightPrefix | Kind::Group => 1,
        Kind::Access => 2,
        Kind::Flag | Kind::Context => 3,
        Kind::Tag | Kind::Attribute => 4,
        Kind::Role => 5,
        Kind::Action => 6,
        Kind::Report => 7,
        Kind::User => 8,
        Kind::Resource => 9,
        Kind::Event => 10,
        Kind::Test => 11,
    }
}

pub fn semantic_tokens(
    a: &Analysis,
    enc: Encoding,
    p: &SemanticTokensParams,
) -> Option<SemanticTokensResult> {
    let (file, src) = a.document(&p.text_document.uri)?;
    let mut data = Vec::new();
    let (mut line, mut col) = (0u32, 0u32);
    for o in a.index.all.iter().filter(|o| o.span.file == file) {
        let start = position(src, o.span.start, enc);
        let end = position(src, o.span.end, enc);
        if end.line != start.line {
            continue;
        }
        let delta_line = start.line - line;
        let delta_start = if delta_line == 0 {
            start.character - col
        } else {
            start.character
        };
        data.push(SemanticToken {
            delta_line,
            delta_start,
            length: end.character - start.character,
            token_type: token_type(o.kind),
            token_modifiers_bitset: u32::from(o.decl),
        });
        line = start.line;
        col = start.character;
    }
    Some(SemanticTokensResult::Tokens(SemanticTokens {
        result_id: None,
        data,
    }))
}

pub fn folding(a: &Analysis, enc: Encoding, p: &FoldingRangeParams) -> Option<Vec<FoldingRange>> {
    let (file, src) = a.document(&p.text_document.uri)?;
    let mut out = Vec::new();
    if a.is_data(file) {
        return Some(out);
    }
    for it in a.ws.items().filter(|i| i.span().file == file) {
        let r = range(src, it.span(), enc);
        if r.end.line > r.start.line {
            out.push(FoldingRange {
                start_line: r.start.line,
                end_line: r.end.line,
                kind: Some(FoldingRangeKind::Region),
                ..Default::default()
            });
        }
    }
    // runs of two or more comment lines
    let mut run: Option<(u32, u32)> = None;
    // (a last empty line ends a run at the end of the text)
    for (i, l) in src.text.lines().chain(std::iter::once("")).enumerate() {
        let i = i as u32;
        if l.trim_start().starts_with('#') {
            run = Some(match run {
                Some((s, _)) => (s, i),
                None => (i, i),
            });
        } else if let Some((s, e)) = run.take() {
            if e > s {
                out.push(FoldingRange {
                    start_line: s,
                    end_line: e,
                    kind: Some(FoldingRangeKind::Comment),
                    ..Default::default()
                });
            }
        }
    }
    out.sort_by_key(|f| f.start_line);
    Some(out)
}
