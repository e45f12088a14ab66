//! JSON request lines: one object per line, for machines.
//!
//! ```json
//! {"user": "jane", "run": "status_detail", "on": "resource_z"}
//! {"user": "jane", "action": "edit_sub_resources", "on": "resource_m"}
//! {"user": "jane", "right": "report.status_detail"}
//! {"user": "jane", "access": "view_resource", "on": "resource_z"}
//! {"user": "bob", "assign": "status_updater", "to": "carol", "on": "resource_m"}
//! {"user": "frank", "assign_access": "update_status", "to": "carol", "on": "resource_z"}
//! ```
//!
//! `"explain": true` asks for the reasons; `"with": ["emergency"]`,
//! `"at": "2026-12-20"` and (for `run`) `"event": "flood"` are the query's
//! `with`, `at` and `for event` (§9). Each is resolved exactly as the query
//! text it stands for (`can jane run status_detail on resource_z`).

use crate::diag::Diagnostic;
use crate::ir::Program;
use crate::sema::model::{CanQ, When};
use crate::sema::{
    resolve_can_names, resolve_contexts, resolve_day, resolve_event, NameRef, TargetNames,
};
use crate::syntax::keywords::data_id_text;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use std::borrow::Cow;
use std::fmt;

/// What a request asks about: the key that names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ask {
    Run,
    Action,
    Right,
    Access,
    Assign,
    AssignAccess,
}

/// One request line.
#[derive(Debug, PartialEq, Eq)]
pub struct Request<'a> {
    pub user: Cow<'a, str>,
    pub ask: Ask,
    /// The report, action, right, access level or role asked about.
    pub name: Cow<'a, str>,
    pub to: Option<Cow<'a, str>>,
    pub on: Option<Cow<'a, str>>,
    pub explain: bool,
    /// `"with": [...]`: context facts (§9.4).
    pub with: Vec<Cow<'a, str>>,
    /// `"at": "YYYY-MM-DD"` (§9.3).
    pub at: Option<Cow<'a, str>>,
    /// `"event": "E"`: `run REPORT on R for event E` (§9.6).
    pub event: Option<Cow<'a, str>>,
}

const FIELDS: &[&str] = &[
    "user",
    "run",
    "action",
    "right",
    "access",
    "assign",
    "assign_access",
    "to",
    "on",
    "explain",
    "with",
    "at",
    "event",
];

const ONE_OF: &str =
    "a request asks exactly one of `run`, `action`, `right`, `access`, `assign`, `assign_access`";

/// A key of a request object.
enum Field {
    User,
    Ask(Ask),
    To,
    On,
    Explain,
    With,
    At,
    Event,
}

impl<'de> Deserialize<'de> for Field {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Field, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Field;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a request key")
            }
            fn visit_str<E: de::Error>(self, k: &str) -> Result<Field, E> {
                Ok(match k {
                    "user" => Field::User,
                    "run" => Field::Ask(Ask::Run),
                    "action" => Field::Ask(Ask::Action),
                    "right" => Field::Ask(Ask::Right),
                    "access" => Field::Ask(Ask::Access),
                    "assign" => Field::Ask(Ask::Assign),
                    "assign_access" => Field::Ask(Ask::AssignAccess),
                    "to" => Field::To,
                    "on" => Field::On,
                    "explain" => Field::Explain,
                    "with" => Field::With,
                    "at" => Field::At,
                    "event" => Field::Event,
                    _ => return Err(E::unknown_field(k, FIELDS)),
                })
            }
        }
        d.deserialize_identifier(V)
    }
}

/// A string value, borrowed from the line unless it has escapes.
struct Text<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Text<'a>, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v.to_string())))
            }
        }
        d.deserialize_str(V)
    }
}

