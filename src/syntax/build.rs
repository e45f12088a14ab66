//! pest pairs → AST: the typed syntax tree of [`super::ast`], with spans.

use super::ast::*;
use super::parse::{Rule, PRATT};
use super::scan::end_of_last_token;
use crate::diag::{Code, Diagnostic};
use crate::source::{FileId, Span};
use pest::iterators::{Pair, Pairs};

type PResult<T> = Result<T, Box<Diagnostic>>;

pub(super) struct Builder<'t> {
    pub(super) file: FileId,
    pub(super) text: &'t str,
}

fn is_keyword_rule(r: Rule) -> bool {
    matches!(
        r,
        Rule::kw_right
            | Rule::kw_rights
            | Rule::kw_access
            | Rule::kw_flag
            | Rule::kw_flags
            | Rule::kw_role
            | Rule::kw_roles
            | Rule::kw_extends
            | Rule::kw_grant
            | Rule::kw_assigns
            | Rule::kw_assign
            | Rule::kw_default
            | Rule::kw_action
            | Rule::kw_also
            | Rule::kw_when
            | Rule::kw_deny
            | Rule::kw_report
            | Rule::kw_requires
            | Rule::kw_rows
            | Rule::kw_resources
            | Rule::kw_resource
            | Rule::kw_event
            | Rule::kw_where
            | Rule::kw_details
            | Rule::kw_detail
            | Rule::kw_user
            | Rule::kw_revoke
            | Rule::kw_in
            | Rule::kw_test
            | Rule::kw_expect
            | Rule::kw_not
            | Rule::kw_and
            | Rule::kw_or
            | Rule::kw_can
            | Rule::kw_true
            | Rule::kw_false
            | Rule::kw_run
            | Rule::kw_to
            | Rule::kw_who
            | Rule::kw_what
            | Rule::kw_do
            | Rule::kw_explain
            | Rule::kw_as
            | Rule::kw_for
            | Rule::kw_shows
            | Rule::kw_full
            | Rule::kw_name_only
            | Rule::kw_on
            | Rule::kw_denied
            | Rule::kw_empty
    )
}

impl<'t> Builder<'t> {
    /// The pair's span without trailing whitespace or comments (pest may
    /// include the trivia it skipped before an optional part that was absent).
    fn span(&self, p: &Pair<'_, Rule>) -> Span {
        let s = p.as_span();
        let end = end_of_last_token(s.as_str());
        let end = if end == 0 { s.as_str().len() } else { end };
        Span::new(self.file, s.start(), s.start() + end)
    }

    fn shape_error(&self, span: Span, what: &str) -> Box<Diagnostic> {
        Box::new(
            Diagnostic::error(
                Code::Syntax,
                format!("internal error: unexpected syntax tree shape ({what})"),
            )
            .at(span, "while reading this")
            .help("this is a bug in `rights`; please report it with this input"),
        )
    }

