//! The loaded policy: every text read or typed, what parsing made of each,
//! the checked model, every diagnostic, and the compiled program. The one way
//! from files to answers: every subcommand, the REPL, the test runner, lint
//! and the library API go through a [`Workspace`].
//!
//! - `read.rs`: reading paths from disk (files, directories, JSON data);
//! - `mod.rs`: parsing, checking (with follow-on errors of unparsable files
//!   held back), compiling, adding typed declarations (data incrementally),
//!   and answering query text.

mod ask;
mod follow_ons;
pub mod git;
mod lean;
mod read;
#[cfg(test)]
mod tests;

pub use read::MAX_FILE_SIZE;

use crate::diag::{has_errors, render_all, Code, Diagnostic, Diagnostics, RenderOptions};
use crate::eval::answer::Answer;
use crate::ir::Program;
use crate::sema::model::*;
use crate::sema::{self, Model};
use crate::source::{FileId, Origin, SourceFile, SourceMap, Span};
use crate::syntax::{self, ast};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

/// What kind of text a source is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextKind {
    /// A `.rights` file.
    Policy,
    /// A JSON data file.
    Data,
    /// Declarations typed in the REPL.
    Typed,
}

/// One text and what parsing made of it.
#[derive(Clone, Debug)]
struct Text {
    file: FileId,
    kind: TextKind,
    /// `None` when the text did not parse (a syntax error, or invalid JSON).
    parsed: Option<ast::File>,
    /// A data text whose entries were dropped once resolved
    /// ([`Workspace::load_to_answer`]): parsed again from its source when
    /// they are needed.
    released: bool,
    /// A data text read by a lean load: its users, not yet read (`lean.rs`).
    deferred: Option<lean::Deferred>,
}

/// Everything read, checked and compiled in one session.
#[derive(Clone, Debug)]
pub struct Workspace {
    pub sources: SourceMap,
    texts: Vec<Text>,
    /// Problems found while reading and parsing.
    read_diags: Diagnostics,
    /// A path could not be read at all (the CLI exits 2).
    pub io_failed: bool,
    /// The paths the workspace was read from (for reloading).
    pub policy_paths: Vec<PathBuf>,
    pub data_paths: Vec<PathBuf>,
    /// Every file read, with how many bytes it had then (a server that
    /// reloads on change compares them with the file's size now).
    pub read_sizes: Vec<(PathBuf, u64)>,
    model: Model,
    diags: Diagnostics,
    /// The compiled program: `Some` exactly when the policy checked (shared
    /// with an `Engine` made of this workspace).
    program: Option<Arc<Program>>,
    compiled: bool,
    /// Every text added has been checked.
    checked: bool,
    /// Data texts are read without their users, which a lean load reads a
    /// batch at a time ([`Workspace::load_to_answer`]).
    defer_users: bool,
}

impl Default for Workspace {
    fn default() -> Workspace {
        Workspace {
            sources: SourceMap::new(),
            texts: Vec::new(),
            read_sizes: Vec::new(),
            read_diags: Diagnostics::new(),
            io_failed: false,
            policy_paths: Vec::new(),
            data_paths: Vec::new(),
            model: Model::default(),
            diags: Diagnostics::new(),
            program: None,
            compiled: false,
            checked: true,
            defer_users: false,
        }
    }
}

/// A REPL entry, parsed once: a query, or declarations to add.
#[derive(Clone, Debug)]
pub enum Entry {
    Query(ParsedQuery),
    Declarations(Declarations),
}

/// A parsed query (answer it with [`Workspace::ask_parsed`]).
#[derive(Clone, Debug)]
pub struct ParsedQuery(Box<ast::Query>);

/// Parsed declarations (add them with [`Workspace::declare`]).
#[derive(Clone, Debug)]
pub struct Declarations(Vec<ast::Item>);

/// What one declaration declares, for saying what was added.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Declared {
    /// A named declaration: its kind (`right`, `access level`, `role`,
    /// `user`, …) and its name.
    Named(&'static str, String),
    /// A `rights PREFIX { … }` group: how many rights, under which prefix.
    Rights(usize, String),
    DefaultRoles,
    Deny,
    Test(String),
}