/// Reads the object's keys one by one into a small request: no field is
/// moved more than once (the derived form of ten optional fields was
/// copied whole several times per line).
impl<'de: 'a, 'a> Deserialize<'de> for Request<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Request<'a>, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Request<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a request object")
            }
            fn visit_map<M: MapAccess<'de>>(self, mut m: M) -> Result<Request<'de>, M::Error> {
                let mut user = None;
                let mut asked: Option<(Ask, Option<Cow<'de, str>>)> = None;
                let mut to = None;
                let mut on = None;
                let mut explain = None;
                let mut with: Option<Vec<Text>> = None;
                let mut at = None;
                let mut event = None;
                let mut several = false;
                // the ask keys seen, `null` ones too (each at most once)
                let mut seen = 0u8;
                fn once<T, E: de::Error>(
                    slot: &mut Option<T>,
                    v: T,
                    name: &'static str,
                ) -> Result<(), E> {
                    if slot.is_some() {
                        return Err(E::duplicate_field(name));
                    }
                    *slot = Some(v);
                    Ok(())
                }
                while let Some(k) = m.next_key::<Field>()? {
                    match k {
                        Field::User => once(&mut user, m.next_value::<Text>()?.0, "user")?,
                        Field::Ask(a) => {
                            if seen & 1 << a as u8 != 0 {
                                return Err(de::Error::duplicate_field(FIELDS[1 + a as usize]));
                            }
                            seen |= 1 << a as u8;
                            let v = m.next_value::<Option<Text>>()?.map(|t| t.0);
                            match &asked {
                                // `"run": null` asks nothing, as if absent
                                Some((_, Some(_))) if v.is_some() => several = true,
                                Some((_, Some(_))) => {}
                                _ => asked = Some((a, v)),
                            }
                        }
                        Field::To => once(&mut to, m.next_value::<Option<Text>>()?, "to")?,
                        Field::On => once(&mut on, m.next_value::<Option<Text>>()?, "on")?,
                        Field::Explain => once(&mut explain, m.next_value::<bool>()?, "explain")?,
                        Field::With => once(
                            &mut with,
                            m.next_value::<Option<Vec<Text>>>()?.unwrap_or_default(),
                            "with",
                        )?,
                        Field::At => once(&mut at, m.next_value::<Option<Text>>()?, "at")?,
                        Field::Event => once(&mut event, m.next_value::<Option<Text>>()?, "event")?,
                    }
                }
                let user = user.ok_or_else(|| de::Error::missing_field("user"))?;
                let (ask, name) = match asked {
                    Some((a, Some(n))) if !several => (a, n),
                    _ => return Err(de::Error::custom(ONE_OF)),
                };
                Ok(Request {
                    user,
                    ask,
                    name,
                    to: to.flatten().map(|t| t.0),
                    on: on.flatten().map(|t| t.0),
                    explain: explain.unwrap_or(false),
                    with: with.unwrap_or_default().into_iter().map(|t| t.0).collect(),
                    at: at.flatten().map(|t| t.0),
                    event: event.flatten().map(|t| t.0),
                })
            }
        }
        d.deserialize_struct("Request", FIELDS, V)
    }
}

/// Which value of a shape is which part of a request.
#[derive(Clone, Copy, Debug)]
struct Template {
    ask: Ask,
    user: u8,
    name: u8,
    to: Option<u8>,
    on: Option<u8>,
    explain: bool,
}

/// The most string values a line may have for the fast path.
const MAX_VALUES: usize = 16;

/// Request lines read by their **shape**, as `Batch` reads query text: a
/// line's keys, punctuation and literals, with each string value left out.
/// The first line of a shape is read by [`parse_request`] (serde) with
/// every value replaced by a placeholder, which says which value is the
/// user, the name asked about and the resource; every later line of that
/// shape is read by slicing its values out. A line the scan does not
/// classify (escapes in a string, numbers, a shape that does not read)
/// takes [`parse_request`], which words the error.
#[derive(Default)]
pub struct RequestShapes {
    shapes: super::Shapes<Template>,
    /// Each string value's text (between its quotes).
    values: Vec<(u32, u32)>,
}

