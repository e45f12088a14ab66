//! The variables of the symbolic view: one per fact a user (and the resource
//! in scope) can have, shared by every policy compared over them, matched by
//! name.

use super::Limit;
use crate::ir::Program;
use crate::sema::model::*;
use biodivine_lib_bdd::{BddVariable, BddVariableSet};
use rustc_hash::FxHashMap;

/// What a variable stands for, by name (so two policies share it).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Meaning {
    /// The user's data lists `roles` (no default role then).
    Lists,
    Flag(String),
    /// The user joins this group directly.
    Group(String),
    /// The user's data lists this role.
    Role(String),
    /// The user is granted this right directly.
    Grant(String),
    /// The user's data revokes this right.
    Revoke(String),
    /// The resource in scope has this tag.
    Tag(String),
    /// The data grants the user this level on the resource in scope.
    Access(String),
    /// The user's data revokes this level on the resource in scope.
    AccessRevoke(String),
    /// The question is asked with this context fact (§9.4): free, like a flag.
    Context(String),
    /// The user has this value of the attribute (§9.2).
    UserValue(String, String),
    /// The resource in scope has this value of the attribute.
    ResourceValue(String, String),
    /// The user and the resource in scope share a value of the attribute.
    Same(String),
    /// The user holds this level on the parent of the resource in scope,
    /// and it is declared `inherited` (§9.1).
    Inherited(String),
}

impl Meaning {
    /// Whether the fact is about the resource in scope.
    pub fn scoped(&self) -> bool {
        matches!(
            self,
            Meaning::Tag(_)
                | Meaning::Access(_)
                | Meaning::AccessRevoke(_)
                | Meaning::ResourceValue(..)
                | Meaning::Same(_)
                | Meaning::Inherited(_)
        )
    }
}

/// The same facts in one program's ids.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Fact {
    Lists,
    Flag(FlagId),
    Group(GroupId),
    Role(RoleId),
    Grant(RightId),
    Revoke(RightId),
    Tag(TagId),
    Access(AccessId),
    AccessRevoke(AccessId),
    Context(ContextId),
    UserValue(AttrId, ValueId),
    ResourceValue(AttrId, ValueId),
    Same(AttrId),
    Inherited(AccessId),
}

/// What a resource's data says about who has access to it: its `access for
/// role` lines and the groups whose `access` names it, by name, sorted. It
/// is data, not a variable: the resources of the data fall into a few
/// profiles, and functions about a resource are built per profile (as
/// variables, they would defeat every variable order).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Profile {
    /// (role, level) pairs.
    pub role_access: Vec<(String, String)>,
    /// (group, level) pairs.
    pub group_access: Vec<(String, String)>,
}

/// A profile in one program's ids.
#[derive(Clone, Debug, Default)]
pub struct ProfileIds {
    pub role_access: Vec<(RoleId, AccessId)>,
    pub group_access: Vec<(GroupId, AccessId)>,
}

/// Every variable, in BDD order, and every resource profile.
#[derive(Debug)]
pub struct Universe {
    pub(crate) vars: BddVariableSet,
    pub(crate) meaning: Vec<Meaning>,
    /// Profile 0 is the empty one (a resource no `access for role` or group
    /// access names); then every other profile of the programs' resources.
    pub profiles: Vec<Profile>,
    /// Per profile: a resource of the data that has it (none for profile 0
    /// unless one does).
    pub examples: Vec<Option<String>>,
}

/// One program's facts as variables of a universe.
#[derive(Clone, Debug)]
pub struct Binding {
    pub(crate) lists: BddVariable,
    pub(crate) flag: Vec<BddVariable>,
    pub(crate) group: Vec<BddVariable>,
    pub(crate) role: Vec<BddVariable>,
    pub(crate) grant: Vec<BddVariable>,
    pub(crate) revoke: Vec<BddVariable>,
    pub(crate) tag: Vec<BddVariable>,
    pub(crate) access: Vec<BddVariable>,
    pub(crate) access_revoke: Vec<BddVariable>,
    pub(crate) context: Vec<BddVariable>,
    /// The (attribute, value) pairs conditions name, sorted; per pair the
    /// user's and the resource's variable.
    pub(crate) value_pairs: Vec<(AttrId, ValueId)>,
    pub(crate) user_value: Vec<BddVariable>,
    pub(crate) resource_value: Vec<BddVariable>,
    pub(crate) same: Vec<BddVariable>,
    pub(crate) inherited: Vec<BddVariable>,
    /// Every profile of the universe in this program's ids.
    pub(crate) profiles: Vec<ProfileIds>,
    /// The profile of each of this program's resources.
    pub(crate) resource_profile: Vec<usize>,
    /// Per universe variable: the fact in this program's ids, if it has it.
    pub(crate) fact: Vec<Option<Fact>>,
}

