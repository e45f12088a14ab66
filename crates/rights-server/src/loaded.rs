//! The policy served: loaded (read, checked, compiled) with its revision,
//! and loaded again beside the old one when a file changes; swapped whole
//! (no request sees half a policy), or refused when it does not check: the
//! old one goes on answering and the refusal is reported at `/v1/policy`.

use crate::diag;
use crate::sema::model::Day;
use crate::workspace::Workspace;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{SystemTime, UNIX_EPOCH};

/// One version of the policy, checked and compiled.
pub struct Loaded {
    pub ws: Workspace,
    /// A hash of every file's name and text.
    pub revision: String,
    /// The files read, as diagnostics name them.
    pub files: Vec<String>,
    /// The policy's texts and the data's, by name (the playground shows the
    /// first and asks "what if" of a copy of both).
    pub policy_texts: Vec<(String, Arc<String>)>,
    pub data_texts: Vec<(String, Arc<String>)>,
    /// Every name, for completion.
    pub names: crate::complete::Names,
    /// When it was loaded (seconds since 1970, UTC).
    pub loaded_at: u64,
    /// What each file and directory looked like on disk when read.
    stamps: Vec<(PathBuf, Option<Stamp>)>,
}

impl Loaded {
    /// The same version answering as of `day` (its windows opened and
    /// closed as of that day): compiled again from the model it holds, no
    /// file read or checked again.
    fn on_day(&self, day: Day) -> Loaded {
        let mut ws = self.ws.clone();
        ws.set_day(day);
        Loaded {
            ws,
            revision: self.revision.clone(),
            files: self.files.clone(),
            policy_texts: self.policy_texts.clone(),
            data_texts: self.data_texts.clone(),
            names: self.names.clone(),
            loaded_at: self.loaded_at,
            stamps: self.stamps.clone(),
        }
    }
}

/// A version that did not check.
pub struct Rejected {
    pub at: u64,
    pub revision: String,
    /// The diagnostics as `rights check --format json` gives them.
    pub diagnostics: Vec<Value>,
    /// The same, drawn as `rights check` draws them.
    pub rendered: String,
    stamps: Vec<(PathBuf, Option<Stamp>)>,
}

use crate::project::{stamp, Stamp};

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Reads, checks and compiles the policy of `paths` with its `data`.
pub fn load(paths: &[PathBuf], data: &[PathBuf]) -> Result<Loaded, Rejected> {
    let ws = Workspace::load_to_answer(paths, data);
    // every file read, and the paths given (a directory's stamp changes
    // when a file is added to it or removed)
    let mut watched: Vec<PathBuf> = paths.iter().chain(data).cloned().collect();
    let mut files = Vec::new();
    let (mut policy_texts, mut data_texts) = (Vec::new(), Vec::new());
    let mut hash = Fnv::default();
    for (_, f) in ws.sources.files() {
        files.push(f.name.clone());
        let texts = if f.name.ends_with(".json") {
            &mut data_texts
        } else {
            &mut policy_texts
        };
        texts.push((f.name.clone(), f.text.clone()));
        hash.add(f.name.as_bytes());
        hash.add(&[0]);
        hash.add(f.text.as_bytes());
        hash.add(&[0]);
        if let crate::source::Origin::Path(p) = &f.origin {
            watched.push(p.clone());
        }
    }
    let revision = format!("{:016x}", hash.0);
    let stamps = stamps(watched, &ws.read_sizes);
    if ws.is_compiled() {
        return Ok(Loaded {
            names: crate::complete::Names::of(&ws),
            ws,
            revision,
            files,
            policy_texts,
            data_texts,
            loaded_at: now(),
            stamps,
        });
    }
    let diags = ws.diagnostics();
    Err(Rejected {
        at: now(),
        revision,
        diagnostics: crate::api::diagnostics_json(diags, &ws.sources),
        rendered: diag::render_all(diags, &ws.sources, diag::RenderOptions::default()),
        stamps,
    })
}

/// FNV-1a (64 bits): a revision that is the same for the same texts in
/// every build and on every machine.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    fn add(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

