#!/usr/bin/env node
// Generates rights.tmLanguage.json, the TextMate grammar of the Rights policy
// language (docs/reference; grammar/rights.pest is the parser it follows).
//
//   node syntaxes/build-grammar.mjs           write syntaxes/rights.tmLanguage.json
//   node syntaxes/build-grammar.mjs --check   exit 1 if the file is not up to date
//
// The JSON is the artefact editors load; this script only exists so that the keyword
// lists and the repeated rule shapes are written once. Edit here, then regenerate.
//
// How the grammar follows the language without a parser:
// - every declaration is a region that starts at its keyword and ends after its
//   `{ … }` body, or just before the next declaration keyword (or a `}` that closes
//   an enclosing test), so a keyword means what its declaration says (`access` in a
//   user body, in a resource body, at top level, inside a condition);
// - a condition is `unary ((and|or) unary)*`: `when`/`where`/`requires`/`and`/`or`
//   each open a small region that takes any `not`s and ends with exactly one operand
//   (or a parenthesised condition). So after `when role x`, a following `role y "Y"`
//   on the next line is a declaration again, as it is for the parser.
// - keywords are whole words that are not a segment of a dotted name
//   (`report.status_detail` is a name, `report` alone is a keyword).

import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const OUT = join(dirname(fileURLToPath(import.meta.url)), 'rights.tmLanguage.json');

// ───────────────────────── lexical building blocks ─────────────────────────

// The keywords (docs/reference/files.md, and the `keyword` rule of grammar/rights.pest).
const KEYWORDS = [
  'right', 'rights', 'access', 'flag', 'role', 'extends', 'grant', 'assigns', 'default',
  'action', 'on', 'resource', 'when', 'also', 'deny', 'report', 'requires', 'rows',
  'resources', 'event', 'where', 'details', 'detail', 'user', 'roles', 'revoke', 'flags',
  'in', 'test', 'expect', 'not', 'and', 'or', 'can', 'true', 'false', 'run', 'assign',
  'to', 'who', 'what', 'do', 'explain', 'as', 'for', 'shows', 'full', 'name_only',
  'denied', 'empty', 'group', 'groups', 'tag', 'tags',
];
// Keywords that start a declaration (top level, or data inside a test) or a test line.
const ITEM_KEYWORDS = [
  'right', 'rights', 'access', 'flag', 'tag', 'default', 'role', 'action', 'deny',
  'report', 'group', 'user', 'resource', 'event', 'test', 'expect',
];
// Version 3: keywords only where the language uses them (a name may
// still be one of these words), highlighted as keywords wherever they stand.
const CONTEXTUAL_KEYWORDS = [
  'inherited', 'attribute', 'same', 'context', 'with', 'at', 'from', 'until', 'expiring',
  'within', 'days',
];
// Words that may start a condition operand (after `not`s).
const OPERAND_KEYWORDS = ['not', 'right', 'role', 'flag', 'access', 'can', 'group', 'tag', 'true', 'false'];

const alt = (words) => words.join('|');
const B = '(?<![\\w.])'; // not inside a word or a dotted name
const E = '(?![\\w.])'; // ditto, after
const kw = (words) => `${B}(${alt(words)})${E}`;
const IDENT = '[A-Za-z_][A-Za-z0-9_]*';
const NAME = `${IDENT}(?:\\.${IDENT})*`; // possibly dotted
const STRING = '"(?:[^"\\\\]|\\\\.)*"';
const ID = `(?:${STRING}|${IDENT})`; // data ids: users, resources, events, groups
const NOT_KW = `(?!(?:${alt(KEYWORDS)})${E})`;
const S = 'rights';