impl Declarations {
    /// What each declaration declares, in order.
    pub fn declared(&self) -> Vec<Declared> {
        self.0
            .iter()
            .map(|i| match i {
                ast::Item::Right(d) => Declared::Named("right", d.name.text.clone()),
                ast::Item::Rights(g) => Declared::Rights(g.entries.len(), g.prefix.text.clone()),
                ast::Item::Access(d) => Declared::Named("access level", d.name.text.clone()),
                ast::Item::Flag(d) => Declared::Named("flag", d.name.text.clone()),
                ast::Item::Tag(d) => Declared::Named("tag", d.name.text.clone()),
                ast::Item::Group(d) => Declared::Named("group", d.id.text.clone()),
                ast::Item::DenyAccess(_) => Declared::Deny,
                ast::Item::Role(d) => Declared::Named("role", d.name.text.clone()),
                ast::Item::DefaultRoles(_) => Declared::DefaultRoles,
                ast::Item::Action(d) => Declared::Named("action", d.name.text.clone()),
                ast::Item::Deny(_) => Declared::Deny,
                ast::Item::Report(d) => Declared::Named("report", d.name.text.clone()),
                ast::Item::User(d) => Declared::Named("user", d.id.text.clone()),
                ast::Item::Resource(d) => Declared::Named("resource", d.id.text.clone()),
                ast::Item::Event(d) => Declared::Named("event", d.id.text.clone()),
                ast::Item::Test(d) => Declared::Test(d.name.clone()),
                ast::Item::Attribute(d) => Declared::Named("attribute", d.name.text.clone()),
                ast::Item::Context(d) => Declared::Named("context fact", d.name.text.clone()),
            })
            .collect()
    }
}

/// Why a policy could not be loaded, or a question not asked: the
/// diagnostics and the sources they point into.
#[derive(Clone, Debug)]
pub struct Failure {
    pub diagnostics: Diagnostics,
    pub sources: SourceMap,
    /// A file could not be read at all.
    pub io: bool,
}

impl Failure {
    /// The diagnostics rendered for people (no colour).
    pub fn render(&self) -> String {
        render_all(&self.diagnostics, &self.sources, RenderOptions::default())
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render())
    }
}

impl std::error::Error for Failure {}

impl Workspace {
    /// Reads policy paths (files or directories) and JSON data files, then
    /// checks and compiles them.
    pub fn load(policy_paths: &[PathBuf], data_paths: &[PathBuf]) -> Workspace {
        let mut ws = Workspace::read(policy_paths, data_paths);
        ws.check();
        ws
    }

    /// Reads and parses policy paths and JSON data files, without checking
    /// them (the formatter needs only the texts).
    pub fn read(policy_paths: &[PathBuf], data_paths: &[PathBuf]) -> Workspace {
        Workspace::read_with(policy_paths, data_paths, false)
    }

    /// [`Workspace::read`], the data texts' users left unread when
    /// `defer_users` ([`Workspace::load_to_answer`]).
    fn read_with(policy_paths: &[PathBuf], data_paths: &[PathBuf], defer_users: bool) -> Workspace {
        let mut ws = Workspace {
            policy_paths: policy_paths.to_vec(),
            data_paths: data_paths.to_vec(),
            defer_users,
            ..Workspace::default()
        };
        ws.read_paths(policy_paths, data_paths);
        ws.diags = ws.read_diags.clone();
        ws
    }

    /// A checked and compiled policy (with its data) from one text.
    pub fn from_text(text: &str) -> Workspace {
        let mut ws = Workspace::default();
        ws.add_policy_text(Origin::Input("<policy>".into()), text.to_string());
        ws.check();
        ws
    }

    /// Adds and parses a policy text (call [`Workspace::check`] after adding).
    pub fn add_policy_text(&mut self, origin: Origin, text: String) -> FileId {
        self.add_text(origin, text, TextKind::Policy)
    }

    /// [`Workspace::add_policy_text`] for a text whose last version `old`
    /// parsed to `before` (an editor's text after an edit): what the edit
    /// did not touch is kept from that parse (moved, not copied), and only
    /// the rest is parsed ([`syntax::parse_file_again_from`]); the result is
    /// the same.
    pub fn add_policy_text_reusing(
        &mut self,
        origin: Origin,
        text: String,
        before: Option<(Arc<String>, ast::File)>,
    ) -> FileId {
        match before {
            Some((old, parsed)) => self.add_parsed_by(origin, text, TextKind::Policy, |id, new| {
                one_parse(syntax::parse_file_again_from(id, &old, parsed, &new.text))
            }),
            None => self.add_policy_text(origin, text),
        }
    }

    /// The parse of every policy text that parsed, by origin, with the text
    /// (to be given to [`Workspace::add_policy_text_reusing`]).
    pub fn parses(&self) -> HashMap<&Origin, (Arc<String>, &ast::File)> {
        self.texts
            .iter()
            .filter(|t| t.kind == TextKind::Policy)
            .filter_map(|t| {
                let f = self.sources.get(t.file)?;
                Some((&f.origin, (f.text.clone(), t.parsed.as_ref()?)))
            })
            .collect()
    }

