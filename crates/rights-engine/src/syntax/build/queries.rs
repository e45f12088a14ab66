//! Tests, expectations, queries and conditions (`and`/`or` through pest's
//! Pratt parser, n-ary).

use super::{Builder, PResult};
use crate::syntax::ast::*;
use crate::syntax::parse::{Rule, PRATT};
use pest::iterators::Pair;

impl<'t> Builder<'t> {
    pub(super) fn test(&self, p: Pair<'_, Rule>, doc: Doc) -> PResult<TestDecl> {
        let span = self.span(&p);
        let mut t = TestDecl {
            doc,
            name: String::new(),
            name_span: span,
            at: None,
            users: Vec::new(),
            groups: Vec::new(),
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
                Rule::at_clause => t.at = self.at_clause(c),
                Rule::group_decl => t.groups.push(self.group(c, cdoc)?),
                Rule::user_decl => t.users.push(self.user(c, cdoc)?),
                Rule::resource_decl => t.resources.push(self.resource(c, cdoc)?),
                Rule::event_decl => t.events.push(self.event(c, cdoc)?),
                Rule::expect_stmt => t.expects.push(self.expect(c)?),
                _ => return Err(self.shape_error(cspan, "test")),
            }
        }
        Ok(t)
    }

    pub(super) fn expect(&self, p: Pair<'_, Rule>) -> PResult<Expect> {
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

    pub(in crate::syntax) fn query(&self, p: Pair<'_, Rule>) -> PResult<Query> {
        let span = self.span(&p);
        Ok(match p.as_rule() {
            Rule::can_query => Query::Can(self.can_query(p)?),
            Rule::explain_query => {
                let mut it = self.children(p).into_iter();
                Query::Explain(self.can_query(self.next_of(&mut it, span)?)?)
            }
            Rule::who_query => {
                let (kids, suffix) = self.suffixed(p);
                let mut it = kids.into_iter();
                Query::Who {
                    target: self.can_target(self.next_of(&mut it, span)?)?,
                    suffix,
                    span,
                }
            }
            Rule::where_query => {
                let (kids, suffix) = self.suffixed(p);
                let mut it = kids.into_iter();
                let user = self.data_id(self.next_of(&mut it, span)?)?;
                let target = self.can_target(self.next_of(&mut it, span)?)?;
                Query::Where {
                    user,
                    target,
                    suffix,
                    span,
                }
            }
            Rule::expiring_query => {
                let (kids, suffix) = self.suffixed(p);
                let mut it = kids.into_iter();
                let n = self.next_of(&mut it, span)?;
                let days = n.as_str().parse::<u32>().map_err(|_| {
                    Box::new(
                        crate::diag::Diagnostic::error(
                            crate::diag::Code::Syntax,
                            format!("`{}` days is too many", n.as_str()),
                        )
                        .at(self.span(&n), "this number")
                        .help("give a number of days below 4294967296"),
                    )
                })?;
                Query::Expiring { days, suffix, span }
            }
            Rule::what_query => {
                let (kids, suffix) = self.suffixed(p);
                let mut it = kids.into_iter();
                let user = self.data_id(self.next_of(&mut it, span)?)?;
                let on = match it.next() {
                    Some(c) => Some(self.on_clause(c)?),
                    None => None,
                };
                Query::What {
                    user,
                    on,
                    suffix,
                    span,
                }
            }
            Rule::rights_query | Rule::roles_query | Rule::groups_query => {
                let rule = p.as_rule();
                let (kids, suffix) = self.suffixed(p);
                let mut it = kids.into_iter();
                let user = self.data_id(self.next_of(&mut it, span)?)?;
                match rule {
                    Rule::rights_query => Query::Rights { user, suffix, span },
                    Rule::roles_query => Query::Roles { user, suffix, span },
                    _ => Query::Groups { user, suffix, span },
                }
            }
            Rule::report_query => Query::Report(self.report_query(p)?),
            _ => return Err(self.shape_error(span, "query")),
        })
    }

    pub(super) fn can_query(&self, p: Pair<'_, Rule>) -> PResult<CanQuery> {
        let span = self.span(&p);
        let (kids, suffix) = self.suffixed(p);
        let mut it = kids.into_iter();
        let user = self.data_id(self.next_of(&mut it, span)?)?;
        let target = self.can_target(self.next_of(&mut it, span)?)?;
        Ok(CanQuery {
            user,
            target,
            suffix,
            span,
        })
    }

    /// A query's children without its `suffix`, and the suffix.
    pub(super) fn suffixed<'i>(&self, p: Pair<'i, Rule>) -> (Vec<Pair<'i, Rule>>, Suffix) {
        let mut kids = self.children(p);
        let mut suffix = Suffix::default();
        if kids.last().is_some_and(|l| l.as_rule() == Rule::suffix) {
            if let Some(s) = kids.pop() {
                for part in self.children(s) {
                    match part.as_rule() {
                        Rule::with_clause => {
                            suffix.with = self.children(part).iter().map(|n| self.name(n)).collect()
                        }
                        Rule::at_clause => suffix.at = self.at_clause(part),
                        _ => {}
                    }
                }
            }
        }
        (kids, suffix)
    }

    /// `at DATE`
    pub(super) fn at_clause(&self, p: Pair<'_, Rule>) -> Option<DateLit> {
        self.children(p).first().map(|d| self.date(d))
    }

    pub(super) fn on_clause(&self, p: Pair<'_, Rule>) -> PResult<Name> {
        let span = self.span(&p);
        let mut it = self.children(p).into_iter();
        self.data_id(self.next_of(&mut it, span)?)
    }

    pub(super) fn can_target(&self, p: Pair<'_, Rule>) -> PResult<CanTarget> {
        let span = self.span(&p);
        let rule = p.as_rule();
        let mut it = self.children(p).into_iter();
        Ok(match rule {
            Rule::run_target => {
                let report = self.name(&self.next_of(&mut it, span)?);
                let mut on = None;
                let mut event = None;
                for c in it {
                    if c.as_rule() == Rule::report_for {
                        let mut inner = self.children(c).into_iter();
                        event = Some(self.data_id(self.next_of(&mut inner, span)?)?);
                    } else {
                        on = Some(self.on_clause(c)?);
                    }
                }
                CanTarget::Run { report, on, event }
            }
            Rule::where_access => {
                let level = self.name(&self.next_of(&mut it, span)?);
                CanTarget::Access { level, on: None }
            }
            Rule::where_assign_access => {
                let level = self.name(&self.next_of(&mut it, span)?);
                let to = self.data_id(self.next_of(&mut it, span)?)?;
                CanTarget::AssignAccess {
                    level,
                    to,
                    on: None,
                }
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
            Rule::access_target => {
                let level = self.name(&self.next_of(&mut it, span)?);
                let on = Some(self.on_clause(self.next_of(&mut it, span)?)?);
                CanTarget::Access { level, on }
            }
            Rule::assign_access_target => {
                let level = self.name(&self.next_of(&mut it, span)?);
                let to = self.data_id(self.next_of(&mut it, span)?)?;
                let on = match it.next() {
                    Some(c) => Some(self.on_clause(c)?),
                    None => None,
                };
                CanTarget::AssignAccess { level, to, on }
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

    pub(super) fn report_query(&self, p: Pair<'_, Rule>) -> PResult<ReportQuery> {
        let span = self.span(&p);
        let (kids, suffix) = self.suffixed(p);
        let mut it = kids.into_iter();
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
            suffix,
            span,
        })
    }

    // ── conditions ──

    pub(super) fn cond(&self, p: Pair<'_, Rule>) -> PResult<Cond> {
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
    pub(super) fn unary(&self, p: Pair<'_, Rule>) -> PResult<Cond> {
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

    pub(super) fn atom(&self, p: Pair<'_, Rule>) -> PResult<Cond> {
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
        let operand = self.next_of(&mut it, span)?;
        if rule == Rule::c_group {
            return Ok(Cond::Group(self.data_id(operand)?));
        }
        if rule == Rule::c_user_attr || rule == Rule::c_resource_attr {
            let name = self.name(&operand);
            let value = self.value(self.next_of(&mut it, span)?)?;
            return Ok(if rule == Rule::c_user_attr {
                Cond::UserAttr(name, value)
            } else {
                Cond::ResourceAttr(name, value)
            });
        }
        let name = self.name(&operand);
        Ok(match rule {
            Rule::c_tag => Cond::Tag(name),
            Rule::c_right => Cond::Right(name),
            Rule::c_role => Cond::Role(name),
            Rule::c_flag => Cond::Flag(name),
            Rule::c_access => Cond::Access(name),
            Rule::c_can => Cond::Can(name),
            Rule::c_same => Cond::Same(name),
            Rule::c_context => Cond::Context(name),
            _ => return Err(self.shape_error(span, "condition")),
        })
    }
}