impl RequestShapes {
    /// The request a line makes, when its shape is known to read well.
    pub fn request<'l>(&mut self, line: &'l str) -> Option<Request<'l>> {
        if !self.scan(line) {
            return None;
        }
        let values = &self.values;
        let t = self.shapes.read(|| learn(line, values))?;
        let value = |i: u8| -> Option<Cow<'l, str>> {
            let &(s, e) = self.values.get(usize::from(i))?;
            line.get(s as usize..e as usize).map(Cow::Borrowed)
        };
        Some(Request {
            user: value(t.user)?,
            ask: t.ask,
            name: value(t.name)?,
            to: match t.to {
                Some(i) => Some(value(i)?),
                None => None,
            },
            on: match t.on {
                Some(i) => Some(value(i)?),
                None => None,
            },
            explain: t.explain,
            with: Vec::new(),
            at: None,
            event: None,
        })
    }

    /// Reads a line's shape into `key` and its string values into
    /// `values`; false when the line is not of a form this reads.
    fn scan(&mut self, line: &str) -> bool {
        let key = &mut self.shapes.key;
        key.clear();
        self.values.clear();
        let b = line.as_bytes();
        if b.len() > u32::MAX as usize {
            return false;
        }
        let mut i = 0;
        while let Some(&c) = b.get(i) {
            match c {
                b' ' | b'\t' | b'\r' | b'\n' => i += 1,
                b'{' | b'}' | b'[' | b']' | b':' | b',' => {
                    key.push(char::from(c));
                    i += 1;
                }
                b'"' => {
                    let start = i + 1;
                    let mut j = start;
                    loop {
                        match b.get(j) {
                            None => return false,
                            Some(b'"') => break,
                            // escapes and control characters: serde reads them
                            Some(&x) if x == b'\\' || x < 0x20 => return false,
                            Some(_) => j += 1,
                        }
                    }
                    let mut k = j + 1;
                    while matches!(b.get(k), Some(b' ' | b'\t' | b'\r' | b'\n')) {
                        k += 1;
                    }
                    if b.get(k) == Some(&b':') {
                        // a key: part of the shape
                        key.push('"');
                        key.push_str(line.get(start..j).unwrap_or(""));
                        key.push('"');
                    } else {
                        if self.values.len() == MAX_VALUES {
                            return false;
                        }
                        key.push('\u{1}');
                        self.values.push((start as u32, j as u32));
                    }
                    i = j + 1;
                }
                _ => {
                    let word = b.get(i..).unwrap_or(&[]);
                    let lit = [&b"true"[..], b"false", b"null"]
                        .into_iter()
                        .find(|w| word.starts_with(w));
                    match lit {
                        Some(w) => {
                            key.push_str(std::str::from_utf8(w).unwrap_or(""));
                            i += w.len();
                        }
                        None => return false,
                    }
                }
            }
        }
        true
    }
}

/// Reads a shape once: the line with each value `zq<i>`, by serde.
fn learn(line: &str, values: &[(u32, u32)]) -> Option<Template> {
    let mut text = String::with_capacity(line.len() + 8 * values.len());
    let mut at = 0;
    for (i, &(s, e)) in values.iter().enumerate() {
        text.push_str(line.get(at..s as usize)?);
        text.push_str(&format!("zq{i}"));
        at = e as usize;
    }
    text.push_str(line.get(at..)?);
    let r = parse_request(&text).ok()?;
    // a date, context facts or an event: read by serde each time
    if !r.with.is_empty() || r.at.is_some() || r.event.is_some() {
        return None;
    }
    let slot = |v: &str| -> Option<u8> { v.strip_prefix("zq")?.parse().ok() };
    Some(Template {
        ask: r.ask,
        user: slot(&r.user)?,
        name: slot(&r.name)?,
        to: match &r.to {
            Some(v) => Some(slot(v)?),
            None => None,
        },
        on: match &r.on {
            Some(v) => Some(slot(v)?),
            None => None,
        },
        explain: r.explain,
    })
}

