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
//! `"explain": true` asks for the reasons. Each is resolved exactly as the
//! query text it stands for (`can jane run status_detail on resource_z`).

use crate::sema::{NameRef, TargetNames};
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
#[derive(Debug)]
pub struct Request<'a> {
    pub user: Cow<'a, str>,
    pub ask: Ask,
    /// The report, action, right, access level or role asked about.
    pub name: Cow<'a, str>,
    pub to: Option<Cow<'a, str>>,
    pub on: Option<Cow<'a, str>>,
    pub explain: bool,
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
                let mut several = false;
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
                            let v = m.next_value::<Option<Text>>()?.map(|t| t.0);
                            match &asked {
                                Some((b, _)) if *b == a => {
                                    return Err(de::Error::duplicate_field(FIELDS[1 + a as usize]))
                                }
                                // `"run": null` asks nothing, as if absent
                                Some((_, Some(_))) if v.is_some() => several = true,
                                Some((_, Some(_))) => {}
                                _ => asked = Some((a, v)),
                            }
                        }
                        Field::To => once(&mut to, m.next_value::<Option<Text>>()?, "to")?,
                        Field::On => once(&mut on, m.next_value::<Option<Text>>()?, "on")?,
                        Field::Explain => once(&mut explain, m.next_value::<bool>()?, "explain")?,
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
                })
            }
        }
        d.deserialize_struct("Request", FIELDS, V)
    }
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
        format!("{explain}can {} {what}{on}", data_id_text(&self.user))
    }
}
