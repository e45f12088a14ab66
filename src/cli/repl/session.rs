//! A REPL session: the loaded policy, declarations typed so far, and what each
//! entry replies. Independent of the terminal, so piped sessions, interactive
//! ones and tests all run the same code.

use crate::cli::Format;
use crate::diag::{self, RenderOptions};
use crate::syntax::keywords::is_query_word;
use crate::words::Words;
use crate::workspace::{Declarations, Entry, Failure, ParsedQuery, Workspace};
use std::path::PathBuf;

/// What one entry produced.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Reply {
    pub out: String,
    pub err: String,
    pub quit: bool,
    /// The entry had an error (a bad query, a rejected declaration, …).
    pub failed: bool,
    /// The session's policy changed (names to complete may have changed).
    pub changed: bool,
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
    fn changed(mut self) -> Reply {
        self.changed = true;
        self
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
        "fixes",
        ":fixes all|some",
        "`explain`: every change that would allow it, or the first four",
    ),
    (
        "at",
        ":at DATE|today",
        "answer as of a day (YYYY-MM-DD, UTC); a query's own `at` wins",
    ),
    (
        "with",
        ":with FACT, …|none",
        "ask every question with these context facts",
    ),
    (
        "analyze",
        ":analyze",
        "what holds for every possible user of the session's policy",
    ),
    (
        "reset",
        ":reset",
        "forget the declarations typed in this session",
    ),
    ("quit", ":quit", "leave (also Ctrl-D)"),
];

pub struct Session {
    /// The last workspace that compiled (or the one first read, until one
    /// does): kept in memory, read again only on `:load` and `:reload`.
    ws: Workspace,
    pub format: Format,
    /// `explain` shows every fix found (`:fixes all`), not the first few.
    pub all_fixes: bool,
    pub render: RenderOptions,
    /// `:at` and `:with`: the date and facts every question is asked with.
    pub when: crate::sema::model::When,
}