// Scope names, one place.
const sc = {
  decl: (w) => `storage.type.${w}.${S}`,
  kw: (w) => `keyword.other.${w}.${S}`,
  // declared names
  rightDecl: `entity.name.constant.right.${S}`,
  rightsPrefix: `entity.name.namespace.right-prefix.${S}`,
  accessDecl: `entity.name.constant.access.${S}`,
  flagDecl: `entity.name.constant.flag.${S}`,
  tagDecl: `entity.name.constant.tag.${S}`,
  role: `entity.name.type.role.${S}`,
  group: `entity.name.type.group.${S}`,
  action: `entity.name.function.action.${S}`,
  report: `entity.name.function.report.${S}`,
  userDecl: `entity.name.variable.user.${S}`,
  resourceDecl: `entity.name.variable.resource.${S}`,
  eventDecl: `entity.name.variable.event.${S}`,
  testName: `entity.name.section.test.${S}`,
  // references
  right: `variable.other.constant.right.${S}`,
  access: `variable.other.constant.access.${S}`,
  flag: `variable.other.constant.flag.${S}`,
  tag: `variable.other.constant.tag.${S}`,
  user: `variable.other.user.${S}`,
  resource: `variable.other.resource.${S}`,
  event: `variable.other.event.${S}`,
  target: `variable.other.constant.target.${S}`, // `can U NAME`: an action or a right
  detailKey: `variable.other.property.detail.${S}`,
  // operators and constants
  logical: `keyword.operator.logical.${S}`,
  wildcard: `keyword.operator.wildcard.${S}`,
  conditional: (w) => `keyword.control.conditional.${w}.${S}`,
  boolean: `constant.language.boolean.${S}`,
  visibility: `constant.language.visibility.${S}`,
  outcome: `constant.language.outcome.${S}`,
};

// A capture for a data id: when it is a string, it is also tokenized as a string.
const idCapture = (name) => ({ name, patterns: [{ include: '#string' }] });
const caps = (...names) => {
  const o = {};
  names.forEach((n, i) => {
    if (n) o[String(i + 1)] = typeof n === 'string' ? { name: n } : n;
  });
  return o;
};
// The whole match (for begin/end patterns without groups).
const whole = (name) => ({ 0: { name } });
const inc = (...names) => names.map((n) => ({ include: `#${n}` }));

// ───────────────────────── shared rules ─────────────────────────

const repository = {};

repository.comments = {
  patterns: [
    {
      // `##` lines document the declaration that follows (only whole lines count).
      match: '^\\s*((##).*)$',
      captures: caps(`comment.block.documentation.${S}`, `punctuation.definition.comment.${S}`),
    },
    {
      match: '(#).*$',
      name: `comment.line.number-sign.${S}`,
      captures: caps(`punctuation.definition.comment.${S}`),
    },
  ],
};

repository.string = {
  name: `string.quoted.double.${S}`,
  begin: '"',
  beginCaptures: whole(`punctuation.definition.string.begin.${S}`),
  end: '(")|$',
  endCaptures: caps(`punctuation.definition.string.end.${S}`),
  patterns: [
    { match: '\\\\["\\\\]', name: `constant.character.escape.${S}` },
    { match: '\\\\.', name: `invalid.illegal.unknown-escape.${S}` },
  ],
};

repository.comma = { match: ',', name: `punctuation.separator.comma.${S}` };
repository.colon = { match: ':', name: `punctuation.separator.colon.${S}` };
repository.wildcard = { match: '\\*', name: sc.wildcard };

// Any keyword not given a more specific scope by the context it appears in.
repository.keywords = {
  patterns: [
    { match: kw(['and', 'or', 'not']), name: sc.logical },
    { match: kw(['true', 'false']), name: sc.boolean },
    { match: kw(['full', 'name_only']), name: sc.visibility },
    { match: kw(['denied', 'empty']), name: sc.outcome },
    { match: kw(['when', 'where']), name: `keyword.control.conditional.${S}` },
    { match: kw(KEYWORDS), name: `keyword.other.${S}` },
    { match: kw(CONTEXTUAL_KEYWORDS), name: `keyword.other.${S}` },
    { match: `${B}\\d{4}-\\d{2}-\\d{2}${E}`, name: `constant.numeric.date.${S}` },
  ],
};