/// The stamps of the files watched, taken after they were read. A file
/// written while it was read (read half written, stamped whole) has another
/// size now than it had when read: its stamp is left empty, so the next look
/// sees a change and loads it again.
fn stamps(watched: Vec<PathBuf>, read_sizes: &[(PathBuf, u64)]) -> Vec<(PathBuf, Option<Stamp>)> {
    watched
        .into_iter()
        .map(|p| {
            let now = stamp(&p);
            let read = read_sizes.iter().find(|(q, _)| *q == p).map(|(_, n)| *n);
            match (now, read) {
                (Some((_, len)), Some(n)) if len != n => (p, None),
                _ => (p, now),
            }
        })
        .collect()
}

/// A lock's guard, poisoned or not: a panic elsewhere leaves the version
/// served whole (it is swapped, never changed in place).
fn held<G>(lock: std::sync::LockResult<G>) -> G {
    lock.unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn changed(stamps: &[(PathBuf, Option<Stamp>)]) -> bool {
    stamps.iter().any(|(p, s)| stamp(p) != *s)
}

/// Told of each reload: a version swapped in, or refused with its
/// diagnostics drawn (the command line writes them to stderr).
pub type Notify = Box<dyn Fn(Reload<'_>) + Send + Sync>;

/// What a reload did.
pub enum Reload<'a> {
    Swapped {
        revision: &'a str,
    },
    /// A new day: the same revision answers as of it (items with a window).
    NewDay {
        revision: &'a str,
        day: Day,
    },
    Refused {
        revision: &'a str,
        rendered: &'a str,
    },
}

/// The policy being served, and what became of the last reload.
pub struct Served {
    current: RwLock<Arc<Loaded>>,
    rejected: Mutex<Option<Rejected>>,
    reloads: AtomicU64,
    paths: Vec<PathBuf>,
    data: Vec<PathBuf>,
    notify: Notify,
}

impl Served {
    pub fn new(first: Loaded, paths: Vec<PathBuf>, data: Vec<PathBuf>, notify: Notify) -> Served {
        Served {
            current: RwLock::new(Arc::new(first)),
            rejected: Mutex::new(None),
            reloads: AtomicU64::new(0),
            paths,
            data,
            notify,
        }
    }

    /// The version answering now (a request holds it to the end).
    pub fn current(&self) -> Arc<Loaded> {
        held(self.current.read()).clone()
    }

    /// How many times a new version was swapped in.
    pub fn reloads(&self) -> u64 {
        self.reloads.load(Ordering::Relaxed)
    }

    /// Loads the files again if one changed since the version served (or
    /// the version last refused) was read: swapped in if it checks, else
    /// kept as the refusal `/v1/policy` reports. Where items have windows
    /// and the day changed, the version served is compiled again as of the
    /// new day (no file read).
    pub fn reload_if_changed(&self) {
        self.reload_if_changed_on(Day::today());
    }

    /// [`Served::reload_if_changed`], `today` being the day given.
    fn reload_if_changed_on(&self, today: Day) {
        let since_refused = held(self.rejected.lock())
            .as_ref()
            .map(|r| changed(&r.stamps));
        let current = self.current();
        if since_refused.unwrap_or_else(|| changed(&current.stamps)) {
            self.reload();
            return;
        }
        // a new day matters where an item has a window: the version
        // answering, compiled as of it (no file read: reading every file
        // again took the whole load and twice the memory while both
        // versions lived; and a version refused since does not keep the
        // good one answering as of an old day)
        let new_day = current
            .ws
            .program()
            .is_some_and(|p| p.dated() && p.day() != today);
        if !new_day {
            return;
        }
        let next = Arc::new(current.on_day(today));
        // swapped in only if no reload swapped another version in
        // meanwhile (`kill -HUP` while this one was compiled)
        let _reloading = held(self.rejected.lock());
        let mut slot = held(self.current.write());
        if Arc::ptr_eq(&slot, &current) {
            (self.notify)(Reload::NewDay {
                revision: &next.revision,
                day: today,
            });
            *slot = next;
        }
    }

    /// Loads the files again (also on request, as `SIGHUP` would).
    pub fn reload(&self) {
        let fresh = load(&self.paths, &self.data);
        let mut rejected = held(self.rejected.lock());
        match fresh {
            Ok(l) => {
                *rejected = None;
                (self.notify)(Reload::Swapped {
                    revision: &l.revision,
                });
                let mut current = held(self.current.write());
                *current = Arc::new(l);
                self.reloads.fetch_add(1, Ordering::Relaxed);
            }
            Err(r) => {
                (self.notify)(Reload::Refused {
                    revision: &r.revision,
                    rendered: &r.rendered,
                });
                *rejected = Some(r);
            }
        }
    }

    /// `GET /v1/policy`: the revision served, its files, when it was
    /// loaded; the last refused version's diagnostics, if any since.
    pub fn describe(&self) -> Value {
        let c = self.current();
        let rejected = held(self.rejected.lock())
            .as_ref()
            .map(|r| json!({ "at": r.at, "revision": r.revision, "diagnostics": r.diagnostics }));
        json!({
            "revision": c.revision,
            "files": c.files,
            "loaded_at": c.loaded_at,
            "reloads": self.reloads(),
            "rejected": rejected,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file that grew between its reading and its stamp is looked at
    /// again; one read whole is not.
    #[test]
    fn a_file_written_while_read_is_loaded_again() {
        let dir = std::env::temp_dir().join(format!("rights-stamps-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("policy.rights");
        std::fs::write(&file, "right r\nrole a { grant r }\n").unwrap();
        let whole = std::fs::metadata(&file).unwrap().len();
        let read_half = [(file.clone(), whole / 2)];
        let s = stamps(vec![file.clone()], &read_half);
        assert_eq!(s[0].1, None);
        assert!(changed(&s));
        let read_whole = [(file.clone(), whole)];
        let s = stamps(vec![file.clone()], &read_whole);
        assert!(s[0].1.is_some());
        assert!(!changed(&s));
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// At a new day a version with windows answers as of it, its files not
    /// read again; the revision stays.
    #[test]
    fn a_new_day_is_answered_without_reading_the_files_again() {
        let dir = std::env::temp_dir().join(format!("rights-new-day-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("policy.rights");
        std::fs::write(
            &file,
            "right r\nrole a { grant r }\nuser jane {\n  roles a until 2100-01-01\n}\n",
        )
        .unwrap();
        let first =
            load(std::slice::from_ref(&file), &[]).unwrap_or_else(|r| panic!("{}", r.rendered));
        let revision = first.revision.clone();
        let told = Arc::new(Mutex::new(Vec::<String>::new()));
        let heard = told.clone();
        let served = Served::new(
            first,
            vec![file.clone()],
            Vec::new(),
            Box::new(move |r| {
                if let (Reload::NewDay { day, .. }, Ok(mut t)) = (r, heard.lock()) {
                    t.push(day.to_string());
                }
            }),
        );
        let decision = |s: &Served| {
            let reply = crate::api::text_query(&s.current().ws, "can jane r");
            serde_json::from_str::<Value>(&reply.body).unwrap()["decision"].clone()
        };
        assert_eq!(decision(&served), "allow");
        // the same day: nothing done
        let today = served.current().ws.program().unwrap().day();
        served.reload_if_changed_on(today);
        assert!(told.lock().unwrap().is_empty());
        let later = Day::parse("2100-01-02").unwrap();
        served.reload_if_changed_on(later);
        assert_eq!(decision(&served), "deny");
        assert_eq!(served.current().ws.program().unwrap().day(), later);
        assert_eq!(served.current().revision, revision);
        assert_eq!(served.reloads(), 0, "no file read again");
        assert_eq!(*told.lock().unwrap(), ["2100-01-02"]);
        // a broken edit is refused; the good version still moves on a day
        std::fs::write(&file, "right r\nrole a { grant nope }\n").unwrap();
        served.reload_if_changed_on(later);
        assert!(served.describe()["rejected"].is_object());
        let next = Day::parse("2100-01-03").unwrap();
        served.reload_if_changed_on(next);
        assert_eq!(served.current().ws.program().unwrap().day(), next);
        assert_eq!(*told.lock().unwrap(), ["2100-01-02", "2100-01-03"]);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