/// The names of one program, kind by kind, in id order.
struct Named<'a> {
    p: &'a Program,
}

impl Named<'_> {
    fn flags(&self) -> impl Iterator<Item = &str> {
        self.p.policy.flags.iter().map(|x| x.meta.name.as_str())
    }
    fn groups(&self) -> impl Iterator<Item = &str> {
        self.p.data.groups.iter().map(|x| x.meta.name.as_str())
    }
    fn roles(&self) -> impl Iterator<Item = &str> {
        self.p.policy.roles.iter().map(|x| x.meta.name.as_str())
    }
    fn rights(&self) -> impl Iterator<Item = &str> {
        self.p.policy.rights.iter().map(|x| x.meta.name.as_str())
    }
    fn tags(&self) -> impl Iterator<Item = &str> {
        self.p.policy.tags.iter().map(|x| x.meta.name.as_str())
    }
    fn levels(&self) -> impl Iterator<Item = &str> {
        self.p.policy.access.iter().map(|x| x.meta.name.as_str())
    }
    /// The profile of each resource, by name.
    fn profiles(&self) -> Vec<Profile> {
        let p = self.p;
        let level = |l: AccessId| p.policy.access[l.index()].meta.name.clone();
        let mut out: Vec<Profile> = p
            .data
            .resources
            .iter()
            .map(|r| Profile {
                role_access: r
                    .role_access
                    .iter()
                    .map(|(y, l, _)| (p.policy.role(*y).meta.name.clone(), level(*l)))
                    .collect(),
                group_access: Vec::new(),
            })
            .collect();
        for g in &p.data.groups {
            for (r, l, _) in &g.access {
                if let Some(prof) = out.get_mut(r.index()) {
                    prof.group_access.push((g.meta.name.clone(), level(*l)));
                }
            }
        }
        for prof in &mut out {
            prof.role_access.sort();
            prof.role_access.dedup();
            prof.group_access.sort();
            prof.group_access.dedup();
        }
        out
    }
}

