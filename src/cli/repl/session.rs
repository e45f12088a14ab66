//! A REPL session: the loaded policy, declarations typed so far, and what each
//! entry replies. Independent of the terminal, so piped sessions, interactive
//! ones and tests all run the same code.

use crate::api::Engine;
use crate::cli::render::Renderer;
use crate::cli::Format;
use crate::diag::{self, RenderOptions};
use crate::load::Workspace;
use crate::source::{FileId, Origin};
use crate::syntax::keywords::is_query_word;
use crate::syntax::{self, ast};
use std::path::PathBuf;

/// What one entry produced.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Reply {
    pub out: String,
    pub err: String,
    pub quit: bool,
    /// The entry had an error (a bad query, a rejected declaration, …).
    pub failed: bool,
}

impl Reply {
    fn out(text: String) -> Reply {
        Reply {
            out: text,
            ..Reply::default()
        }
    }
    fn error(text: String) -> Reply {
        Reply {
            err: text,
            failed: true,
            ..Reply::default()
        }
    }
}

/// The REPL commands, for `:help`, prefixes and completion.
pub const COMMANDS: &[(&str, &str, &str)] = &[
    ("help", ":help", "this help"),
    (
        "load",
        ":load FILE",
        "add a policy file or directory to the session",
    ),
    (
        "reload",
        ":reload",
        "re-read every file from disk and say what changed",
    ),
    ("format", ":format human|json", "how answers are printed"),
    (
        "reset",
        ":reset",
        "forget the declarations typed in this session",
    ),
    ("quit", ":quit", "leave (also Ctrl-D)"),
];

pub struct Session {
    paths: Vec<PathBuf>,
    data: Vec<PathBuf>,
    /// Declarations typed in this session, in order (kept across `:reload`).
    typed: Vec<String>,
    /// The last policy that checked cleanly, compiled.
    engine: Option<Engine>,
    pub format: Format,
    pub render: RenderOptions,
}

/// Counts shown after `:reload`.
fn counts(e: &Engine) -> Vec<(&'static str, usize)> {
    let p = &e.program().policy;
    let d = &e.program().data;
    vec![
        ("rights", p.rights.len()),
        ("access levels", p.access.len()),
        ("flags", p.flags.len()),
        ("roles", p.roles.len()),
        ("actions", p.actions.len()),
        ("reports", p.reports.len()),
        ("denies", p.denies.len()),
        ("users", d.users.len()),
        ("resources", d.resources.len()),
        ("events", d.events.len()),
    ]
}

impl Session {
    /// Loads the policy. The reply carries the diagnostics if it does not check
    /// (the session goes on: fix the files and `:reload`). `Err` on I/O errors.
    pub fn start(
        paths: Vec<PathBuf>,
        data: Vec<PathBuf>,
        render: RenderOptions,
    ) -> Result<(Session, Reply), String> {
        let mut s = Session {
            paths,
            data,
            typed: Vec::new(),
            engine: None,
            format: Format::Human,
            render,
        };
        let ws = s.workspace();
        if ws.io_failed {
            let (_, diags) = ws.resolve();
            return Err(diag::render_all(&diags, &ws.sources, render));
        }
        let reply = match Engine::from_workspace(ws) {
            Ok(e) => {
                s.engine = Some(e);
                Reply::default()
            }
            Err(e) => {
                let mut r = Reply::error(diag::render_all(&e.diagnostics, &e.sources, render));
                r.err
                    .push_str("the policy has errors: fix them, then :reload\n");
                r
            }
        };
        Ok((s, reply))
    }

    /// The files on disk plus every declaration typed so far.
    fn workspace(&self) -> Workspace {
        let mut ws = Workspace::read(&self.paths, &self.data);
        for (i, text) in self.typed.iter().enumerate() {
            ws.add_policy_text(Origin::Input(format!("<repl:{}>", i + 1)), text.clone());
        }
        ws
    }

    pub fn engine(&self) -> Option<&Engine> {
        self.engine.as_ref()
    }

