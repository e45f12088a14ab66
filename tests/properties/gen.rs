//! Random small policies, as text in the Rights language, from a seed: every
//! construct of LANGUAGE.md §2–3 and §8 appears (groups, tags, `access for
//! role`, access denies and revokes, `assigns access`, `assigns … when`),
//! names are always declared, and the structure is acyclic by construction
//! (roles extend earlier roles, groups nest in earlier groups, actions use
//! earlier actions, access rules use earlier levels).

use rights::bench_gen::Rng;

#[derive(Clone, Copy, Default)]
pub struct Opts {
    /// No `not` anywhere (for monotonicity properties).
    pub no_not: bool,
    /// No role or user grants any right and no user has any access.
    pub grants_nothing: bool,
    /// Deny conditions use flags only (adding a role cannot trigger one).
    pub deny_only_flags: bool,
    /// Few names of each kind, so every set of changes to a user can be tried.
    pub small: bool,
    /// Version 3 (§9) too: attributes, context facts, `inherited` levels,
    /// sub-resources, windows around [`DAY`] on users' items.
    pub v3: bool,
}

/// The day windows are written around (days since 1970-01-01: 2026-12-20).
pub const DAY: i32 = 20_807;

pub struct Gen {
    rng: Rng,
    o: Opts,
    rights: usize,
    access: usize,
    flags: usize,
    roles: usize,
    tags: usize,
    groups: usize,
    actions: Vec<bool>, // on resource?
    attributes: usize,
    contexts: usize,
}

#[derive(Clone, Copy)]
struct Ctx {
    resource: bool,
    /// Access levels usable: those below this index.
    access_below: usize,
    /// Actions usable: those below this index.
    actions_below: usize,
    /// Only role, group and flag atoms (deny), only flags and groups
    /// (default roles); with `tags`, also tag atoms (access denies).
    roles_flags_only: bool,
    flags_only: bool,
    tags: bool,
}

impl Gen {
    pub fn new(seed: u64, o: Opts) -> Gen {
        let mut rng = Rng::new(seed);
        let (rights, access, flags, roles, tags, groups) = if o.small {
            (
                1 + rng.below(3),
                1 + rng.below(2),
                rng.below(3),
                1 + rng.below(3),
                rng.below(2),
                rng.below(3),
            )
        } else {
            (
                1 + rng.below(6),
                // now and then more levels than the evaluator's tables
                // cover (6 in an action's table, 32 in an access key)
                if rng.chance(12) {
                    30 + rng.below(8)
                } else {
                    1 + rng.below(3)
                },
                rng.below(3),
                1 + rng.below(4),
                rng.below(3),
                rng.below(4),
            )
        };
        let (attributes, contexts) = if o.v3 {
            (1 + rng.below(2), rng.below(3))
        } else {
            (0, 0)
        };
        Gen {
            rng,
            o,
            rights,
            access,
            flags,
            roles,
            tags,
            groups,
            actions: Vec::new(),
            attributes,
            contexts,
        }
    }

    /// One of three attribute values.
    fn value(&mut self) -> String {
        format!("\"v{}\"", self.rng.below(3))
    }

    /// A window around [`DAY`] (`from`, `until` or both, within a few days).
    fn window(&mut self) -> String {
        let day = |g: &mut Gen| {
            let d = DAY - 3 + g.rng.below(7) as i32;
            rights::sema::model::Day(d).to_string()
        };
        match self.rng.below(3) {
            0 => format!(" from {}", day(self)),
            1 => format!(" until {}", day(self)),
            _ => {
                let (a, b) = (day(self), day(self));
                let (a, b) = if a <= b { (a, b) } else { (b, a) };
                format!(" from {a} until {b}")
            }
        }
    }

    /// A window on a user's statement, now and then (version 3 only).
    fn maybe_window(&mut self) -> String {
        if self.o.v3 && self.rng.chance(30) {
            self.window()
        } else {
            String::new()
        }
    }

    /// A version-3 atom allowed here, if the draw gives one.
    fn atom_v3(&mut self, c: Ctx) -> Option<String> {
        let resource_ok = c.resource && (c.tags || !c.roles_flags_only && !c.flags_only);
        match self.rng.below(10) {
            0 if resource_ok => Some(format!("same at{}", self.rng.below(self.attributes))),
            1 if resource_ok => {
                let a = self.rng.below(self.attributes);
                Some(format!("resource at{a} = {}", self.value()))
            }
            2 => {
                let a = self.rng.below(self.attributes);
                Some(format!("user at{a} = {}", self.value()))
            }
            3 if self.contexts > 0 && !c.flags_only => {
                Some(format!("context k{}", self.rng.below(self.contexts)))
            }
            _ => None,
        }
    }