    /// [`Workspace::parses`], taken out of this workspace (which is being
    /// replaced): nothing is copied.
    pub fn take_parses(&mut self) -> HashMap<Origin, (Arc<String>, ast::File)> {
        let sources = &self.sources;
        self.texts
            .iter_mut()
            .filter(|t| t.kind == TextKind::Policy)
            .filter_map(|t| {
                let f = sources.get(t.file)?;
                let parsed = t.parsed.take()?;
                Some((f.origin.clone(), (f.text.clone(), parsed)))
            })
            .collect()
    }

    /// Adds and parses a JSON data text (call [`Workspace::check`] after adding).
    pub fn add_data_text(&mut self, origin: Origin, text: String) -> FileId {
        self.add_text(origin, text, TextKind::Data)
    }

    /// Records a text that could not be read as text (invalid UTF-8): it did
    /// not parse, so what it may declare is unknown.
    pub(super) fn add_unreadable(&mut self, file: FileId, kind: TextKind) {
        self.texts.push(Text {
            file,
            kind,
            parsed: None,
            released: false,
            deferred: None,
        });
    }

    fn add_text(&mut self, origin: Origin, text: String, kind: TextKind) -> FileId {
        if kind == TextKind::Data && self.defer_users {
            return self.add_data_deferring_users(origin, text);
        }
        self.add_parsed_by(origin, text, kind, |id, file| match kind {
            TextKind::Data => data_parse(file, crate::data::parse_json(id, &file.text)),
            _ => one_parse(syntax::parse_file(id, &file.text)),
        })
    }

    /// Adds a text, parsed by `parse` (its tree, if it parsed, and what
    /// was found wrong).
    fn add_parsed_by(
        &mut self,
        origin: Origin,
        text: String,
        kind: TextKind,
        parse: impl FnOnce(FileId, &SourceFile) -> (Option<ast::File>, Diagnostics),
    ) -> FileId {
        let id = self.sources.add(origin, text);
        self.checked = false;
        let Some(f) = self.sources.get(id) else {
            return id;
        };
        let (parsed, diags) = parse(id, f);
        self.read_diags.extend(diags);
        self.texts.push(Text {
            file: id,
            kind,
            parsed,
            released: false,
            deferred: None,
        });
        id
    }

    /// Adds and parses declarations typed earlier in a REPL session (when its
    /// files are read again); call [`Workspace::check`] after adding.
    pub fn add_typed_text(&mut self, text: &str) -> FileId {
        let name = self.next_typed_name();
        self.add_text(Origin::Input(name), text.to_string(), TextKind::Typed)
    }

    /// Every item of every text that parsed: policy files, then JSON data,
    /// then typed declarations.
    pub fn items(&self) -> impl Iterator<Item = &ast::Item> {
        let of = move |kind: TextKind| {
            self.texts
                .iter()
                .filter(move |t| t.kind == kind)
                .filter_map(|t| t.parsed.as_ref())
                .flat_map(|f| f.items.iter())
        };
        of(TextKind::Policy)
            .chain(of(TextKind::Data))
            .chain(of(TextKind::Typed))
    }

    /// A text's syntax tree, if it parsed.
    pub fn parse_of(&self, file: FileId) -> Option<&ast::File> {
        match self.texts.get(file.0 as usize) {
            Some(t) if t.file == file => t.parsed.as_ref(),
            _ => self
                .texts
                .iter()
                .find(|t| t.file == file)
                .and_then(|t| t.parsed.as_ref()),
        }
    }

    /// Whether a text parsed (a syntax error or invalid JSON: it did not).
    pub fn parsed(&self, file: FileId) -> bool {
        // texts are added in the order of their ids: one look, as a rule
        match self.texts.get(file.0 as usize) {
            Some(t) if t.file == file => t.parsed.is_some(),
            _ => self
                .texts
                .iter()
                .any(|t| t.file == file && t.parsed.is_some()),
        }
    }

    /// The spans of the top-level declarations of each parsed text (for lint's
    /// suppression comments, which may sit above a declaration).
    pub fn declaration_spans(&self) -> Vec<Span> {
        self.items().map(ast::Item::span).collect()
    }

    /// Resolves everything read so far and, when there is no error, compiles it.
    pub fn check(&mut self) {
        let (model, diags) = self.resolve_all();
        self.commit(model, diags);
    }

