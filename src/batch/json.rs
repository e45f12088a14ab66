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
use serde::Deserialize;
use std::borrow::Cow;

/// One request line.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Request<'a> {
    #[serde(borrow)]
    pub user: Cow<'a, str>,
    #[serde(borrow, default)]
    pub run: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub action: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub right: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub access: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub assign: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub assign_access: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub to: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub on: Option<Cow<'a, str>>,
    #[serde(default)]
    pub explain: bool,
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
    let asked = [
        &r.run,
        &r.action,
        &r.right,
        &r.access,
        &r.assign,
        &r.assign_access,
    ]
    .iter()
    .filter(|x| x.is_some())
    .count();
    if asked != 1 {
        return Err(
            "a request asks exactly one of `run`, `action`, `right`, `access`, `assign`, `assign_access`"
                .into(),
        );
    }
    let needs_to = r.assign.is_some() || r.assign_access.is_some();
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
        let n = |x: &'a Option<Cow<'a, str>>| NameRef::bare(x.as_deref().unwrap_or(""));
        let target = if self.run.is_some() {
            TargetNames::Run {
                report: n(&self.run),
            }
        } else if self.action.is_some() {
            TargetNames::Named {
                name: n(&self.action),
            }
        } else if self.right.is_some() {
            TargetNames::Named {
                name: n(&self.right),
            }
        } else if self.access.is_some() {
            TargetNames::Access {
                level: n(&self.access),
            }
        } else if self.assign.is_some() {
            TargetNames::Assign {
                role: n(&self.assign),
                to: n(&self.to),
            }
        } else {
            TargetNames::AssignAccess {
                level: n(&self.assign_access),
                to: n(&self.to),
            }
        };
        let on = self.on.as_deref().map(NameRef::bare);
        (NameRef::bare(&self.user), target, on)
    }

    /// The query text the request stands for.
    pub fn text(&self) -> String {
        let id = |x: &Option<Cow<str>>| data_id_text(x.as_deref().unwrap_or(""));
        let plain = |x: &Option<Cow<str>>| x.as_deref().unwrap_or("").to_string();
        let what = if self.run.is_some() {
            format!("run {}", plain(&self.run))
        } else if self.action.is_some() {
            plain(&self.action)
        } else if self.right.is_some() {
            plain(&self.right)
        } else if self.access.is_some() {
            format!("access {}", plain(&self.access))
        } else if self.assign.is_some() {
            format!("assign {} to {}", plain(&self.assign), id(&self.to))
        } else {
            format!(
                "assign access {} to {}",
                plain(&self.assign_access),
                id(&self.to)
            )
        };
        let on = match &self.on {
            Some(r) => format!(" on {}", data_id_text(r)),
            None => String::new(),
        };
        let explain = if self.explain { "explain " } else { "" };
        format!("{explain}can {} {what}{on}", data_id_text(&self.user))
    }
}