repository.braces = {
  patterns: [
    { match: '\\{', name: `punctuation.section.block.begin.${S}` },
    { match: '\\}', name: `punctuation.section.block.end.${S}` },
    { match: '\\(', name: `punctuation.section.parens.begin.${S}` },
    { match: '\\)', name: `punctuation.section.parens.end.${S}` },
  ],
};

// ── conditions ──
// One operand: `right NAME`, `role NAME`, `flag NAME`, `access NAME`, `can NAME`,
// `tag NAME`, `group ID`, `true`, `false`.
const OPERAND =
  `${B}(?:` +
  `(right)${E}(?:\\s+(${NAME}))?` +
  `|(role)${E}(?:\\s+(${NAME}))?` +
  `|(flag)${E}(?:\\s+(${NAME}))?` +
  `|(access)${E}(?:\\s+(${NAME}))?` +
  `|(can)${E}(?:\\s+(${NAME}))?` +
  `|(tag)${E}(?:\\s+(${NAME}))?` +
  `|(group)${E}(?:\\s+(${ID}))?` +
  `|(true|false)${E}` +
  `)`;
const OPERAND_CAPTURES = caps(
  sc.kw('right'), sc.right,
  sc.kw('role'), sc.role,
  sc.kw('flag'), sc.flag,
  sc.kw('access'), sc.access,
  sc.kw('can'), sc.action,
  sc.kw('tag'), sc.tag,
  sc.kw('group'), idCapture(sc.group),
  sc.boolean,
);

repository['condition-not'] = { match: kw(['not']), name: `keyword.operator.logical.not.${S}` };

// `when|where|requires|and|or`, then `not`s and opening parentheses, then one operand.
// The region ends at the operand, or (on a malformed condition) before the first token
// that cannot start one, so a broken condition never swallows the file. Parentheses are
// plain punctuation: a `)` and the `and`/`or` after it are matched where the condition
// stands, so nesting depth costs nothing (no region per parenthesis).
const PAREN_OPEN = { match: '\\(', name: `punctuation.section.parens.begin.${S}` };
const PAREN_CLOSE = { match: '\\)', name: `punctuation.section.parens.end.${S}` };
repository.condition = {
  patterns: [
    {
      name: `meta.condition.${S}`,
      begin: `${B}(?:(when)|(where)|(requires)|(and)|(or))${E}`,
      beginCaptures: caps(
        sc.conditional('when'), sc.conditional('where'), sc.kw('requires'),
        `keyword.operator.logical.and.${S}`, `keyword.operator.logical.or.${S}`,
      ),
      end:
        `${OPERAND}` +
        `|(?=[^\\s#(A-Za-z_])` +
        `|${B}(?=[A-Za-z_])(?!(?:${alt(OPERAND_KEYWORDS)})${E})`,
      endCaptures: OPERAND_CAPTURES,
      patterns: [...inc('comments', 'condition-not'), PAREN_OPEN],
    },
    PAREN_OPEN,
    PAREN_CLOSE,
  ],
};

// ── lists of references ──
repository['right-patterns'] = {
  patterns: [
    // `prefix.*`: every declared right under prefix
    { match: `${B}(${NAME})(\\.\\*)`, captures: caps(sc.right, sc.wildcard) },
    { include: '#wildcard' },
    { match: `${B}${NOT_KW}${NAME}${E}`, name: sc.right },
  ],
};
const refList = (scope) => ({ match: `${B}${NOT_KW}${NAME}${E}`, name: scope });
const idRefList = (scope) => ({
  match: `${B}${NOT_KW}(${ID})`,
  captures: caps(idCapture(scope)),
});
repository['role-refs'] = refList(sc.role);
repository['access-refs'] = refList(sc.access);
repository['flag-refs'] = refList(sc.flag);
repository['tag-refs'] = refList(sc.tag);
repository['group-refs'] = idRefList(sc.group);
repository['resource-refs'] = idRefList(sc.resource);

