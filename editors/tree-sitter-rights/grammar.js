/**
 * @file A tree-sitter grammar of the Rights policy language, for editors
 * (highlighting, folding, selection): it follows grammar/rights.pest, the
 * grammar `rights` itself parses with, and is tested against every policy of
 * the repository (tests in the `tree-sitter-rights` crate).
 */

/// <reference types="tree-sitter-cli/dsl" />
// @ts-check

const PREC = { or: 1, and: 2, not: 3 };

const commaSep1 = (rule) => seq(rule, repeat(seq(',', rule)));

module.exports = grammar({
  name: 'rights',

  extras: ($) => [/\s/, $.comment],

  // keywords are words that the lexer tells apart from names where the
  // grammar expects one of them (contextual keywords come for free)
  word: ($) => $.identifier,

  rules: {
    source_file: ($) => repeat($._item),

    comment: (_) => token(seq('#', /.*/)),

    identifier: (_) => /[a-z_][a-z0-9_]*/,
    // `report.status_detail`: a keyword may be a segment of a dotted name
    name: ($) => choice($.identifier, $.dotted_name),
    dotted_name: (_) => token(seq(/[a-z_][a-z0-9_]*/, repeat1(seq('.', /[a-z_][a-z0-9_]*/)))),
    string: (_) => token(seq('"', repeat(choice(/[^"\\\n\r]/, /\\["\\]/)), '"')),
    date: (_) => /\d{4}-\d{2}-\d{2}/,
    data_id: ($) => choice($.identifier, $.string),
    label: ($) => $.string,

    all: (_) => '*',
    prefix_pattern: ($) => seq($.name, token.immediate('.*')),
    _pattern: ($) => choice($.all, $.prefix_pattern, $.name),

    window: ($) => choice(seq('from', $.date, optional(seq('until', $.date))), seq('until', $.date)),

    // ── conditions ──
    _cond: ($) =>
      choice($.and, $.or, $.not, $.parenthesized, $.true, $.false, $.right, $.role, $.flag, $.access,
        $.can, $.group, $.tag, $.same, $.user_attribute, $.resource_attribute, $.context),
    and: ($) => prec.left(PREC.and, seq($._cond, 'and', $._cond)),
    or: ($) => prec.left(PREC.or, seq($._cond, 'or', $._cond)),
    not: ($) => prec(PREC.not, seq('not', $._cond)),
    parenthesized: ($) => seq('(', $._cond, ')'),
    true: (_) => 'true',
    false: (_) => 'false',
    right: ($) => seq('right', $.name),
    role: ($) => seq('role', $.name),
    flag: ($) => seq('flag', $.name),
    access: ($) => seq('access', $.name),
    can: ($) => seq('can', $.name),
    group: ($) => seq('group', $.data_id),
    tag: ($) => seq('tag', $.name),
    same: ($) => seq('same', $.name),
    user_attribute: ($) => seq('user', $.name, '=', $.string),
    resource_attribute: ($) => seq('resource', $.name, '=', $.string),
    context: ($) => seq('context', $.name),

    // ── declarations ──
    _item: ($) =>
      choice($.right_declaration, $.rights_group, $.access_declaration, $.flag_declaration,
        $.tag_declaration, $.default_roles, $.role_declaration, $.action_declaration,
        $.deny_access, $.deny_declaration, $.report_declaration, $.group_declaration,
        $.user_declaration, $.resource_declaration, $.event_declaration, $.test_declaration,
        $.attribute_declaration, $.context_declaration),

    right_declaration: ($) => seq('right', $.name, optional($.label)),
    rights_group: ($) => seq('rights', $.name, '{', repeat($.rights_entry), '}'),
    rights_entry: ($) => seq($.name, optional($.label)),
    access_declaration: ($) =>
      seq('access', $.name, optional($.label), optional('inherited'), optional($.also_when)),
    also_when: ($) => seq('also', 'when', $._cond),
    attribute_declaration: ($) => seq('attribute', $.name, optional($.label)),
    context_declaration: ($) => seq('context', $.name, optional($.label)),
    flag_declaration: ($) => seq('flag', $.name, optional($.label)),
    tag_declaration: ($) => seq('tag', $.name, optional($.label)),
    role_declaration: ($) =>
      seq('role', $.name, optional($.label), optional($.extends), optional($.role_body)),
    extends: ($) => seq('extends', commaSep1($.name)),
    role_body: ($) => seq('{', repeat(choice($.grant, $.assigns_access, $.assigns)), '}'),
    grant: ($) => seq('grant', commaSep1($._pattern), optional($.window)),
    assigns: ($) =>
      seq('assigns', choice($.all, commaSep1($.name)), optional(choice($.assigns_scope, $.when))),
    assigns_scope: ($) => seq('on', 'resource', optional($.when)),
    assigns_access: ($) => seq('assigns', 'access', choice($.all, commaSep1($.name)), $.assigns_scope),
    when: ($) => seq('when', $._cond),
    default_roles: ($) => seq('default', 'role', '{', repeat($.default_line), '}'),
    default_line: ($) => prec.right(seq($.name, optional($.when))),
    action_declaration: ($) =>
      seq('action', $.name, optional($.label), optional(seq('on', 'resource')), $.when),
    deny_declaration: ($) => seq('deny', commaSep1($._pattern), optional($.when)),
    deny_access: ($) => seq('deny', 'access', choice($.all, commaSep1($.name)), optional($.when)),
    report_declaration: ($) =>
      seq('report', $.name, optional($.label), '{',
        repeat(choice($.requires, $.rows, $.details)), '}'),
    requires: ($) => seq('requires', $._cond),
    rows: ($) => seq('rows', choice('resources', 'event'), optional(seq('where', $._cond))),
    details: ($) => seq('details', 'when', $._cond),

    // ── data ──
    user_declaration: ($) => seq('user', $.data_id, optional($.label), optional($.user_body)),
    user_body: ($) =>
      seq('{', repeat(choice($.roles, $.groups, $.grant, $.revoke_access, $.revoke, $.flags,
        $.user_access, $.attribute)), '}'),
    roles: ($) => seq('roles', commaSep1($.name), optional($.window)),
    groups: ($) => seq('groups', commaSep1($.data_id), optional($.window)),
    revoke: ($) => seq('revoke', commaSep1($._pattern), optional($.window)),
    revoke_access: ($) =>
      seq('revoke', 'access', $.data_id, ':', commaSep1($.name), optional($.window)),
    flags: ($) => seq('flags', commaSep1($.name)),
    user_access: ($) => seq('access', $.data_id, ':', commaSep1($.name), optional($.window)),
    attribute: ($) => seq('attribute', $.name, commaSep1($.string)),
    resource_declaration: ($) =>
      seq('resource', $.data_id, optional($.label), optional(seq('in', $.data_id)),
        optional($.resource_body)),
    resource_body: ($) =>
      seq('{', repeat(choice($.detail, $.tags, $.role_access, $.attribute)), '}'),
    detail: ($) => seq('detail', $.identifier, $.string),
    tags: ($) => seq('tags', commaSep1($.name)),
    role_access: ($) => seq('access', 'for', 'role', $.name, ':', commaSep1($.name)),
    group_declaration: ($) =>
      seq('group', $.data_id, optional($.label), optional(seq('in', $.data_id)),
        optional($.group_body)),
    group_body: ($) => seq('{', repeat(choice($.group_roles, $.group_access)), '}'),
    group_roles: ($) => seq('roles', commaSep1($.name)),
    group_access: ($) => seq('access', $.data_id, ':', commaSep1($.name)),
    event_declaration: ($) =>
      seq('event', $.data_id, optional($.label), optional(seq('{', repeat($.event_resources), '}'))),
    event_resources: ($) => seq('resources', commaSep1($.data_id)),

    // ── tests ──
    test_declaration: ($) =>
      seq('test', $.string, optional($.at), '{',
        repeat(choice($.user_declaration, $.resource_declaration, $.event_declaration,
          $.group_declaration, $.expect)), '}'),
    expect: ($) => seq('expect', choice($.expect_report, seq(optional('not'), $.can_query))),
    expect_report: ($) =>
      seq($.report_query, choice(seq('shows', commaSep1($.expect_row)), 'denied', 'empty')),
    expect_row: ($) => seq($.data_id, choice('full', 'name_only')),

    // ── queries (as in expectations) ──
    can_query: ($) => seq('can', $.data_id, $._can_target, optional($.with), optional($.at)),
    _can_target: ($) =>
      choice($.run_target, $.assign_access_target, $.assign_target, $.access_target, $.named_target),
    run_target: ($) =>
      prec.right(seq('run', $.name, optional($.on), optional(seq('for', 'event', $.data_id)))),
    access_target: ($) => seq('access', $.name, $.on),
    assign_access_target: ($) =>
      prec.right(seq('assign', 'access', $.name, 'to', $.data_id, optional($.on))),
    assign_target: ($) => prec.right(seq('assign', $.name, 'to', $.data_id, optional($.on))),
    named_target: ($) => prec.right(seq($.name, optional($.on))),
    on: ($) => seq('on', $.data_id),
    with: ($) => seq('with', commaSep1($.name)),
    at: ($) => seq('at', $.date),
    report_query: ($) =>
      seq('report', $.name, 'as', $.data_id, optional(seq('for', 'event', $.data_id)),
        optional($.with), optional($.at)),
  },
});