/// Counts shown after `:reload`.
fn counts(ws: &Workspace) -> Vec<(&'static str, usize)> {
    let Some(program) = ws.program() else {
        return Vec::new();
    };
    let (p, d) = (&program.policy, &program.data);
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
        let ws = Workspace::load(&paths, &data);
        if ws.io_failed {
            return Err(diag::render_all(ws.diagnostics(), &ws.sources, render));
        }
        let reply = if ws.is_compiled() {
            Reply::default()
        } else {
            let mut r = Reply::error(diag::render_all(ws.diagnostics(), &ws.sources, render));
            r.err
                .push_str("the policy has errors: fix them, then :reload\n");
            r
        };
        let s = Session {
            ws,
            format: Format::Human,
            all_fixes: false,
            when: Default::default(),
            render,
        };
        Ok((s, reply))
    }

    /// The session's workspace.
    pub fn workspace(&self) -> &Workspace {
        &self.ws
    }

    /// A one-line description of what is loaded.
    pub fn banner(&self) -> String {
        if !self.ws.is_compiled() {
            return "rights repl: no policy compiled yet. :help for help.\n".to_string();
        }
        let shown: Vec<String> = counts(&self.ws)
            .iter()
            .filter(|(k, n)| {
                *n > 0 && matches!(*k, "rights" | "roles" | "users" | "resources" | "reports")
            })
            .map(|(k, n)| format!("{n} {k}"))
            .collect();
        format!(
            "rights repl: {} loaded ({}). :help for help, :quit or Ctrl-D to leave.\n",
            self.ws
                .policy_paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
            shown.join(", ")
        )
    }

    /// Handles one complete entry (a query, declarations, or a `:command`).
    /// The entry is parsed once.
    pub fn handle(&mut self, input: &str) -> Reply {
        let text = input.trim();
        if text.is_empty() || text.starts_with('#') {
            return Reply::default();
        }
        if let Some(cmd) = text.strip_prefix(':') {
            return self.command(cmd);
        }
        let first = text.split_whitespace().next().unwrap_or("");
        let query_like = is_query_word(first);
        let name = if query_like {
            "<query>".to_string()
        } else {
            self.ws.next_typed_name()
        };
        match self.ws.parse_entry(text, &name) {
            Ok(Entry::Declarations(items)) => self.declare(text, items),
            Ok(Entry::Query(q)) => self.query(text, &q),
            Err(f) if query_like => self.query_error(text, f),
            Err(f) => {
                let mut r = self.rendered(&f.diagnostics, &f);
                r.err.push_str("nothing was added\n");
                r
            }
        }
    }

    fn rendered(&self, diags: &[diag::Diagnostic], f: &Failure) -> Reply {
        Reply::error(
            diags
                .iter()
                .map(|d| diag::render(d, &f.sources, self.render))
                .collect(),
        )
    }

    fn query(&mut self, text: &str, q: &ParsedQuery) -> Reply {
        if self.ws.program().is_none() {
            return Reply::error(
                "no policy is compiled: fix the errors shown, then :reload\n".into(),
            );
        }
        match self.ws.ask_parsed_at(text, "<query>", q, self.when) {
            Ok((answer, program)) => {
                let w = Words::new(&program, &self.ws.sources)
                    .with_all_fixes(self.all_fixes)
                    .with_more_fixes_hint("`:fixes all`");
                Reply::out(match self.format {
                    Format::Human => w.human(&answer),
                    Format::Json => format!("{}\n", w.json(&answer, text)),
                })
            }
            Err(f) => self.query_error(text, f),
        }
    }

    fn query_error(&self, text: &str, f: Failure) -> Reply {
        if self.format == Format::Json {
            let diagnostics: Vec<_> = f
                .diagnostics
                .iter()
                .map(|d| diag::to_json(d, &f.sources))
                .collect();
            return Reply {
                out: format!(
                    "{}\n",
                    serde_json::json!({"query": text, "error": true, "diagnostics": diagnostics})
                ),
                failed: true,
                ..Reply::default()
            };
        }
        self.rendered(&f.diagnostics, &f)
    }

    /// Adds declarations to the session's policy if the result still checks.
    fn declare(&mut self, text: &str, items: Declarations) -> Reply {
        let added = crate::words::declared(&items.declared());
        let file = self.ws.sources.next_id();
        let was_compiled = self.ws.is_compiled();
        match self.ws.declare(text, items) {
            Ok(warnings) => {
                let mut r = Reply::out(format!("added {added}\n")).changed();
                r.err = warnings
                    .iter()
                    .map(|d| diag::render(d, &self.ws.sources, self.render))
                    .collect();
                r
            }
            Err(f) => {
                // only what the typed text causes: the files were clean before
                let mine: Vec<diag::Diagnostic> = f
                    .diagnostics
                    .iter()
                    .filter(|d| {
                        !was_compiled
                            || d.primary.as_ref().is_none_or(|(s, _)| s.file == file)
                            || d.secondary.iter().any(|(s, _)| s.file == file)
                    })
                    .cloned()
                    .collect();
                let shown = if mine.is_empty() {
                    &f.diagnostics
                } else {
                    &mine
                };
                let mut r = self.rendered(shown, &f);
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
            "fixes" => match arg.as_slice() {
                ["all"] => {
                    self.all_fixes = true;
                    Reply::out("`explain` shows every change that would allow it\n".into())
                }
                ["some"] => {
                    self.all_fixes = false;
                    Reply::out(
                        "`explain` shows the first four changes and counts the rest\n".into(),
                    )
                }
                _ => Reply::error("usage: :fixes all|some\n".into()),
            },
            "at" => match arg.as_slice() {
                ["today"] => {
                    self.when.at = None;
                    Reply::out(format!(
                        "questions are answered as of today, {}\n",
                        crate::sema::model::Day::today()
                    ))
                }
                [d] => match crate::sema::model::Day::parse(d) {
                    Ok(day) => {
                        self.when.at = Some(day);
                        Reply::out(format!("questions are answered as of {day}\n"))
                    }
                    Err(why) => Reply::error(format!("{why}\n")),
                },
                _ => Reply::error("usage: :at YYYY-MM-DD|today\n".into()),
            },
            "with" => self.with(&arg),
            "reset" => self.reset(),
            "analyze" if !arg.is_empty() => Reply::error("usage: :analyze\n".into()),
            "analyze" => self.analyze(),
            "load" => match arg.as_slice() {
                [path] => self.load(PathBuf::from(path)),
                _ => Reply::error("usage: :load FILE\n".into()),
            },
            _ => self.reload(),
        }
    }

    /// The files on disk read again, with the given typed declarations.
    fn reread(&self, paths: &[PathBuf], typed: &[String]) -> Workspace {
        let mut ws = Workspace::read(paths, &self.ws.data_paths);
        for text in typed {
            ws.add_typed_text(text);
        }
        ws.check();
        ws
    }

    fn load(&mut self, path: PathBuf) -> Reply {
        let mut paths = self.ws.policy_paths.clone();
        paths.push(path.clone());
        let ws = self.reread(&paths, &self.ws.typed_texts());
        if ws.io_failed {
            return Reply::error(format!("cannot read {}\n", path.display()));
        }
        if !ws.is_compiled() {
            let mut r = Reply::error(diag::render_all(ws.diagnostics(), &ws.sources, self.render));
            r.err
                .push_str(&format!("{} was not loaded\n", path.display()));
            return r;
        }
        let before = self.ws.is_compiled().then(|| counts(&self.ws));
        let change = change_text(before.as_deref(), &counts(&ws));
        self.ws = ws;
        Reply::out(format!("loaded {}: {change}\n", path.display())).changed()
    }

    fn analyze(&mut self) -> Reply {
        let Some(program) = self.ws.program() else {
            return Reply::error(
                "no policy is compiled: fix the errors shown, then :reload\n".into(),
            );
        };
        match crate::analyze::findings(program) {
            Ok(found) => {
                let w = Words::new(program, &self.ws.sources);
                Reply::out(match self.format {
                    Format::Human => w.findings_human(&found),
                    Format::Json => format!("{}\n", w.findings_json(&found)),
                })
            }
            Err(e) => Reply::error(format!("the policy cannot be analyzed: {e}\n")),
        }
    }

    /// `:with a, b` or `:with none`: the context facts of every question.
    fn with(&mut self, arg: &[&str]) -> Reply {
        let names: Vec<&str> = arg
            .iter()
            .flat_map(|a| a.split(','))
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .collect();
        if names.is_empty() {
            return Reply::error("usage: :with FACT, …|none\n".into());
        }
        if names == ["none"] {
            self.when.with = Default::default();
            return Reply::out("questions are asked with no context facts\n".into());
        }
        let Some(program) = self.ws.program() else {
            return Reply::error(
                "no policy is compiled: fix the errors shown, then :reload\n".into(),
            );
        };
        match crate::sema::resolve_contexts(&program.policy, &names) {
            Ok(with) => {
                self.when.with = with;
                Reply::out(format!("questions are asked with {}\n", names.join(", ")))
            }
            Err(diags) => Reply::error(
                diags
                    .iter()
                    .map(|d| diag::render(d, &self.ws.sources, self.render))
                    .collect(),
            ),
        }
    }

    fn reset(&mut self) -> Reply {
        let n = self.ws.typed_texts().len();
        let reply = self.reload_with(&[]);
        if reply.failed {
            return reply;
        }
        Reply::out(format!(
            "forgot {n} typed declaration{}; {}",
            if n == 1 { "" } else { "s" },
            reply.out.trim_start_matches("reloaded: ")
        ))
        .changed()
    }

    fn reload(&mut self) -> Reply {
        let typed = self.ws.typed_texts();
        self.reload_with(&typed)
    }

    fn reload_with(&mut self, typed: &[String]) -> Reply {
        let ws = self.reread(&self.ws.policy_paths, typed);
        if ws.is_compiled() {
            let before = self.ws.is_compiled().then(|| counts(&self.ws));
            let mut change = change_text(before.as_deref(), &counts(&ws));
            let files = changed_files(&self.ws, &ws);
            if !files.is_empty() {
                if change == "nothing changed" {
                    change = "no declaration added or removed".into();
                }
                change = format!("{} changed; {change}", files.join(", "));
            } else if change == "nothing changed" {
                change = "no file changed".into();
            }
            self.ws = ws;
            return Reply::out(format!("reloaded: {change}\n")).changed();
        }
        let mut r = Reply::error(diag::render_all(ws.diagnostics(), &ws.sources, self.render));
        r.err.push_str(if !typed.is_empty() {
            "the files and the typed declarations have errors together: still answering from the last version that checked (:reset forgets the typed declarations)\n"
        } else if self.ws.is_compiled() {
            "the files have errors: still answering from the last version that checked\n"
        } else {
            "the files have errors: fix them, then :reload\n"
        });
        r
    }
}

/// The files whose text differs between two loads (added, removed or edited).
fn changed_files(before: &Workspace, after: &Workspace) -> Vec<String> {
    let old = before.files_read();
    let new = after.files_read();
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
         \x20 can USER access LEVEL on RESOURCE      can jane access update_status on beds_available\n\
         \x20 can USER assign access LEVEL to USER on RESOURCE\n\
         \x20                                        can bob assign access update_status to sam on resource_m\n\
         \x20 explain can …                          explain can jane run status_detail on resource_m\n\
         \x20 who can …                              who can run status_detail on resource_z\n\
         \x20 what can USER do [on RESOURCE]         what can jane do on resource_z\n\
         \x20 rights USER                            rights jane\n\
         \x20 roles USER                             roles jane\n\
         \x20 groups USER                            groups jane\n\
         \x20 report REPORT as USER [for event E]    report status_snapshot as jane for event flood\n\
         \n\
         Declarations add to the session's policy (and are checked with it):\n\
         \x20 user bob { roles reporter  access resource_m: view_resource }\n\
         \x20 role auditor \"Auditor\" { grant report.* }\n\
         A line with an open `{` or `(` continues on the next line.\n",
    );
    s
}