/// Builds the universe of facts of one or more programs and binds each.
pub fn universe(programs: &[&Program]) -> Result<(Universe, Vec<Binding>), Limit> {
    let named: Vec<Named> = programs.iter().map(|p| Named { p }).collect();
    let mut meaning: Vec<Meaning> = vec![Meaning::Lists];
    let mut index: FxHashMap<Meaning, usize> = FxHashMap::default();
    index.insert(Meaning::Lists, 0);
    let mut add = |m: Meaning, meaning: &mut Vec<Meaning>| -> usize {
        *index.entry(m.clone()).or_insert_with(|| {
            meaning.push(m);
            meaning.len() - 1
        })
    };
    // declaration order within each kind, kinds in the order of dependence
    let mut flag = vec![Vec::new(); named.len()];
    let mut group = vec![Vec::new(); named.len()];
    let mut role = vec![Vec::new(); named.len()];
    let mut grant = vec![Vec::new(); named.len()];
    let mut revoke = vec![Vec::new(); named.len()];
    let mut tag = vec![Vec::new(); named.len()];
    let mut access = vec![Vec::new(); named.len()];
    let mut access_revoke = vec![Vec::new(); named.len()];
    let mut context = vec![Vec::new(); named.len()];
    let mut user_value = vec![Vec::new(); named.len()];
    let mut resource_value = vec![Vec::new(); named.len()];
    let mut same = vec![Vec::new(); named.len()];
    let mut inherited = vec![Vec::new(); named.len()];
    // the (attribute, value) pairs conditions name, per program
    let mut pairs: Vec<Vec<(AttrId, ValueId)>> = vec![Vec::new(); named.len()];
    // the version-3 facts first: every program's, in declaration order
    for (i, n) in named.iter().enumerate() {
        let pol = &n.p.policy;
        context[i] = pol
            .contexts
            .iter()
            .map(|c| add(Meaning::Context(c.meta.name.clone()), &mut meaning))
            .collect();
        let mut named_pairs: Vec<(AttrId, ValueId)> = Vec::new();
        let mut note = |c: &Cond| {
            c.for_each_atom(|a| {
                if let Cond::UserAttr(x, v, _) | Cond::ResourceAttr(x, v, _) = a {
                    if !named_pairs.contains(&(*x, *v)) {
                        named_pairs.push((*x, *v));
                    }
                }
            })
        };
        for l in &pol.access {
            l.also_when.iter().for_each(&mut note);
        }
        for a in &pol.actions {
            note(&a.when);
        }
        for d in &pol.denies {
            d.when.iter().for_each(&mut note);
        }
        for d in &pol.access_denies {
            d.when.iter().for_each(&mut note);
        }
        for l in &pol.default_roles {
            note(&l.when);
        }
        for r in &pol.reports {
            note(&r.requires);
            r.rows_where.iter().for_each(&mut note);
            r.details_when.iter().for_each(&mut note);
        }
        for r in &pol.roles {
            for a in &r.assigns {
                a.scope.cond().iter().for_each(|c| note(c));
            }
        }
        named_pairs.sort();
        for &(a, v) in &named_pairs {
            let attr = pol.attribute(a).meta.name.clone();
            let value = pol.value(v).to_string();
            user_value[i].push(add(
                Meaning::UserValue(attr.clone(), value.clone()),
                &mut meaning,
            ));
            resource_value[i].push(add(Meaning::ResourceValue(attr, value), &mut meaning));
        }
        pairs[i] = named_pairs;
        same[i] = pol
            .attributes
            .iter()
            .map(|a| add(Meaning::Same(a.meta.name.clone()), &mut meaning))
            .collect();
        inherited[i] = pol
            .access
            .iter()
            .map(|l| add(Meaning::Inherited(l.meta.name.clone()), &mut meaning))
            .collect();
    }
    for (i, n) in named.iter().enumerate() {
        flag[i] = n
            .flags()
            .map(|x| add(Meaning::Flag(x.into()), &mut meaning))
            .collect();
    }
    for (i, n) in named.iter().enumerate() {
        group[i] = n
            .groups()
            .map(|x| add(Meaning::Group(x.into()), &mut meaning))
            .collect();
    }
    for (i, n) in named.iter().enumerate() {
        role[i] = n
            .roles()
            .map(|x| add(Meaning::Role(x.into()), &mut meaning))
            .collect();
    }
    for (i, n) in named.iter().enumerate() {
        for x in n.rights() {
            grant[i].push(add(Meaning::Grant(x.into()), &mut meaning));
            revoke[i].push(add(Meaning::Revoke(x.into()), &mut meaning));
        }
    }
    for (i, n) in named.iter().enumerate() {
        tag[i] = n
            .tags()
            .map(|x| add(Meaning::Tag(x.into()), &mut meaning))
            .collect();
    }
    for (i, n) in named.iter().enumerate() {
        for x in n.levels() {
            access[i].push(add(Meaning::Access(x.into()), &mut meaning));
            access_revoke[i].push(add(Meaning::AccessRevoke(x.into()), &mut meaning));
        }
    }
    // resource profiles: the empty one first, then each new one, in data order
    let mut profiles: Vec<Profile> = vec![Profile::default()];
    let mut examples: Vec<Option<String>> = vec![None];
    let mut resource_profile = vec![Vec::new(); named.len()];
    for (i, n) in named.iter().enumerate() {
        for (r, prof) in n.profiles().into_iter().enumerate() {
            let k = match profiles.iter().position(|x| *x == prof) {
                Some(k) => k,
                None => {
                    profiles.push(prof);
                    examples.push(None);
                    profiles.len() - 1
                }
            };
            if examples[k].is_none() {
                examples[k] = n.p.data.resources.get(r).map(|x| x.meta.name.clone());
            }
            resource_profile[i].push(k);
        }
    }
    let n = u16::try_from(meaning.len()).map_err(|_| Limit::TooManyFacts(meaning.len()))?;
    let vars = BddVariableSet::new_anonymous(n);
    let all = vars.variables();
    let v = |i: usize| all[i];
    let bindings = (0..named.len())
        .map(|i| {
            let mut fact = vec![None; all.len()];
            let mut put = |var: usize, f: Fact| fact[var] = Some(f);
            put(0, Fact::Lists);
            for (k, &x) in flag[i].iter().enumerate() {
                put(x, Fact::Flag(FlagId::from_index(k)));
            }
            for (k, &x) in group[i].iter().enumerate() {
                put(x, Fact::Group(GroupId::from_index(k)));
            }
            for (k, &x) in role[i].iter().enumerate() {
                put(x, Fact::Role(RoleId::from_index(k)));
            }
            for (k, (&g, &r)) in grant[i].iter().zip(&revoke[i]).enumerate() {
                put(g, Fact::Grant(RightId::from_index(k)));
                put(r, Fact::Revoke(RightId::from_index(k)));
            }
            for (k, &x) in tag[i].iter().enumerate() {
                put(x, Fact::Tag(TagId::from_index(k)));
            }
            for (k, (&a, &r)) in access[i].iter().zip(&access_revoke[i]).enumerate() {
                put(a, Fact::Access(AccessId::from_index(k)));
                put(r, Fact::AccessRevoke(AccessId::from_index(k)));
            }
            for (k, &x) in context[i].iter().enumerate() {
                put(x, Fact::Context(ContextId::from_index(k)));
            }
            for (&(attr, v), (&uv, &rv)) in pairs[i]
                .iter()
                .zip(user_value[i].iter().zip(&resource_value[i]))
            {
                put(uv, Fact::UserValue(attr, v));
                put(rv, Fact::ResourceValue(attr, v));
            }
            for (k, &x) in same[i].iter().enumerate() {
                put(x, Fact::Same(AttrId::from_index(k)));
            }
            for (k, &x) in inherited[i].iter().enumerate() {
                put(x, Fact::Inherited(AccessId::from_index(k)));
            }
            let vs = |xs: &[usize]| xs.iter().map(|&x| v(x)).collect::<Vec<_>>();
            Binding {
                lists: v(0),
                flag: vs(&flag[i]),
                group: vs(&group[i]),
                role: vs(&role[i]),
                grant: vs(&grant[i]),
                revoke: vs(&revoke[i]),
                tag: vs(&tag[i]),
                access: vs(&access[i]),
                access_revoke: vs(&access_revoke[i]),
                context: vs(&context[i]),
                value_pairs: std::mem::take(&mut pairs[i]),
                user_value: vs(&user_value[i]),
                resource_value: vs(&resource_value[i]),
                same: vs(&same[i]),
                inherited: vs(&inherited[i]),
                profiles: profiles
                    .iter()
                    .map(|prof| ids_of(named[i].p, prof))
                    .collect(),
                resource_profile: std::mem::take(&mut resource_profile[i]),
                fact,
            }
        })
        .collect();
    Ok((
        Universe {
            vars,
            meaning,
            profiles,
            examples,
        },
        bindings,
    ))
}