    fn commit(&mut self, model: Model, diags: Diagnostics) {
        self.checked = true;
        self.compiled = !self.io_failed && !has_errors(&diags);
        self.program = if self.compiled {
            sema::model::Checked::of(&model, &diags).map(|m| Arc::new(Program::compile(&m)))
        } else {
            None
        };
        self.compiled = self.program.is_some();
        self.model = model;
        self.diags = diags;
    }

    /// The model and every diagnostic, in order: reading and syntax problems
    /// first (they are the causes), then the rest by place. When a path could
    /// not be read, nothing is resolved: the rest would only follow from it.
    fn resolve_all(&mut self) -> (Model, Diagnostics) {
        // the data a lean load released is parsed again: nothing is lost
        self.restore_released();
        self.resolve_all_with(&mut lean::JsonUsers::default())
    }

    /// [`Workspace::resolve_all`] of the items as they are, followed by
    /// the users of data texts read a batch at a time
    /// ([`sema::resolve_taking`]); what was found wrong in their entries
    /// joins the rest of their texts' reading diagnostics.
    fn resolve_all_with(&mut self, users: &mut lean::JsonUsers) -> (Model, Diagnostics) {
        if self.io_failed {
            // nothing is resolved, but every entry is still read
            users.read_all();
            self.add_users_read_diags(users);
            return (Model::default(), self.read_diags.clone());
        }
        let (model, mut rest) = sema::resolve_taking(self.items(), users);
        // (every entry is read by then; whatever is left, read for what it
        // gets wrong)
        users.read_all();
        self.add_users_read_diags(users);
        let mut first = self.read_diags.clone();
        self.hold_back_follow_ons(&mut first, &mut rest);
        rest.sort_by_key(|d| d.primary.as_ref().map(|(s, _)| (s.file, s.start)));
        first.append(&mut rest);
        (model, first)
    }

    pub fn model(&self) -> &Model {
        &self.model
    }