    /// An access level below `below`. With many levels, mostly those at
    /// the edges of what the evaluator's tables cover (6 levels in an
    /// action's table, 32 in an access key), so that an atom and a grant
    /// meet often.
    fn level(&mut self, below: usize) -> usize {
        const EDGES: [usize; 8] = [0, 1, 5, 6, 7, 31, 32, 33];
        if below > 8 && self.rng.chance(80) {
            let edges: Vec<usize> = EDGES.iter().copied().filter(|&l| l < below).collect();
            edges[self.rng.below(edges.len())]
        } else {
            self.rng.below(below)
        }
    }

    fn right(&mut self) -> String {
        let i = self.rng.below(self.rights);
        format!("c{}.r{i}", i % 2)
    }

    fn pattern(&mut self) -> String {
        match self.rng.below(10) {
            0 => "*".into(),
            1 => "c0.*".into(),
            2 if self.rights > 1 => "c1.*".into(),
            _ => self.right(),
        }
    }

    fn patterns(&mut self, max: usize) -> Vec<String> {
        let n = 1 + self.rng.below(max);
        (0..n).map(|_| self.pattern()).collect()
    }

    fn atom(&mut self, c: Ctx) -> String {
        if self.o.v3 {
            if let Some(a) = self.atom_v3(c) {
                return a;
            }
        }
        loop {
            // §8 atoms: a group anywhere (not in deny conditions when they must
            // use flags only), a tag where a resource is in scope
            match self.rng.below(12) {
                8 if self.groups > 0 => return format!("group g{}", self.rng.below(self.groups)),
                9 if self.tags > 0
                    && c.resource
                    && (c.tags || !c.roles_flags_only && !c.flags_only) =>
                {
                    return format!("tag t{}", self.rng.below(self.tags))
                }
                _ => {}
            }
            match self.rng.below(8) {
                0 => {
                    return if self.rng.chance(50) {
                        "true".into()
                    } else {
                        "false".into()
                    }
                }
                1 | 2 if self.flags > 0 => return format!("flag f{}", self.rng.below(self.flags)),
                3 | 4 if !c.flags_only => return format!("role ro{}", self.rng.below(self.roles)),
                _ if c.flags_only || c.roles_flags_only => {
                    if self.flags == 0 && c.flags_only {
                        return "true".into();
                    }
                    continue;
                }
                5 if c.tags => continue,
                5 if c.resource && c.access_below > 0 => {
                    return format!("access a{}", self.level(c.access_below))
                }
                6 if c.actions_below > 0 => {
                    let a = self.rng.below(c.actions_below);
                    if self.actions[a] && !c.resource {
                        continue;
                    }
                    return format!("can x{a}");
                }
                _ => return format!("right {}", self.right()),
            }
        }
    }

    fn cond(&mut self, c: Ctx, depth: usize) -> String {
        if depth == 0 || self.rng.chance(40) {
            return self.atom(c);
        }
        match self.rng.below(4) {
            0 if !self.o.no_not => format!("not {}", self.cond(c, depth - 1)),
            1 => format!(
                "({} and {})",
                self.cond(c, depth - 1),
                self.cond(c, depth - 1)
            ),
            2 => format!("{} or {}", self.cond(c, depth - 1), self.cond(c, depth - 1)),
            _ => format!(
                "{} and {}",
                self.cond(c, depth - 1),
                self.cond(c, depth - 1)
            ),
        }
    }

    fn full_ctx(&self, resource: bool) -> Ctx {
        Ctx {
            resource,
            access_below: self.access,
            actions_below: self.actions.len(),
            roles_flags_only: false,
            flags_only: false,
            tags: false,
        }
    }

