//! The rule catalogue: one file per rule; this table is the single source of
//! truth for codes, names and severities.

use super::Rule;

mod assigns_escalation;
mod duplicate_label;
mod empty_role;
mod grant_always_denied;
mod redundant_role_grant;
mod redundant_user_grant;
mod report_shows_everything;
mod right_without_prefix;
pub(crate) mod trojan_source;
mod unreachable_default_line;
mod unused_right;
mod unused_role;
mod useless_revoke;

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
];