    pub(super) fn next<'i>(&self, pairs: &mut Pairs<'i, Rule>) -> PResult<Pair<'i, Rule>> {
        pairs
            .next()
            .ok_or_else(|| self.shape_error(Span::new(self.file, 0, 0), "missing node"))
    }

    /// The pairs inside `p`, keywords left out.
    fn children<'i>(&self, p: Pair<'i, Rule>) -> Vec<Pair<'i, Rule>> {
        p.into_inner()
            .filter(|c| !is_keyword_rule(c.as_rule()))
            .collect()
    }

    fn name(&self, p: &Pair<'_, Rule>) -> Name {
        Name {
            text: p.as_str().to_string(),
            span: self.span(p),
        }
    }

    /// A data id: an identifier, or a string (unescaped).
    fn data_id(&self, p: Pair<'_, Rule>) -> PResult<Name> {
        let span = self.span(&p);
        let inner = self.next(&mut p.into_inner())?;
        let text = match inner.as_rule() {
            Rule::string => self.string(inner)?,
            _ => inner.as_str().to_string(),
        };
        Ok(Name { text, span })
    }

    fn string(&self, p: Pair<'_, Rule>) -> PResult<String> {
        let inner = self.next(&mut p.into_inner())?;
        Ok(unescape(inner.as_str()))
    }

    fn label(&self, p: Pair<'_, Rule>) -> PResult<String> {
        self.string(self.next(&mut p.into_inner())?)
    }

    /// The `##` lines right before `offset`, without the `##` and one space.
    fn doc_before(&self, offset: usize) -> Doc {
        let before = self.text.get(..offset)?;
        let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
        if !before[line_start..].trim().is_empty() {
            return None;
        }
        let mut docs: Vec<&str> = Vec::new();
        let mut rest = &before[..line_start];
        while let Some(stripped) = rest.strip_suffix('\n') {
            let start = stripped.rfind('\n').map(|i| i + 1).unwrap_or(0);
            let line = stripped[start..].trim();
            match line.strip_prefix("##") {
                Some(doc) => docs.push(doc.strip_prefix(' ').unwrap_or(doc).trim_end()),
                None => break,
            }
            rest = &stripped[..start];
        }
        if docs.is_empty() {
            return None;
        }
        docs.reverse();
        Some(docs.join("\n"))
    }

    pub(super) fn item(&self, p: Pair<'_, Rule>) -> PResult<Item> {
        let span = self.span(&p);
        let doc = self.doc_before(span.start as usize);
        Ok(match p.as_rule() {
            Rule::right_decl => {
                let (name, label) = self.name_label(p)?;
                Item::Right(RightDecl {
                    doc,
                    name,
                    label,
                    span,
                })
            }
            Rule::rights_group => {
                let mut it = self.children(p).into_iter();
                let prefix = self.name(&self.next_of(&mut it, span)?);
                let mut entries = Vec::new();
                for e in it {
                    let espan = self.span(&e);
                    let edoc = self.doc_before(espan.start as usize);
                    let (n, label) = self.name_label(e)?;
                    entries.push(RightDecl {
                        doc: edoc,
                        name: Name {
                            text: format!("{}.{}", prefix.text, n.text),
                            span: n.span,
                        },
                        label,
                        span: espan,
                    });
                }
                Item::Rights(RightsGroup {
                    doc,
                    prefix,
                    entries,
                    span,
                })
            }
            Rule::access_decl => {
                let mut name = None;
                let mut label = None;
                let mut also_when = None;
                for c in self.children(p) {
                    match c.as_rule() {
                        Rule::name => name = Some(self.name(&c)),
                        Rule::label => label = Some(self.label(c)?),
                        Rule::also_when => also_when = Some(self.first_cond(c)?),
                        _ => return Err(self.shape_error(self.span(&c), "access")),
                    }
                }
                Item::Access(AccessDecl {
                    doc,
                    name: name.ok_or_else(|| self.shape_error(span, "access name"))?,
                    label,
                    also_when,
                    span,
                })
            }
            Rule::flag_decl => {
                let (name, label) = self.name_label(p)?;
                Item::Flag(FlagDecl {
                    doc,
                    name,
                    label,
                    span,
                })
            }
            Rule::role_decl => Item::Role(self.role(p, doc)?),
            Rule::default_roles => {
                let mut lines = Vec::new();
                for line in self.children(p) {
                    let lspan = self.span(&line);
                    let mut it = self.children(line).into_iter();
                    let role = self.name(&self.next_of(&mut it, lspan)?);
                    let when = match it.next() {
                        Some(c) => Some(self.cond(c)?),
                        None => None,
                    };
                    lines.push(DefaultLine {
                        role,
                        when,
                        span: lspan,
                    });
                }
                Item::DefaultRoles(DefaultRoles { doc, lines, span })
            }
            Rule::action_decl => {
                let mut name = None;
                let mut label = None;
                let mut on_resource = false;
                let mut when = None;
                for c in self.children(p) {
                    match c.as_rule() {
                        Rule::name => name = Some(self.name(&c)),
                        Rule::label => label = Some(self.label(c)?),
                        Rule::on_resource => on_resource = true,
                        Rule::cond => when = Some(self.cond(c)?),
                        _ => return Err(self.shape_error(self.span(&c), "action")),
                    }
                }
                Item::Action(ActionDecl {
                    doc,
                    name: name.ok_or_else(|| self.shape_error(span, "action name"))?,
                    label,
                    on_resource,
                    when: when.ok_or_else(|| self.shape_error(span, "action condition"))?,
                    span,
                })
            }
            Rule::deny_decl => {
                let mut patterns = Vec::new();
                let mut when = None;
                for c in self.children(p) {
                    match c.as_rule() {
                        Rule::cond => when = Some(self.cond(c)?),
                        _ => patterns.push(self.pattern(c)?),
                    }
                }
                Item::Deny(DenyDecl {
                    doc,
                    patterns,
                    when,
                    span,
                })
            }
            Rule::report_decl => Item::Report(self.report(p, doc)?),
            Rule::user_decl => Item::User(self.user(p, doc)?),
            Rule::resource_decl => Item::Resource(self.resource(p, doc)?),
            Rule::event_decl => Item::Event(self.event(p, doc)?),
            Rule::test_decl => Item::Test(self.test(p, doc)?),
            _ => return Err(self.shape_error(span, "item")),
        })
    }

    fn next_of<'i>(
        &self,
        it: &mut impl Iterator<Item = Pair<'i, Rule>>,
        span: Span,
    ) -> PResult<Pair<'i, Rule>> {
        it.next()
            .ok_or_else(|| self.shape_error(span, "missing part"))
    }

    /// `NAME "label"?` as in `right`, `flag`, rights entries.
    fn name_label(&self, p: Pair<'_, Rule>) -> PResult<(Name, Label)> {
        let span = self.span(&p);
        let mut it = self.children(p).into_iter();
        let name = self.name(&self.next_of(&mut it, span)?);
        let label = match it.next() {
            Some(l) => Some(self.label(l)?),
            None => None,
        };
        Ok((name, label))
    }

    fn first_cond(&self, p: Pair<'_, Rule>) -> PResult<Cond> {
        let span = self.span(&p);
        let mut it = self.children(p).into_iter();
        self.cond(self.next_of(&mut it, span)?)
    }

    fn pattern(&self, p: Pair<'_, Rule>) -> PResult<Pattern> {
        let span = self.span(&p);
        Ok(match p.as_rule() {
            Rule::all_pattern => Pattern::All(span),
            Rule::prefix_pattern => {
                let mut it = p.into_inner();
                let n = self.next(&mut it)?;
                Pattern::Prefix(self.name(&n))
            }
            Rule::name => Pattern::Exact(self.name(&p)),
            _ => return Err(self.shape_error(span, "pattern")),
        })
    }

    fn role(&self, p: Pair<'_, Rule>, doc: Doc) -> PResult<RoleDecl> {
        let span = self.span(&p);
        let mut role = RoleDecl {
            doc,
            name: Name {
                text: String::new(),
                span,
            },
            label: None,
            extends: Vec::new(),
            grants: Vec::new(),
            assigns: Vec::new(),
            span,
        };
        for c in self.children(p) {
            match c.as_rule() {
                Rule::name => role.name = self.name(&c),
                Rule::label => role.label = Some(self.label(c)?),
                Rule::extends_clause => {
                    role.extends = self.children(c).iter().map(|n| self.name(n)).collect()
                }
                Rule::role_body => {
                    for stmt in self.children(c) {
                        match stmt.as_rule() {
                            Rule::grant_stmt => {
                                for pat in self.children(stmt) {
                                    role.grants.push(self.pattern(pat)?);
                                }
                            }
                            Rule::assigns_stmt => role.assigns.push(self.assigns(stmt)?),
                            _ => return Err(self.shape_error(self.span(&stmt), "role body")),
                        }
                    }
                }
                _ => return Err(self.shape_error(self.span(&c), "role")),
            }
        }
        Ok(role)
    }

    fn assigns(&self, p: Pair<'_, Rule>) -> PResult<Assigns> {
        let span = self.span(&p);
        let mut roles = Some(Vec::new());
        let mut on_resource_when = None;
        for c in self.children(p) {
            match c.as_rule() {
                Rule::all_pattern => roles = None,
                Rule::name => {
                    if let Some(r) = roles.as_mut() {
                        r.push(self.name(&c))
                    }
                }
                Rule::assigns_scope => on_resource_when = Some(self.first_cond(c)?),
                _ => return Err(self.shape_error(self.span(&c), "assigns")),
            }
        }
        Ok(Assigns {
            roles,
            on_resource_when,
            span,
        })
    }

    fn report(&self, p: Pair<'_, Rule>, doc: Doc) -> PResult<ReportDecl> {
        let span = self.span(&p);
        let mut r = ReportDecl {
            doc,
            name: Name {
                text: String::new(),
                span,
            },
            label: None,
            requires: Vec::new(),
            rows: Vec::new(),
            details: Vec::new(),
            span,
        };
        for c in self.children(p) {
            match c.as_rule() {
                Rule::name => r.name = self.name(&c),
                Rule::label => r.label = Some(self.label(c)?),
                Rule::requires_clause => r.requires.push(self.first_cond(c)?),
                Rule::details_clause => r.details.push(self.first_cond(c)?),
                Rule::rows_clause => {
                    let cspan = self.span(&c);
                    let mut source = RowsSource::Resources;
                    let mut filter = None;
                    for part in self.children(c) {
                        match part.as_rule() {
                            Rule::rows_resources => source = RowsSource::Resources,
                            Rule::rows_event => source = RowsSource::Event,
                            Rule::rows_where => filter = Some(self.first_cond(part)?),
                            _ => return Err(self.shape_error(self.span(&part), "rows")),
                        }
                    }
                    r.rows.push(RowsClause {
                        source,
                        filter,
                        span: cspan,
                    });
                }
                _ => return Err(self.shape_error(self.span(&c), "report")),
            }
        }
        Ok(r)
    }

    fn user(&self, p: Pair<'_, Rule>, doc: Doc) -> PResult<UserDecl> {
        let span = self.span(&p);
        let mut u = UserDecl {
            doc,
            id: Name {
                text: String::new(),
                span,
            },
            label: None,
            roles: None,
            grants: Vec::new(),
            revokes: Vec::new(),
            flags: Vec::new(),
            access: Vec::new(),
            span,
            from_json: false,
        };
        for c in self.children(p) {
            match c.as_rule() {
                Rule::data_id => u.id = self.data_id(c)?,
                Rule::label => u.label = Some(self.label(c)?),
                Rule::user_body => {
                    for stmt in self.children(c) {
                        match stmt.as_rule() {
                            Rule::user_roles => {
                                let names: Vec<Name> =
                                    self.children(stmt).iter().map(|n| self.name(n)).collect();
                                u.roles.get_or_insert_with(Vec::new).extend(names);
                            }
                            Rule::grant_stmt => {
                                for pat in self.children(stmt) {
                                    u.grants.push(self.pattern(pat)?);
                                }
                            }
                            Rule::revoke_stmt => {
                                for pat in self.children(stmt) {
                                    u.revokes.push(self.pattern(pat)?);
                                }
                            }
                            Rule::user_flags => u
                                .flags
                                .extend(self.children(stmt).iter().map(|n| self.name(n))),
                            Rule::user_access => {
                                let aspan = self.span(&stmt);
                                let mut it = self.children(stmt).into_iter();
                                let resource = self.data_id(self.next_of(&mut it, aspan)?)?;
                                let levels = it.map(|n| self.name(&n)).collect();
                                u.access.push(AccessEntry {
                                    resource,
                                    levels,
                                    span: aspan,
                                });
                            }
                            _ => return Err(self.shape_error(self.span(&stmt), "user body")),
                        }
                    }
                }
                _ => return Err(self.shape_error(self.span(&c), "user")),
            }
        }
        Ok(u)
    }

    fn resource(&self, p: Pair<'_, Rule>, doc: Doc) -> PResult<ResourceDecl> {
        let span = self.span(&p);
        let mut r = ResourceDecl {
            doc,
            id: Name {
                text: String::new(),
                span,
            },
            label: None,
            parent: None,
            details: Vec::new(),
            span,
            from_json: false,
        };
        for c in self.children(p) {
            match c.as_rule() {
                Rule::data_id => r.id = self.data_id(c)?,
                Rule::label => r.label = Some(self.label(c)?),
                Rule::resource_parent => {
                    let cspan = self.span(&c);
                    let mut it = self.children(c).into_iter();
                    r.parent = Some(self.data_id(self.next_of(&mut it, cspan)?)?);
                }
                Rule::resource_body => {
                    for d in self.children(c) {
                        let dspan = self.span(&d);
                        let mut it = self.children(d).into_iter();
                        let key = self.name(&self.next_of(&mut it, dspan)?);
                        let value = self.string(self.next_of(&mut it, dspan)?)?;
                        r.details.push((key, value));
                    }
                }
                _ => return Err(self.shape_error(self.span(&c), "resource")),
            }
        }
        Ok(r)
    }

    fn event(&self, p: Pair<'_, Rule>, doc: Doc) -> PResult<EventDecl> {
        let span = self.span(&p);
        let mut e = EventDecl {
            doc,
            id: Name {
                text: String::new(),
                span,
            },
            label: None,
            resources: Vec::new(),
            span,
            from_json: false,
        };
        for c in self.children(p) {
            match c.as_rule() {
                Rule::data_id => e.id = self.data_id(c)?,
                Rule::label => e.label = Some(self.label(c)?),
                Rule::event_body => {
                    for list in self.children(c) {
                        for id in self.children(list) {
                            e.resources.push(self.data_id(id)?);
                        }
                    }
                }
                _ => return Err(self.shape_error(self.span(&c), "event")),
            }
        }
        Ok(e)
    }

    fn test(&self, p: Pair<'_, Rule>, doc: Doc) -> PResult<TestDecl> {
        let span = self.span(&p);
        let mut t = TestDecl {
            doc,
            name: String::new(),
            name_span: span,
            users: Vec::new(),
            resources: Vec::new(),
            events: Vec::new(),
            expects: Vec::new(),
            span,
        };
        for c in self.children(p) {
            let cspan = self.span(&c);
            let cdoc = self.doc_before(cspan.start as usize);
            match c.as_rule() {
                Rule::string => {
                    t.name_span = cspan;
                    t.name = self.string(c)?;
                }
                Rule::user_decl => t.users.push(self.user(c, cdoc)?),
                Rule::resource_decl => t.resources.push(self.resource(c, cdoc)?),
                Rule::event_decl => t.events.push(self.event(c, cdoc)?),
                Rule::expect_stmt => t.expects.push(self.expect(c)?),
                _ => return Err(self.shape_error(cspan, "test")),
            }
        }
        Ok(t)
    }

    fn expect(&self, p: Pair<'_, Rule>) -> PResult<Expect> {
        let span = self.span(&p);
        let mut it = self.children(p).into_iter();
        let body = self.next_of(&mut it, span)?;
        match body.as_rule() {
            Rule::expect_can => {
                let negated = body
                    .clone()
                    .into_inner()
                    .any(|c| c.as_rule() == Rule::kw_not);
                let mut inner = self.children(body).into_iter();
                let query = self.can_query(self.next_of(&mut inner, span)?)?;
                Ok(Expect::Can {
                    negated,
                    query,
                    span,
                })
            }
            Rule::expect_report => {
                let mut outcome = ReportOutcome::Empty;
                let mut query = None;
                for c in body.into_inner() {
                    match c.as_rule() {
                        Rule::report_query => query = Some(self.report_query(c)?),
                        Rule::kw_denied => outcome = ReportOutcome::Denied,
                        Rule::kw_empty => outcome = ReportOutcome::Empty,
                        Rule::expect_shows => {
                            let mut rows = Vec::new();
                            for row in self.children(c) {
                                let rspan = self.span(&row);
                                let mut parts = row.into_inner();
                                let id = self.data_id(self.next(&mut parts)?)?;
                                let vis = match self.next(&mut parts)?.as_rule() {
                                    Rule::kw_full => Visibility::Full,
                                    Rule::kw_name_only => Visibility::NameOnly,
                                    _ => return Err(self.shape_error(rspan, "row visibility")),
                                };
                                rows.push((id, vis));
                            }
                            outcome = ReportOutcome::Shows(rows);
                        }
                        _ => return Err(self.shape_error(self.span(&c), "expect report")),
                    }
                }
                Ok(Expect::Report {
                    query: query.ok_or_else(|| self.shape_error(span, "expect report"))?,
                    outcome,
                    span,
                })
            }
            _ => Err(self.shape_error(span, "expect")),
        }
    }

    // ── queries ──

    pub(super) fn query(&self, p: Pair<'_, Rule>) -> PResult<Query> {
        let span = self.span(&p);
        Ok(match p.as_rule() {
            Rule::can_query => Query::Can(self.can_query(p)?),
            Rule::explain_query => {
                let mut it = self.children(p).into_iter();
                Query::Explain(self.can_query(self.next_of(&mut it, span)?)?)
            }
            Rule::who_query => {
                let mut it = self.children(p).into_iter();
                Query::Who {
                    target: self.can_target(self.next_of(&mut it, span)?)?,
                    span,
                }
            }
            Rule::what_query => {
                let mut it = self.children(p).into_iter();
                let user = self.data_id(self.next_of(&mut it, span)?)?;
                let on = match it.next() {
                    Some(c) => Some(self.on_clause(c)?),
                    None => None,
                };
                Query::What { user, on, span }
            }
            Rule::rights_query | Rule::roles_query => {
                let rule = p.as_rule();
                let mut it = self.children(p).into_iter();
                let user = self.data_id(self.next_of(&mut it, span)?)?;
                if rule == Rule::rights_query {
                    Query::Rights { user, span }
                } else {
                    Query::Roles { user, span }
                }
            }
            Rule::report_query => Query::Report(self.report_query(p)?),
            _ => return Err(self.shape_error(span, "query")),
        })
    }

    fn can_query(&self, p: Pair<'_, Rule>) -> PResult<CanQuery> {
        let span = self.span(&p);
        let mut it = self.children(p).into_iter();
        let user = self.data_id(self.next_of(&mut it, span)?)?;
        let target = self.can_target(self.next_of(&mut it, span)?)?;
        Ok(CanQuery { user, target, span })
    }

    fn on_clause(&self, p: Pair<'_, Rule>) -> PResult<Name> {
        let span = self.span(&p);
        let mut it = self.children(p).into_iter();
        self.data_id(self.next_of(&mut it, span)?)
    }

    fn can_target(&self, p: Pair<'_, Rule>) -> PResult<CanTarget> {
        let span = self.span(&p);
        let rule = p.as_rule();
        let mut it = self.children(p).into_iter();
        Ok(match rule {
            Rule::run_target => {
                let report = self.name(&self.next_of(&mut it, span)?);
                let on = match it.next() {
                    Some(c) => Some(self.on_clause(c)?),
                    None => None,
                };
                CanTarget::Run { report, on }
            }
            Rule::assign_target => {
                let role = self.name(&self.next_of(&mut it, span)?);
                let to = self.data_id(self.next_of(&mut it, span)?)?;
                let on = match it.next() {
                    Some(c) => Some(self.on_clause(c)?),
                    None => None,
                };
                CanTarget::Assign { role, to, on }
            }
            Rule::named_target => {
                let name = self.name(&self.next_of(&mut it, span)?);
                let on = match it.next() {
                    Some(c) => Some(self.on_clause(c)?),
                    None => None,
                };
                CanTarget::Named { name, on }
            }
            _ => return Err(self.shape_error(span, "can target")),
        })
    }

    fn report_query(&self, p: Pair<'_, Rule>) -> PResult<ReportQuery> {
        let span = self.span(&p);
        let mut it = self.children(p).into_iter();
        let report = self.name(&self.next_of(&mut it, span)?);
        let user = self.data_id(self.next_of(&mut it, span)?)?;
        let event = match it.next() {
            Some(c) => {
                let mut inner = self.children(c).into_iter();
                Some(self.data_id(self.next_of(&mut inner, span)?)?)
            }
            None => None,
        };
        Ok(ReportQuery {
            report,
            user,
            event,
            span,
        })
    }

    // ── conditions ──

    fn cond(&self, p: Pair<'_, Rule>) -> PResult<Cond> {
        let operands = p.into_inner();
        PRATT
            .map_primary(|unary| self.unary(unary))
            .map_infix(|lhs, op, rhs| {
                let (lhs, rhs) = (lhs?, rhs?);
                let span = lhs.span().to(rhs.span());
                Ok(match op.as_rule() {
                    Rule::kw_and => match lhs {
                        Cond::And(mut xs, _) => {
                            xs.push(rhs);
                            Cond::And(xs, span)
                        }
                        other => Cond::And(vec![other, rhs], span),
                    },
                    _ => match lhs {
                        Cond::Or(mut xs, _) => {
                            xs.push(rhs);
                            Cond::Or(xs, span)
                        }
                        other => Cond::Or(vec![other, rhs], span),
                    },
                })
            })
            .parse(operands)
    }

    /// `not* atom`. An even number of `not`s cancels out; an odd number is one `not`.
    fn unary(&self, p: Pair<'_, Rule>) -> PResult<Cond> {
        let span = self.span(&p);
        let mut nots = 0usize;
        let mut atom = None;
        for c in p.into_inner() {
            if c.as_rule() == Rule::kw_not {
                nots += 1;
            } else {
                atom = Some(self.atom(c)?);
            }
        }
        let atom = atom.ok_or_else(|| self.shape_error(span, "condition operand"))?;
        Ok(if nots % 2 == 1 {
            Cond::Not(Box::new(atom), span)
        } else {
            atom
        })
    }

    fn atom(&self, p: Pair<'_, Rule>) -> PResult<Cond> {
        let span = self.span(&p);
        let rule = p.as_rule();
        if rule == Rule::paren {
            let mut it = p.into_inner();
            return self.cond(self.next(&mut it)?);
        }
        if rule == Rule::c_true || rule == Rule::c_false {
            return Ok(Cond::Const(rule == Rule::c_true, span));
        }
        let mut it = self.children(p).into_iter();
        let name = self.name(&self.next_of(&mut it, span)?);
        Ok(match rule {
            Rule::c_right => Cond::Right(name),
            Rule::c_role => Cond::Role(name),
            Rule::c_flag => Cond::Flag(name),
            Rule::c_access => Cond::Access(name),
            Rule::c_can => Cond::Can(name),
            _ => return Err(self.shape_error(span, "condition")),
        })
    }
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(n) = chars.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    out
}