    /// The policy's items, each a piece of text that can stand anywhere.
    pub fn items(mut self) -> Vec<String> {
        let mut out = Vec::new();
        for i in 0..self.rights {
            out.push(format!("right c{}.r{i} \"Right {i}\"", i % 2));
        }
        for i in 0..self.access {
            out.push(format!("access a{i} \"Access {i}\""));
        }
        for f in 0..self.flags {
            out.push(format!("flag f{f}"));
        }
        for t in 0..self.tags {
            out.push(format!("tag t{t}"));
        }
        for a in 0..self.attributes {
            out.push(format!("attribute at{a}"));
        }
        for k in 0..self.contexts {
            out.push(format!("context k{k}"));
        }
        if self.o.v3 {
            for i in 0..self.access {
                if self.rng.chance(50) {
                    out.push(format!("access a{i} inherited"));
                }
            }
        }
        // actions first (roles' `assigns` conditions may use them)
        let n_actions = self.rng.below(4);
        for i in 0..n_actions {
            let on = self.rng.chance(60);
            let ctx = Ctx {
                actions_below: i,
                ..self.full_ctx(on)
            };
            let c = self.cond(ctx, 3);
            self.actions.push(on);
            out.push(format!(
                "action x{i}{} when {c}",
                if on { " on resource" } else { "" }
            ));
        }
        for i in 0..self.access {
            if self.rng.chance(30) {
                let ctx = Ctx {
                    access_below: i,
                    actions_below: 0,
                    ..self.full_ctx(true)
                };
                let c = self.cond(ctx, 2);
                out.push(format!("access a{i} also when {c}"));
            }
        }
        for i in 0..self.roles {
            let mut s = format!("role ro{i}");
            if i > 0 && self.rng.chance(50) {
                let mut parents = vec![self.rng.below(i)];
                let q = self.rng.below(i);
                if self.rng.chance(30) && !parents.contains(&q) {
                    parents.push(q);
                }
                let ps: Vec<String> = parents.iter().map(|p| format!("ro{p}")).collect();
                s.push_str(&format!(" extends {}", ps.join(", ")));
            }
            let mut body = Vec::new();
            if !self.o.grants_nothing && self.rng.chance(80) {
                body.push(format!("grant {}", self.patterns(3).join(", ")));
            }
            if self.rng.chance(30) {
                let roles = if self.rng.chance(30) {
                    "*".to_string()
                } else {
                    format!("ro{}", self.rng.below(self.roles))
                };
                let when = match self.rng.below(4) {
                    0 | 1 => {
                        let ctx = self.full_ctx(true);
                        format!(" on resource when {}", self.cond(ctx, 2))
                    }
                    2 => {
                        let ctx = self.full_ctx(false);
                        format!(" when {}", self.cond(ctx, 2))
                    }
                    _ => String::new(),
                };
                body.push(format!("assigns {roles}{when}"));
            }
            if self.rng.chance(25) {
                let levels = if self.rng.chance(25) {
                    "*".to_string()
                } else {
                    format!("a{}", self.level(self.access))
                };
                let when = if self.rng.chance(60) {
                    let ctx = self.full_ctx(true);
                    format!(" when {}", self.cond(ctx, 2))
                } else {
                    String::new()
                };
                body.push(format!("assigns access {levels} on resource{when}"));
            }
            if !body.is_empty() {
                s.push_str(&format!(" {{ {} }}", body.join("  ")));
            }
            out.push(s);
        }
        if self.flags > 0 && self.rng.chance(60) {
            let n = 1 + self.rng.below(3);
            let ctx = Ctx {
                flags_only: true,
                ..self.full_ctx(false)
            };
            let lines: Vec<String> = (0..n)
                .map(|_| {
                    let role = self.rng.below(self.roles);
                    if self.rng.chance(20) {
                        format!("ro{role}")
                    } else {
                        format!("ro{role} when {}", self.cond(ctx, 2))
                    }
                })
                .collect();
            out.push(format!("default role {{ {} }}", lines.join("  ")));
        }
        for _ in 0..self.rng.below(3) {
            let pats = self.patterns(2).join(", ");
            let ctx = Ctx {
                roles_flags_only: true,
                flags_only: self.o.deny_only_flags,
                ..self.full_ctx(false)
            };
            if self.rng.chance(30) {
                out.push(format!("deny {pats}"));
            } else {
                let c = self.cond(ctx, 2);
                out.push(format!("deny {pats} when {c}"));
            }
        }
        // access denies: role, group, flag and tag conditions (flags and tags
        // only when denies must not depend on roles)
        for _ in 0..self.rng.below(3) {
            let levels = if self.rng.chance(25) {
                "*".to_string()
            } else {
                format!("a{}", self.level(self.access))
            };
            let ctx = Ctx {
                roles_flags_only: true,
                flags_only: self.o.deny_only_flags,
                tags: true,
                ..self.full_ctx(true)
            };
            if self.rng.chance(25) {
                out.push(format!("deny access {levels}"));
            } else {
                let c = self.cond(ctx, 2);
                out.push(format!("deny access {levels} when {c}"));
            }
        }
        for i in 0..self.rng.below(3) {
            let mut s = format!("report p{i} {{ ");
            if self.rng.chance(80) {
                let c = self.cond(self.full_ctx(false), 2);
                s.push_str(&format!("requires {c}  "));
            }
            s.push_str(if self.rng.chance(50) {
                "rows resources"
            } else {
                "rows event"
            });
            if self.rng.chance(60) {
                let c = self.cond(self.full_ctx(true), 2);
                s.push_str(&format!(" where {c}"));
            }
            if self.rng.chance(40) {
                let c = self.cond(self.full_ctx(true), 2);
                s.push_str(&format!("  details when {c}"));
            }
            s.push_str(" }");
            out.push(s);
        }
        let resources = 1 + self.rng.below(4);
        for r in 0..resources {
            let mut body = Vec::new();
            let parent = if self.o.v3 && r > 0 && self.rng.chance(60) {
                format!(" in s{}", self.rng.below(r))
            } else {
                String::new()
            };
            if self.o.v3 && self.rng.chance(50) {
                let a = self.rng.below(self.attributes);
                let mut vs = vec![self.value()];
                if self.rng.chance(30) {
                    vs.push(self.value());
                }
                body.push(format!("attribute at{a} {}", vs.join(", ")));
            }
            if self.tags > 0 && self.rng.chance(50) {
                body.push(format!("tags t{}", self.rng.below(self.tags)));
            }
            if !self.o.grants_nothing && self.rng.chance(40) {
                body.push(format!(
                    "access for role ro{}: a{}",
                    self.rng.below(self.roles),
                    self.level(self.access)
                ));
            }
            if body.is_empty() {
                out.push(format!("resource s{r} \"Resource {r}\"{parent}"));
            } else {
                out.push(format!(
                    "resource s{r} \"Resource {r}\"{parent} {{ {} }}",
                    body.join("  ")
                ));
            }
        }
        for g in 0..self.groups {
            let mut s = format!("group g{g}");
            if g > 0 && self.rng.chance(40) {
                s.push_str(&format!(" in g{}", self.rng.below(g)));
            }
            let mut body = Vec::new();
            if self.rng.chance(50) {
                body.push(format!("roles ro{}", self.rng.below(self.roles)));
            }
            if !self.o.grants_nothing && self.rng.chance(50) {
                body.push(format!(
                    "access s{}: a{}",
                    self.rng.below(resources),
                    self.level(self.access)
                ));
            }
            if !body.is_empty() {
                s.push_str(&format!(" {{ {} }}", body.join("  ")));
            }
            out.push(s);
        }
        for e in 0..self.rng.below(3) {
            let n = 1 + self.rng.below(resources);
            let rs: Vec<String> = (0..n)
                .map(|_| format!("s{}", self.rng.below(resources)))
                .collect();
            out.push(format!("event e{e} {{ resources {} }}", rs.join(", ")));
        }
        for u in 0..1 + self.rng.below(4) {
            let mut body = Vec::new();
            if self.rng.chance(70) {
                let n = 1 + self.rng.below(2);
                let rs: Vec<String> = (0..n)
                    .map(|_| format!("ro{}", self.rng.below(self.roles)))
                    .collect();
                let w = self.maybe_window();
                body.push(format!("roles {}{w}", rs.join(", ")));
            }
            if !self.o.grants_nothing && self.rng.chance(40) {
                let w = self.maybe_window();
                body.push(format!("grant {}{w}", self.patterns(2).join(", ")));
            }
            if self.rng.chance(30) {
                let w = self.maybe_window();
                body.push(format!("revoke {}{w}", self.patterns(2).join(", ")));
            }
            if self.o.v3 && self.rng.chance(50) {
                let a = self.rng.below(self.attributes);
                let v = self.value();
                body.push(format!("attribute at{a} {v}"));
            }
            if self.flags > 0 && self.rng.chance(50) {
                body.push(format!("flags f{}", self.rng.below(self.flags)));
            }
            if self.groups > 0 && self.rng.chance(50) {
                let w = self.maybe_window();
                body.push(format!("groups g{}{w}", self.rng.below(self.groups)));
            }
            if self.rng.chance(25) {
                let (r, l) = (self.rng.below(resources), self.level(self.access));
                let w = self.maybe_window();
                body.push(format!("revoke access s{r}: a{l}{w}"));
            }
            if !self.o.grants_nothing {
                for _ in 0..self.rng.below(3) {
                    let (r, l) = (self.rng.below(resources), self.level(self.access));
                    let w = self.maybe_window();
                    body.push(format!("access s{r}: a{l}{w}"));
                }
            }
            out.push(format!("user u{u} {{ {} }}", body.join("  ")));
        }
        out
    }
}
