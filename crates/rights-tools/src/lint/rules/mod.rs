//! The rule catalogue: one file per rule; this table is the single source of
//! truth for codes, names and severities.

use super::Rule;

mod access_deny_removes_nothing;
mod assigns_access_escalation;
mod assigns_escalation;
mod deny_constant;
mod details_constant;
mod duplicate_label;
mod empty_role;
mod grant_always_denied;
mod identical_roles;
mod inherited_without_tree;
mod never_allowed;
mod redundant_role_grant;
mod redundant_user_grant;
mod report_shows_everything;
mod right_never_held;
mod right_without_prefix;
mod role_access_unreachable;
pub(crate) mod trojan_source;
mod unreachable_default_line;
mod unused_attribute;
mod unused_context;
mod unused_group;
mod unused_right;
mod unused_role;
mod unused_tag;
mod useless_revoke;
mod value_nobody_has;
mod window_ended;

pub const RULES: &[Rule] = &[
    unused_right::RULE,
    unused_role::RULE,
    empty_role::RULE,
    redundant_role_grant::RULE,
    redundant_user_grant::RULE,
    useless_revoke::RULE,
    grant_always_denied::RULE,
    unreachable_default_line::RULE,
    report_shows_everything::RULE,
    assigns_escalation::RULE,
    right_without_prefix::RULE,
    duplicate_label::RULE,
    trojan_source::RULE,
    unused_group::RULE,
    unused_tag::RULE,
    role_access_unreachable::RULE,
    access_deny_removes_nothing::RULE,
    assigns_access_escalation::RULE,
    right_never_held::RULE,
    never_allowed::RULE,
    details_constant::RULE,
    deny_constant::RULE,
    identical_roles::RULE,
    window_ended::RULE,
    unused_attribute::RULE,
    unused_context::RULE,
    value_nobody_has::RULE,
    inherited_without_tree::RULE,
];