repository['on-resource'] = {
  match: `${B}(on)\\s+(resource)${E}`,
  captures: caps(sc.kw('on'), sc.kw('resource')),
};

// ───────────────────────── declarations ─────────────────────────

// A `{ … }` body. It also ends, unclosed, before a line that starts in column 0 with a
// declaration keyword that cannot start a statement of this body, so a missing `}`
// does not swallow the rest of the file (the server reports the error).
const TOP_KEYWORDS = ITEM_KEYWORDS.filter((k) => k !== 'expect');
const block = (patterns, starters = []) => ({
  begin: '\\{',
  beginCaptures: whole(`punctuation.section.block.begin.${S}`),
  end: `\\}|^(?=(?:${alt(TOP_KEYWORDS.filter((k) => !starters.includes(k)))})${E})`,
  endCaptures: whole(`punctuation.section.block.end.${S}`),
  name: `meta.block.${S}`,
  patterns: [...inc('comments'), ...patterns, ...inc('string', 'keywords')],
});

// A declaration: begins at its keyword (and name), holds its header and optional body,
// ends after the body's `}` or before the next declaration keyword / enclosing `}`.
// (`can` inside a declaration is always in a condition, which consumes it; at the start
// of an item it is a REPL query, like `explain`, `who`, `what`.)
const ITEM_END = `(?<=\\})|(?=\\}|${B}(?:${alt([...ITEM_KEYWORDS, 'explain', 'who', 'what', 'can'])})${E})`;
const decl = (what, begin, beginCaptures, header, body, starters = []) => ({
  name: `meta.declaration.${what}.${S}`,
  begin,
  beginCaptures,
  end: ITEM_END,
  patterns: [
    ...inc('comments', 'string'),
    ...header,
    ...(body ? [block(body, starters)] : []),
    ...inc('comma', 'keywords'),
  ],
});

// A statement in a body: `KEYWORD list…`, ends before the next statement keyword of that
// body, a declaration keyword, or the closing brace.
const stmt = (what, begin, beginCaptures, patterns, starters) => ({
  name: `meta.statement.${what}.${S}`,
  begin,
  beginCaptures,
  end: `(?=[{}]|${B}(?:${alt([...new Set([...starters, ...ITEM_KEYWORDS])])})${E})`,
  patterns: [...inc('comments', 'window'), ...patterns, ...inc('comma', 'string', 'keywords')],
});

// `from DATE`, `until DATE` at the end of a user's statement (§9.3): matched before the
// statement's names, so `until` is never taken for one.
repository.window = {
  match: `${B}(from|until)\\s+(\\d{4}-\\d{2}-\\d{2})${E}`,
  captures: caps(`keyword.other.${S}`, `constant.numeric.date.${S}`),
};

// `access RES: LEVEL, …` in user and group bodies, also after `revoke`.
const accessEntry = [
  { match: `${B}${NOT_KW}(${ID})\\s*(:)`, captures: caps(idCapture(sc.resource), `punctuation.separator.colon.${S}`) },
  ...inc('colon', 'access-refs'),
];

const USER_STARTERS = ['roles', 'groups', 'grant', 'revoke', 'flags', 'access'];
const GROUP_STARTERS = ['roles', 'access'];
const ROLE_STARTERS = ['grant', 'assigns'];
const RESOURCE_STARTERS = ['detail', 'tags', 'access'];
const EVENT_STARTERS = ['resources'];

const userBodyStatements = (starters) => ({
  roles: stmt('roles', kw(['roles']), caps(sc.kw('roles')), inc('role-refs'), starters),
  groups: stmt('groups', kw(['groups']), caps(sc.kw('groups')), inc('group-refs'), starters),
  grant: stmt('grant', kw(['grant']), caps(sc.kw('grant')), inc('right-patterns'), starters),
  revokeAccess: stmt('revoke-access', `${B}(revoke)\\s+(access)${E}`,
    caps(sc.kw('revoke'), sc.kw('access')), accessEntry, starters),
  revoke: stmt('revoke', kw(['revoke']), caps(sc.kw('revoke')), inc('right-patterns'), starters),
  flags: stmt('flags', kw(['flags']), caps(sc.kw('flags')), inc('flag-refs'), starters),
  access: stmt('access', kw(['access']), caps(sc.kw('access')), accessEntry, starters),
});