    /// A one-line description of what is loaded.
    pub fn banner(&self) -> String {
        match &self.engine {
            Some(e) => {
                let c = counts(e);
                let shown: Vec<String> = c
                    .iter()
                    .filter(|(k, n)| {
                        *n > 0
                            && matches!(*k, "rights" | "roles" | "users" | "resources" | "reports")
                    })
                    .map(|(k, n)| format!("{n} {k}"))
                    .collect();
                format!(
                    "rights repl: {} loaded ({}). :help for help, :quit or Ctrl-D to leave.\n",
                    self.paths
                        .iter()
                        .map(|p| p.display().to_string())
                        .collect::<Vec<_>>()
                        .join(", "),
                    shown.join(", ")
                )
            }
            None => "rights repl: no policy compiled yet. :help for help.\n".to_string(),
        }
    }

    /// Handles one complete entry (a query, declarations, or a `:command`).
    pub fn handle(&mut self, input: &str) -> Reply {
        let text = input.trim();
        if text.is_empty() || text.starts_with('#') {
            return Reply::default();
        }
        if let Some(cmd) = text.strip_prefix(':') {
            return self.command(cmd);
        }
        let first = text.split_whitespace().next().unwrap_or("");
        let parsed = syntax::parse_repl_line(FileId(u32::MAX), text);
        match parsed {
            Ok(ast::ReplInput::Items(_)) => self.declare(text),
            Ok(ast::ReplInput::Query(_)) | Err(_) if is_query_word(first) => self.query(text),
            // neither: let the declaration path report the syntax error
            _ => self.declare(text),
        }
    }

    fn query(&mut self, text: &str) -> Reply {
        let Some(engine) = &self.engine else {
            return Reply::error(
                "no policy is compiled: fix the errors shown, then :reload\n".into(),
            );
        };
        match engine.ask(text) {
            Ok(answer) => {
                let r = Renderer {
                    program: engine.program(),
                    sources: engine.sources(),
                };
                Reply::out(match self.format {
                    Format::Human => r.human(&answer),
                    Format::Json => format!("{}\n", r.json(&answer, text)),
                })
            }
            Err(e) if self.format == Format::Json => {
                let diagnostics: Vec<_> = e
                    .diagnostics
                    .iter()
                    .map(|d| diag::to_json(d, &e.sources))
                    .collect();
                Reply {
                    out: format!(
                        "{}\n",
                        serde_json::json!({"query": text, "error": true, "diagnostics": diagnostics})
                    ),
                    failed: true,
                    ..Reply::default()
                }
            }
            Err(e) => Reply::error(
                e.diagnostics
                    .iter()
                    .map(|d| diag::render(d, &e.sources, self.render))
                    .collect(),
            ),
        }
    }

    /// Adds declarations to the session's policy if the result still checks.
    fn declare(&mut self, text: &str) -> Reply {
        self.typed.push(text.to_string());
        let ws = self.workspace();
        match Engine::from_workspace(ws) {
            Ok(e) => {
                let added = describe_items(text);
                self.engine = Some(e);
                Reply::out(format!("added {added}\n"))
            }
            Err(e) => {
                self.typed.pop();
                // only what the typed text causes: the files were clean before
                let typed_file = e
                    .sources
                    .files()
                    .find(|(_, f)| {
                        f.origin == Origin::Input(format!("<repl:{}>", self.typed.len() + 1))
                    })
                    .map(|(id, _)| id);
                let mine: Vec<_> = e
                    .diagnostics
                    .iter()
                    .filter(|d| {
                        self.engine.is_none()
                            || d.primary
                                .as_ref()
                                .is_none_or(|(s, _)| Some(s.file) == typed_file)
                            || d.secondary.iter().any(|(s, _)| Some(s.file) == typed_file)
                    })
                    .cloned()
                    .collect();
                let shown = if mine.is_empty() {
                    e.diagnostics.clone()
                } else {
                    mine
                };
                let mut r = Reply::error(
                    shown
                        .iter()
                        .map(|d| diag::render(d, &e.sources, self.render))
                        .collect(),
                );
                r.err.push_str("nothing was added\n");
                r
            }
        }
    }