    /// Every diagnostic found (errors and warnings), causes first.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diags
    }

    /// Whether every text added has been checked ([`Workspace::check`]).
    pub fn is_checked(&self) -> bool {
        self.checked
    }

    pub fn has_errors(&self) -> bool {
        has_errors(&self.diags)
    }

    /// Whether the policy checked and was compiled (no I/O failure, no error).
    pub fn is_compiled(&self) -> bool {
        self.compiled
    }

    /// The compiled program, when the policy checked ([`Workspace::is_compiled`]).
    /// Answers as of `day` from now on (`--at`, the REPL's `:at`): the
    /// program's data as of that day, when some item has a window (§9.3).
    pub fn set_day(&mut self, day: crate::sema::model::Day) {
        if let Some(p) = &self.program {
            if p.day() != day {
                self.program = Some(Arc::new(p.dated_at(day)));
            }
        }
    }

    pub fn program(&self) -> Option<&Program> {
        self.program.as_deref()
    }

    /// The compiled program, shared (for an `Engine`, which exists only
    /// when there is one).
    pub fn shared_program(&self) -> Option<Arc<Program>> {
        self.program.clone()
    }

    /// The compiled program, or why there is none (the errors that stop it).
    fn compiled_program(&self) -> Result<&Program, Failure> {
        self.program.as_deref().ok_or_else(|| Failure {
            diagnostics: self.diags.clone(),
            sources: self.sources.clone(),
            io: self.io_failed,
        })
    }

    /// The diagnostics with the sources, when the policy did not compile.
    pub fn failure(&self) -> Option<Failure> {
        (!self.compiled).then(|| Failure {
            diagnostics: self.diags.clone(),
            sources: self.sources.clone(),
            io: self.io_failed,
        })
    }

    /// The name the next typed declarations will have: `<repl:N>` for the
    /// N-th added.
    pub fn next_typed_name(&self) -> String {
        let n = self
            .texts
            .iter()
            .filter(|t| t.kind == TextKind::Typed)
            .count();
        format!("<repl:{}>", n + 1)
    }

    /// Parses a REPL entry (a query or declarations), with the file id it will
    /// have if its declarations are added; `name` names it in diagnostics.
    pub fn parse_entry(&self, text: &str, name: &str) -> Result<Entry, Failure> {
        match syntax::parse_repl_line(self.sources.next_id(), text) {
            Ok(ast::ReplInput::Query(q)) => Ok(Entry::Query(ParsedQuery(q))),
            Ok(ast::ReplInput::Items(items)) => Ok(Entry::Declarations(Declarations(items))),
            Err(d) => Err(Failure {
                diagnostics: vec![*d],
                sources: self.with_text(name, text),
                io: false,
            }),
        }
    }

    /// The sources with one more text (for diagnostics about it).
    fn with_text(&self, name: &str, text: &str) -> SourceMap {
        let mut sources = self.sources.clone();
        sources.add(Origin::Input(name.into()), text.to_string());
        sources
    }

    /// Adds typed declarations (parsed by [`Workspace::parse_entry`] from
    /// `text`) if the policy still checks with them. Users, resources and
    /// events are added to the compiled program as they are: only their own
    /// tables are built. Anything else checks the whole policy again, from
    /// memory (no file is read again). Returns the warnings, or the errors
    /// (nothing is added then).
    pub fn declare(&mut self, text: &str, items: Declarations) -> Result<Diagnostics, Failure> {
        let items = items.0;
        let name = self.next_typed_name();
        let file = self.sources.add(Origin::Input(name), text.to_string());
        let result = if self.compiled && items.iter().all(sema::is_data_item) {
            self.declare_data(file, items)
        } else {
            self.texts.push(Text {
                file,
                kind: TextKind::Typed,
                parsed: Some(ast::File { items }),
                released: false,
                deferred: None,
            });
            let (model, diags) = self.resolve_all();
            if has_errors(&diags) {
                self.texts.pop();
                Err(diags)
            } else {
                let warnings = diags.iter().filter(|d| in_file(d, file)).cloned().collect();
                self.commit(model, diags);
                Ok(warnings)
            }
        };
        result.map_err(|diagnostics| {
            let failure = Failure {
                diagnostics,
                sources: self.sources.clone(),
                io: false,
            };
            self.sources.truncate(file);
            failure
        })
    }

    fn declare_data(
        &mut self,
        file: FileId,
        items: Vec<ast::Item>,
    ) -> Result<Diagnostics, Diagnostics> {
        // the program lets go of the data so that it is changed in place
        if let Some(p) = self.program.as_mut() {
            drop(Arc::make_mut(p).release_data());
        }
        let data = Arc::make_mut(&mut self.model.data);
        let (users, resources, events) =
            (data.users.len(), data.resources.len(), data.events.len());
        let diags = sema::add_data(&self.model.policy, data, &items);
        let failed = has_errors(&diags);
        if failed {
            data.truncate(users, resources, events);
        }
        if let Some(p) = self.program.as_mut() {
            Arc::make_mut(p).extend_data(self.model.data.clone());
        }
        if failed {
            return Err(diags);
        }
        self.texts.push(Text {
            file,
            kind: TextKind::Typed,
            parsed: Some(ast::File { items }),
            released: false,
            deferred: None,
        });
        self.diags.extend(diags.iter().cloned());
        Ok(diags)
    }

    /// The texts read from disk, by name, with their contents.
    pub fn files_read(&self) -> Vec<(String, Arc<String>)> {
        self.sources
            .files()
            .filter(|(_, f)| matches!(f.origin, Origin::Path(_)))
            .map(|(_, f)| (f.name.clone(), f.text.clone()))
            .collect()
    }

    /// The texts typed so far that were added (in order).
    pub fn typed_texts(&self) -> Vec<String> {
        self.texts
            .iter()
            .filter(|t| t.kind == TextKind::Typed)
            .filter_map(|t| self.sources.get(t.file).map(|f| f.text.to_string()))
            .collect()
    }
}

/// Whether a diagnostic points into a file.
fn in_file(d: &Diagnostic, file: FileId) -> bool {
    d.primary.as_ref().is_some_and(|(s, _)| s.file == file)
        || d.secondary.iter().any(|(s, _)| s.file == file)
}

/// A JSON data text as read: its entries recorded on its source file, its
/// items if it parsed, what was found wrong in the order it is written.
fn data_parse(file: &SourceFile, read: crate::data::ReadJson) -> (Option<ast::File>, Diagnostics) {
    let crate::data::ReadJson {
        items,
        mut diags,
        entries,
    } = read;
    file.set_json_entries(entries);
    let failed = diags.iter().any(|d| d.code == Code::InvalidJson);
    // in the order they are written in the file
    diags.sort_by_key(|d| d.primary.as_ref().map(|(s, _)| s.start));
    ((!failed).then_some(ast::File { items }), diags)
}

/// A policy parse as a tree or its one error.
fn one_parse(r: Result<ast::File, Box<Diagnostic>>) -> (Option<ast::File>, Diagnostics) {
    match r {
        Ok(file) => (Some(file), Vec::new()),
        Err(d) => (None, vec![*d]),
    }
}