// right NAME "Label"
repository['right-declaration'] = {
  match: `${B}(right)${E}(?:\\s+(${NAME}))?`,
  captures: caps(sc.decl('right'), sc.rightDecl),
};

// rights PREFIX { NAME "Label" … }
repository['rights-declaration'] = decl('rights',
  `${B}(rights)${E}(?:\\s+(${NAME}))?`, caps(sc.decl('rights'), sc.rightsPrefix),
  [],
  [{ match: `${B}${NAME}${E}`, name: sc.rightDecl }],
);

// access NAME "Label" [also when COND]
repository['access-declaration'] = decl('access',
  `${B}(access)${E}(?:\\s+(${NAME}))?`, caps(sc.decl('access'), sc.accessDecl),
  [
    { match: kw(['also']), name: sc.kw('also') },
    { match: kw(['inherited']), name: `keyword.other.${S}` },
    ...inc('condition'),
  ],
);

// flag NAME "Label", tag NAME "Label"
repository['flag-declaration'] = {
  match: `${B}(flag)${E}(?:\\s+(${NAME}))?`,
  captures: caps(sc.decl('flag'), sc.flagDecl),
};
repository['tag-declaration'] = {
  match: `${B}(tag)${E}(?:\\s+(${NAME}))?`,
  captures: caps(sc.decl('tag'), sc.tagDecl),
};

// default role { ROLE when COND … }
repository['default-roles'] = decl('default-roles',
  `${B}(default)\\s+(role)${E}`, caps(`storage.modifier.default.${S}`, sc.decl('role')),
  [],
  inc('condition', 'role-refs'),
);

// role NAME "Label" [extends A, B] [{ grant …  assigns … }]
repository['role-declaration'] = decl('role',
  `${B}(role)${E}(?:\\s+(${NAME}))?`, caps(sc.decl('role'), sc.role),
  [{ match: kw(['extends']), name: sc.kw('extends') }, ...inc('role-refs')],
  [
    stmt('grant', kw(['grant']), caps(sc.kw('grant')), inc('right-patterns'), ROLE_STARTERS),
    stmt('assigns-access', `${B}(assigns)\\s+(access)${E}`, caps(sc.kw('assigns'), sc.kw('access')),
      inc('wildcard', 'on-resource', 'condition', 'access-refs'), ROLE_STARTERS),
    stmt('assigns', kw(['assigns']), caps(sc.kw('assigns')),
      inc('wildcard', 'on-resource', 'condition', 'role-refs'), ROLE_STARTERS),
    ...inc('condition'),
  ],
);

// action NAME "Label" [on resource] when COND
repository['action-declaration'] = decl('action',
  `${B}(action)${E}(?:\\s+(${NAME}))?`, caps(sc.decl('action'), sc.action),
  inc('on-resource', 'condition'),
);

// deny access LEVEL, …|* [when COND]
repository['deny-access-declaration'] = decl('deny-access',
  `${B}(deny)\\s+(access)${E}`, caps(sc.decl('deny'), sc.kw('access')),
  inc('wildcard', 'condition', 'access-refs'),
);
// deny PATTERN, … [when COND]
repository['deny-declaration'] = decl('deny',
  kw(['deny']), caps(sc.decl('deny')),
  inc('condition', 'right-patterns'),
);

// report NAME "Label" { requires COND  rows resources|event [where COND]  details when COND }
repository['report-declaration'] = decl('report',
  `${B}(report)${E}(?:\\s+(${NAME}))?`, caps(sc.decl('report'), sc.report),
  [],
  [
    {
      match: `${B}(rows)${E}(?:\\s+(?:(resources)|(event))${E})?`,
      captures: caps(sc.kw('rows'), sc.kw('resources'), sc.kw('event')),
    },
    { match: kw(['details']), name: sc.kw('details') },
    ...inc('condition'),
  ],
);