    fn command(&mut self, cmd: &str) -> Reply {
        let mut words = cmd.split_whitespace();
        let name = words.next().unwrap_or("");
        let arg: Vec<&str> = words.collect();
        let matches: Vec<&str> = COMMANDS
            .iter()
            .map(|(n, _, _)| *n)
            .filter(|n| !name.is_empty() && n.starts_with(name))
            .collect();
        let full = match matches.as_slice() {
            [one] => *one,
            [] => {
                let hint = diag::did_you_mean(name, COMMANDS.iter().map(|(n, _, _)| *n))
                    .map(|h| format!(" ({h})"))
                    .unwrap_or_default();
                return Reply::error(format!(
                    "unknown command `:{name}`{hint}; :help lists the commands\n"
                ));
            }
            many => {
                return Reply::error(format!(
                    "`:{name}` could be {}\n",
                    many.iter()
                        .map(|m| format!(":{m}"))
                        .collect::<Vec<_>>()
                        .join(" or ")
                ))
            }
        };
        match full {
            "help" => Reply::out(help_text()),
            "quit" => Reply {
                quit: true,
                ..Reply::default()
            },
            "format" => match arg.as_slice() {
                ["human"] => {
                    self.format = Format::Human;
                    Reply::out("answers are printed for people\n".into())
                }
                ["json"] => {
                    self.format = Format::Json;
                    Reply::out("answers are printed as JSON\n".into())
                }
                _ => Reply::error("usage: :format human|json\n".into()),
            },
            "reset" => self.reset(),
            "load" => match arg.as_slice() {
                [path] => self.load(PathBuf::from(path)),
                _ => Reply::error("usage: :load FILE\n".into()),
            },
            _ => self.reload(),
        }
    }

    fn load(&mut self, path: PathBuf) -> Reply {
        self.paths.push(path.clone());
        let ws = self.workspace();
        let io = ws.io_failed;
        match Engine::from_workspace(ws) {
            Ok(e) if !io => {
                let before = self.engine.as_ref().map(counts);
                let change = change_text(before.as_deref(), &counts(&e));
                self.engine = Some(e);
                Reply::out(format!("loaded {}: {change}\n", path.display()))
            }
            Ok(_) => {
                self.paths.pop();
                Reply::error(format!("cannot read {}\n", path.display()))
            }
            Err(e) => {
                self.paths.pop();
                let mut r = Reply::error(diag::render_all(&e.diagnostics, &e.sources, self.render));
                r.err
                    .push_str(&format!("{} was not loaded\n", path.display()));
                r
            }
        }
    }

    fn reset(&mut self) -> Reply {
        let n = self.typed.len();
        let kept = std::mem::take(&mut self.typed);
        let reply = self.reload();
        if reply.failed {
            self.typed = kept;
            return reply;
        }
        Reply::out(format!(
            "forgot {n} typed declaration{}; {}",
            if n == 1 { "" } else { "s" },
            reply.out.trim_start_matches("reloaded: ")
        ))
    }

    fn reload(&mut self) -> Reply {
        let ws = self.workspace();
        let io = ws.io_failed;
        match Engine::from_workspace(ws) {
            Ok(e) if !io => {
                let before = self.engine.as_ref().map(counts);
                let mut change = change_text(before.as_deref(), &counts(&e));
                let files = changed_files(self.engine.as_ref(), &e);
                if !files.is_empty() {
                    if change == "nothing changed" {
                        change = "no declaration added or removed".into();
                    }
                    change = format!("{} changed; {change}", files.join(", "));
                } else if change == "nothing changed" {
                    change = "no file changed".into();
                }
                self.engine = Some(e);
                Reply::out(format!("reloaded: {change}\n"))
            }
            Ok(_) | Err(_) => {
                let ws = self.workspace();
                let (_, diags) = ws.resolve();
                let mut r = Reply::error(diag::render_all(&diags, &ws.sources, self.render));
                r.err.push_str(if !self.typed.is_empty() {
                    "the files and the typed declarations have errors together: still answering from the last version that checked (:reset forgets the typed declarations)\n"
                } else if self.engine.is_some() {
                    "the files have errors: still answering from the last version that checked\n"
                } else {
                    "the files have errors: fix them, then :reload\n"
                });
                r
            }
        }
    }
}

