//! Completion (the REPL's logic, [`crate::complete`]), the outline and
//! workspace symbols, semantic tokens and folding ranges.

use super::analysis::Analysis;
use super::convert::{offset_in, position, range, Encoding};
use super::navigate::location;
use crate::complete::{candidates, Names};
use crate::index::{Kind, Occurrence};
use crate::syntax::keywords;
use lsp_types::*;

/// Declared names by kind, from the index (so completion works while the
/// policy has errors).
fn names(a: &Analysis) -> Names {
    let mut n = Names::default();
    let mut seen = std::collections::HashSet::new();
    let mut paths: Vec<_> = a.declared.keys().collect();
    paths.sort();
    for (kind, name) in paths.into_iter().flat_map(|p| a.declared[p].iter()) {
        if !seen.insert((*kind, name.as_str())) {
            continue;
        }
        let data = || keywords::data_id_text(name);
        match kind {
            Kind::Right => n.rights.push(name.clone()),
            Kind::Role => n.roles.push(name.clone()),
            Kind::Access => n.access.push(name.clone()),
            Kind::Flag => n.flags.push(name.clone()),
            Kind::Tag => n.tags.push(name.clone()),
            Kind::Action => n.actions.push(name.clone()),
            Kind::Report => n.reports.push(name.clone()),
            Kind::Group => n.groups.push(data()),
            Kind::User => n.users.push(data()),
            Kind::Resource => n.resources.push(data()),
            Kind::Event => n.events.push(data()),
            Kind::RightPrefix | Kind::Test => {}
        }
    }
    n
}

/// The text a completion continues: from the start of the declaration the
/// cursor is in (a line that starts without indentation), or of the
/// `expect` line, to the start of the word being typed.
fn before_cursor(text: &str, off: usize) -> &str {
    let upto = &text[..off];
    let word_start = upto
        .char_indices()
        .rev()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '.' || *c == '"'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let upto = &upto[..word_start];
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
    // back to the line that starts the declaration
    let mut start = line_start;
    loop {
        let l = &upto[start..];
        if !l.starts_with([' ', '\t', '}', '#']) && !l.is_empty() {
            break;
        }
        if start == 0 {
            break;
        }
        let prev = upto[..start - 1].rfind('\n').map_or(0, |i| i + 1);
        start = prev;
    }
    &upto[start..]
}

fn item_kind(n: &Names, word: &str) -> CompletionItemKind {
    let has = |v: &Vec<String>| v.iter().any(|x| x == word);
    if keywords::is_keyword(word) {
        CompletionItemKind::KEYWORD
    } else if has(&n.roles) {
        CompletionItemKind::CLASS
    } else if has(&n.rights) {
        CompletionItemKind::PROPERTY
    } else if has(&n.actions) || has(&n.reports) {
        CompletionItemKind::FUNCTION
    } else if has(&n.users) {
        CompletionItemKind::VARIABLE
    } else {
        CompletionItemKind::VALUE
    }
}

pub fn completion(a: &Analysis, enc: Encoding, p: &CompletionParams) -> Option<CompletionResponse> {
    let tp = &p.text_document_position;
    let (_, src) = a.document(&tp.text_document.uri)?;
    let off = offset_in(src, tp.position, enc) as usize;
    let before = before_cursor(&src.text, off.min(src.text.len()));
    let n = names(a);
    let words = candidates(&n, &[], before.trim_start_matches('{'));
    let program = a.ws.program();
    let items = words
        .into_iter()
        .map(|w| {
            let kind = item_kind(&n, &w);
            let meta = program.and_then(|p| {
                let pol = &p.policy;
                let names = &pol.names;
                names
                    .rights
                    .get(w.as_str())
                    .map(|&r| &pol.right(r).meta)
                    .or_else(|| names.roles.get(w.as_str()).map(|&r| &pol.role(r).meta))
                    .or_else(|| names.actions.get(w.as_str()).map(|&r| &pol.action(r).meta))
                    .or_else(|| names.reports.get(w.as_str()).map(|&r| &pol.report(r).meta))
                    .or_else(|| {
                        names
                            .access
                            .get(w.as_str())
                            .map(|&r| &pol.access_level(r).meta)
                    })
            });
            CompletionItem {
                label: w.clone(),
                kind: Some(kind),
                detail: meta.and_then(|m| m.label.clone()),
                documentation: meta.and_then(|m| {
                    m.doc.clone().map(|d| {
                        Documentation::MarkupContent(MarkupContent {
                            kind: MarkupKind::Markdown,
                            value: d,
                        })
                    })
                }),
                ..Default::default()
            }
        })
        .collect();
    Some(CompletionResponse::Array(items))
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

pub fn document_symbols(
    a: &Analysis,
    enc: Encoding,
    p: &DocumentSymbolParams,
) -> Option<DocumentSymbolResponse> {
    let (file, _) = a.document(&p.text_document.uri)?;
    Some(DocumentSymbolResponse::Flat(
        a.index
            .declarations_in(file)
            .filter_map(|o| symbol(a, enc, o))
            .collect(),
    ))
}

pub fn workspace_symbols(
    a: &Analysis,
    enc: Encoding,
    p: &WorkspaceSymbolParams,
) -> Option<WorkspaceSymbolResponse> {
    let q = p.query.to_lowercase();
    Some(WorkspaceSymbolResponse::Flat(
        a.index
            .all_declarations()
            .filter(|o| o.scope.is_none() && o.name.to_lowercase().contains(&q))
            .take(500)
            .filter_map(|o| symbol(a, enc, o))
            .collect(),
    ))
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
        Kind::Flag => 3,
        Kind::Tag => 4,
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
    for (i, l) in src.text.lines().enumerate() {
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
    if let Some((s, e)) = run {
        if e > s {
            out.push(FoldingRange {
                start_line: s,
                end_line: e,
                kind: Some(FoldingRangeKind::Comment),
                ..Default::default()
            });
        }
    }
    out.sort_by_key(|f| f.start_line);
    Some(out)
}