// group ID "Label" [in PARENT] [{ roles …  access RES: LEVEL, … }]
{
  const st = userBodyStatements(GROUP_STARTERS);
  repository['group-declaration'] = decl('group',
    `${B}(group)${E}(?:\\s+(${ID}))?`, caps(sc.decl('group'), idCapture(sc.group)),
    [{ match: `${B}(in)${E}(?:\\s+(${ID}))?`, captures: caps(sc.kw('in'), idCapture(sc.group)) }],
    [st.roles, st.access],
    GROUP_STARTERS,
  );
}

// user ID "Label" { roles …  groups …  grant …  revoke …  flags …  access …  revoke access … }
{
  const st = userBodyStatements(USER_STARTERS);
  repository['user-declaration'] = decl('user',
    `${B}(user)${E}(?:\\s+(${ID}))?`, caps(sc.decl('user'), idCapture(sc.userDecl)),
    [],
    [st.roles, st.groups, st.grant, st.revokeAccess, st.revoke, st.flags, st.access],
    USER_STARTERS,
  );
}

// resource ID "Label" [in PARENT] [{ detail KEY "VALUE"  tags …  access for role R: … }]
repository['resource-declaration'] = decl('resource',
  `${B}(resource)${E}(?:\\s+(${ID}))?`, caps(sc.decl('resource'), idCapture(sc.resourceDecl)),
  [{ match: `${B}(in)${E}(?:\\s+(${ID}))?`, captures: caps(sc.kw('in'), idCapture(sc.resource)) }],
  [
    { match: `${B}(detail)${E}(?:\\s+(${IDENT}))?`, captures: caps(sc.kw('detail'), sc.detailKey) },
    stmt('tags', kw(['tags']), caps(sc.kw('tags')), inc('tag-refs'), RESOURCE_STARTERS),
    stmt('role-access', `${B}(access)\\s+(for)\\s+(role)${E}(?:\\s+(${NAME}))?`,
      caps(sc.kw('access'), sc.kw('for'), sc.kw('role'), sc.role), inc('colon', 'access-refs'), RESOURCE_STARTERS),
  ],
  RESOURCE_STARTERS,
);

// event ID "Label" { resources A, B, … }
repository['event-declaration'] = decl('event',
  `${B}(event)${E}(?:\\s+(${ID}))?`, caps(sc.decl('event'), idCapture(sc.eventDecl)),
  [],
  [stmt('resources', kw(['resources']), caps(sc.kw('resources')), inc('resource-refs'), EVENT_STARTERS)],
);

// ───────────────────────── queries and tests ─────────────────────────