/// The files whose text differs between two loads (added, removed or edited).
fn changed_files(before: Option<&Engine>, after: &Engine) -> Vec<String> {
    let texts = |e: &Engine| -> Vec<(String, std::sync::Arc<str>)> {
        e.sources()
            .files()
            .filter(|(_, f)| matches!(f.origin, Origin::Path(_)))
            .map(|(_, f)| (f.name.clone(), f.text.clone()))
            .collect()
    };
    let old = before.map(texts).unwrap_or_default();
    let new = texts(after);
    let mut out = Vec::new();
    for (name, text) in &new {
        match old.iter().find(|(n, _)| n == name) {
            Some((_, t)) if t == text => {}
            _ => out.push(name.clone()),
        }
    }
    for (name, _) in &old {
        if !new.iter().any(|(n, _)| n == name) {
            out.push(format!("{name} (gone)"));
        }
    }
    out
}


/// "role `auditor`", "user `bob` and resource `r9`".
fn describe_items(text: &str) -> String {
    let Ok(ast::ReplInput::Items(items)) = syntax::parse_repl_line(FileId(u32::MAX), text) else {
        return "declarations".into();
    };
    let names: Vec<String> = items
        .iter()
        .map(|i| match i {
            ast::Item::Right(d) => format!("right `{}`", d.name.text),
            ast::Item::Rights(g) => format!("{} rights under `{}`", g.entries.len(), g.prefix.text),
            ast::Item::Access(d) => format!("access level `{}`", d.name.text),
            ast::Item::Flag(d) => format!("flag `{}`", d.name.text),
            ast::Item::Role(d) => format!("role `{}`", d.name.text),
            ast::Item::DefaultRoles(_) => "default roles".to_string(),
            ast::Item::Action(d) => format!("action `{}`", d.name.text),
            ast::Item::Deny(_) => "a deny".to_string(),
            ast::Item::Report(d) => format!("report `{}`", d.name.text),
            ast::Item::User(d) => format!("user `{}`", d.id.text),
            ast::Item::Resource(d) => format!("resource `{}`", d.id.text),
            ast::Item::Event(d) => format!("event `{}`", d.id.text),
            ast::Item::Test(d) => format!("test {:?}", d.name),
        })
        .collect();
    names.join(", ")
}

/// "rights 38 → 39 (+1), users 5 → 4 (−1)" or "nothing changed".
fn change_text(
    before: Option<&[(&'static str, usize)]>,
    after: &[(&'static str, usize)],
) -> String {
    let mut parts = Vec::new();
    for (i, (k, n)) in after.iter().enumerate() {
        let old = before.and_then(|b| b.get(i)).map_or(0, |(_, n)| *n);
        if old != *n {
            let delta = *n as i64 - old as i64;
            parts.push(format!(
                "{k} {old} → {n} ({}{delta})",
                if delta > 0 { "+" } else { "" }
            ));
        }
    }
    if parts.is_empty() {
        "nothing changed".into()
    } else {
        parts.join(", ")
    }
}

pub fn help_text() -> String {
    let mut s = String::from("Commands:\n");
    for (_, usage, what) in COMMANDS {
        s.push_str(&format!("  {usage:22} {what}\n"));
    }
    s.push_str(
        "  (any unambiguous prefix works: :q, :rel, :f json)\n\
         \n\
         Queries:\n\
         \x20 can USER run REPORT [on RESOURCE]      can jane run status_detail on resource_z\n\
         \x20 can USER ACTION [on RESOURCE]          can jane edit_sub_resources on resource_m\n\
         \x20 can USER RIGHT                         can jane report.status_detail\n\
         \x20 can USER assign ROLE to USER [on R]    can bob assign status_updater to carol on resource_m\n\
         \x20 explain can …                          explain can jane run status_detail on resource_m\n\
         \x20 who can …                              who can run status_detail on resource_z\n\
         \x20 what can USER do [on RESOURCE]         what can jane do on resource_z\n\
         \x20 rights USER                            rights jane\n\
         \x20 roles USER                             roles jane\n\
         \x20 report REPORT as USER [for event E]    report status_snapshot as jane for event flood\n\
         \n\
         Declarations add to the session's policy (and are checked with it):\n\
         \x20 user bob { roles reporter  access resource_m: view_resource }\n\
         \x20 role auditor \"Auditor\" { grant report.* }\n\
         A line with an open `{` or `(` continues on the next line.\n",
    );
    s
}