/// A profile in a program's ids (pairs naming what it lacks are left out).
fn ids_of(p: &Program, prof: &Profile) -> ProfileIds {
    let n = &p.policy.names;
    let level = |l: &str| n.access.get(l).copied();
    ProfileIds {
        role_access: prof
            .role_access
            .iter()
            .filter_map(|(y, l)| Some((*n.roles.get(y.as_str())?, level(l)?)))
            .collect(),
        group_access: prof
            .group_access
            .iter()
            .filter_map(|(g, l)| Some((*n.groups.get(g.as_str())?, level(l)?)))
            .collect(),
    }
}

impl Binding {
    /// The variable of a fact of this program.
    pub fn var(&self, f: Fact) -> Option<BddVariable> {
        let at = |v: &Vec<BddVariable>, i: usize| v.get(i).copied();
        match f {
            Fact::Lists => Some(self.lists),
            Fact::Flag(x) => at(&self.flag, x.index()),
            Fact::Group(x) => at(&self.group, x.index()),
            Fact::Role(x) => at(&self.role, x.index()),
            Fact::Grant(x) => at(&self.grant, x.index()),
            Fact::Revoke(x) => at(&self.revoke, x.index()),
            Fact::Tag(x) => at(&self.tag, x.index()),
            Fact::Access(x) => at(&self.access, x.index()),
            Fact::AccessRevoke(x) => at(&self.access_revoke, x.index()),
            Fact::Context(x) => at(&self.context, x.index()),
            Fact::UserValue(a, x) => at(&self.user_value, self.pair(a, x)?),
            Fact::ResourceValue(a, x) => at(&self.resource_value, self.pair(a, x)?),
            Fact::Same(x) => at(&self.same, x.index()),
            Fact::Inherited(x) => at(&self.inherited, x.index()),
        }
    }

    /// The index of an (attribute, value) pair a condition names.
    fn pair(&self, a: AttrId, v: ValueId) -> Option<usize> {
        self.value_pairs.binary_search(&(a, v)).ok()
    }

    /// The profile of one of this program's resources.
    pub fn profile_of(&self, r: ResourceId) -> usize {
        self.resource_profile.get(r.index()).copied().unwrap_or(0)
    }

    /// The fact a variable stands for in this program.
    pub fn fact(&self, v: BddVariable) -> Option<Fact> {
        self.fact.get(var_index(v)).copied().flatten()
    }
}

/// A variable's position in the universe.
pub(crate) fn var_index(v: BddVariable) -> usize {
    v.to_index()
}