// The parts of a query (§5, §8.6), as written after `expect` or on a REPL line.
repository['query-parts'] = {
  patterns: [
    ...inc('comments', 'string'),
    { match: `${B}(who)\\s+(can)${E}`, captures: caps(sc.kw('who'), sc.kw('can')) },
    { match: `${B}(what)\\s+(can)${E}(?:\\s+${NOT_KW}(${ID}))?`, captures: caps(sc.kw('what'), sc.kw('can'), idCapture(sc.user)) },
    { match: `${B}(can)${E}(?:\\s+${NOT_KW}(${ID}))?`, captures: caps(sc.kw('can'), idCapture(sc.user)) },
    { match: `${B}(run)${E}(?:\\s+(${NAME}))?`, captures: caps(sc.kw('run'), sc.report) },
    { match: `${B}(assign)\\s+(access)${E}(?:\\s+(${NAME}))?`, captures: caps(sc.kw('assign'), sc.kw('access'), sc.access) },
    { match: `${B}(assign)${E}(?:\\s+(${NAME}))?`, captures: caps(sc.kw('assign'), sc.role) },
    { match: `${B}(access)${E}(?:\\s+(${NAME}))?`, captures: caps(sc.kw('access'), sc.access) },
    { match: `${B}(to)${E}(?:\\s+(${ID}))?`, captures: caps(sc.kw('to'), idCapture(sc.user)) },
    { match: `${B}(on)${E}(?:\\s+(${ID}))?`, captures: caps(sc.kw('on'), idCapture(sc.resource)) },
    { match: `${B}(report)${E}(?:\\s+(${NAME}))?`, captures: caps(sc.kw('report'), sc.report) },
    { match: `${B}(as)${E}(?:\\s+(${ID}))?`, captures: caps(sc.kw('as'), idCapture(sc.user)) },
    { match: `${B}(for)\\s+(event)${E}(?:\\s+(${ID}))?`, captures: caps(sc.kw('for'), sc.kw('event'), idCapture(sc.event)) },
    { match: kw(['shows']), name: sc.kw('shows') },
    // a row of `shows`: `resource_a name_only`
    { match: `${B}${NOT_KW}(${ID})\\s+(full|name_only)${E}`, captures: caps(idCapture(sc.resource), sc.visibility) },
    { match: kw(['not']), name: `keyword.operator.logical.not.${S}` },
    { match: kw(['explain']), name: sc.kw('explain') },
    { match: kw(['do']), name: sc.kw('do') },
    // `can U NAME`: an action or a right
    { match: `${B}${NOT_KW}${NAME}${E}`, name: sc.target },
    ...inc('comma', 'keywords'),
  ],
};

// `expect [not] can …` / `expect report R as U [for event E] shows …|denied|empty`
repository.expect = {
  name: `meta.statement.expect.${S}`,
  begin: kw(['expect']),
  beginCaptures: caps(sc.kw('expect')),
  end: `(?=[{}]|${B}(?:${alt(ITEM_KEYWORDS.filter((k) => !['access', 'report', 'role', 'right', 'flag', 'tag', 'group'].includes(k)))})${E})`,
  patterns: inc('query-parts'),
};

// test "NAME" { data…  expect … }
repository['test-declaration'] = decl('test',
  `${B}(test)${E}(?:\\s+(${STRING}))?`, caps(sc.decl('test'), { name: sc.testName, patterns: [{ include: '#string' }] }),
  [],
  inc('user-declaration', 'resource-declaration', 'event-declaration', 'group-declaration', 'expect'),
  ['user', 'resource', 'event', 'group', 'expect'],
);

// A query on its own line, as in a REPL transcript (`explain can …`, `who can …`,
// `what can … do`, `can …`). Policy files never start a line with these words.
repository.query = {
  name: `meta.query.${S}`,
  begin: `${B}(?=(?:explain|who|what|can)${E})`,
  end: '$',
  patterns: inc('query-parts'),
};

// ───────────────────────── top level ─────────────────────────

const grammar = {
  $schema: 'https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json',
  name: 'Rights',
  scopeName: 'source.rights',
  fileTypes: ['rights'],
  comment: 'Generated by syntaxes/build-grammar.mjs from the Rights language reference. Do not edit by hand.',
  patterns: inc(
    'comments', 'string',
    'default-roles', 'rights-declaration', 'right-declaration', 'deny-access-declaration',
    'deny-declaration', 'access-declaration', 'flag-declaration', 'tag-declaration',
    'role-declaration', 'action-declaration', 'report-declaration', 'group-declaration',
    'user-declaration', 'resource-declaration', 'event-declaration', 'test-declaration',
    'query', 'condition', 'braces', 'comma', 'keywords',
  ),
  repository,
};

const text = JSON.stringify(grammar, null, 2) + '\n';
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(OUT, 'utf8');
  } catch {
    /* missing */
  }
  if (current !== text) {
    console.error(`${OUT} is not up to date: run \`npm run build:grammar\``);
    process.exit(1);
  }
  console.log('grammar is up to date');
} else {
  writeFileSync(OUT, text);
  console.log(`wrote ${OUT}`);
}