/// Reads one request line; the error says what is wrong with it.
pub fn parse_request(line: &str) -> Result<Request<'_>, String> {
    let r: Request = serde_json::from_str(line).map_err(|e| {
        let msg = e.to_string();
        // serde's own words, without its "at line 1 column N" (one line)
        let m = match msg.rsplit_once(" at line ") {
            Some((m, _)) => m.to_string(),
            None => msg,
        };
        match e.classify() {
            serde_json::error::Category::Data => m,
            _ => format!(
                "not a JSON request ({m} at column {}): write one object per line, e.g. {{\"user\": \"jane\", \"right\": \"report.status_detail\"}}",
                e.column()
            ),
        }
    })?;
    if r.event.is_some() && r.ask != Ask::Run {
        return Err("`event` goes with `run` only".into());
    }
    let needs_to = matches!(r.ask, Ask::Assign | Ask::AssignAccess);
    if needs_to != r.to.is_some() {
        return Err(if needs_to {
            "`assign` and `assign_access` need `to` (the user who would receive it)".into()
        } else {
            "`to` goes with `assign` or `assign_access` only".into()
        });
    }
    Ok(r)
}

impl<'a> Request<'a> {
    /// The question and when it is asked, resolved as the query text it
    /// stands for: names, `with`, `at` and `event` (each mistake a
    /// diagnostic with its code and help; [`one_line`] says them in a line).
    pub fn resolve(&'a self, program: &Program) -> Result<(CanQ, When), Vec<Diagnostic>> {
        let (u, t, on) = self.names();
        let mut q = resolve_can_names(&program.policy, &program.data, u, t, on)?;
        let mut when = When::default();
        let with: Vec<&str> = self.with.iter().map(|w| w.as_ref()).collect();
        when.with = resolve_contexts(&program.policy, &with)?;
        if let Some(at) = &self.at {
            let day = resolve_day(at).map_err(|mut d| {
                d.message = format!("`at`: {}", d.message);
                vec![d]
            })?;
            when.at = Some(day);
        }
        if let Some(e) = &self.event {
            // as `for event E` in a query's text: a `rows event` report's
            let name = NameRef::bare(e.as_ref());
            q.event = Some(resolve_event(
                &program.policy,
                &program.data,
                q.target,
                name,
            )?);
        }
        Ok((q, when))
    }

    /// The names asked about, as the resolution takes them.
    pub fn names(&'a self) -> (NameRef<'a>, TargetNames<'a>, Option<NameRef<'a>>) {
        let name = NameRef::bare(&self.name);
        let to = NameRef::bare(self.to.as_deref().unwrap_or(""));
        let target = match self.ask {
            Ask::Run => TargetNames::Run { report: name },
            Ask::Action | Ask::Right => TargetNames::Named { name },
            Ask::Access => TargetNames::Access { level: name },
            Ask::Assign => TargetNames::Assign { role: name, to },
            Ask::AssignAccess => TargetNames::AssignAccess { level: name, to },
        };
        let on = self.on.as_deref().map(NameRef::bare);
        (NameRef::bare(&self.user), target, on)
    }

    /// The query text the request stands for.
    pub fn text(&self) -> String {
        let to = data_id_text(self.to.as_deref().unwrap_or(""));
        let name = &self.name;
        let what = match self.ask {
            Ask::Run => format!("run {name}"),
            Ask::Action | Ask::Right => name.to_string(),
            Ask::Access => format!("access {name}"),
            Ask::Assign => format!("assign {name} to {to}"),
            Ask::AssignAccess => format!("assign access {name} to {to}"),
        };
        let on = match &self.on {
            Some(r) => format!(" on {}", data_id_text(r)),
            None => String::new(),
        };
        let explain = if self.explain { "explain " } else { "" };
        let mut text = format!("{explain}can {} {what}{on}", data_id_text(&self.user));
        if let Some(e) = &self.event {
            text.push_str(&format!(" for event {}", data_id_text(e)));
        }
        if !self.with.is_empty() {
            let with: Vec<&str> = self.with.iter().map(|w| w.as_ref()).collect();
            text.push_str(&format!(" with {}", with.join(", ")));
        }
        if let Some(at) = &self.at {
            text.push_str(&format!(" at {at}"));
        }
        text
    }
}

/// Diagnostics as one line: each message with its help (a request's error,
/// as a stream's stderr or an API's error message says it).
pub fn one_line(ds: &[Diagnostic]) -> String {
    let why: Vec<String> = ds
        .iter()
        .map(|d| match &d.help {
            Some(h) => format!("{} ({h})", d.message),
            None => d.message.clone(),
        })
        .collect();
    why.join("; ")
}
