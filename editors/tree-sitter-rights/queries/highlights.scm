; Highlighting of Rights policies (the same groups as the TextMate grammar).

(comment) @comment
(string) @string
(label) @string.special
(date) @number
[(true) (false)] @constant.builtin
(all) @operator
(prefix_pattern ".*" @operator)

[
  "access" "action" "also" "as" "assign" "assigns" "at" "attribute" "can"
  "context" "default" "denied" "deny" "detail" "details" "empty" "event"
  "expect" "extends" "flag" "flags" "for" "from" "full" "grant" "group"
  "groups" "in" "inherited" "name_only" "on" "report" "requires" "resource"
  "resources" "revoke" "right" "rights" "role" "roles" "rows" "run" "same"
  "shows" "tag" "tags" "test" "to" "until" "user" "when" "where" "with"
] @keyword

["and" "or" "not"] @keyword.operator
["=" ":" ","] @punctuation.delimiter
["{" "}" "(" ")"] @punctuation.bracket

; the name each declaration declares
(role_declaration (name) @type)
(right_declaration (name) @function)
(rights_group (name) @namespace)
(rights_entry (name) @function)
(access_declaration (name) @constant)
(flag_declaration (name) @constant)
(tag_declaration (name) @constant)
(attribute_declaration (name) @property)
(context_declaration (name) @constant)
(action_declaration (name) @function)
(report_declaration (name) @function)
(user_declaration (data_id) @variable)
(resource_declaration (data_id) @variable)
(group_declaration (data_id) @variable)
(event_declaration (data_id) @variable)
(test_declaration (string) @string.special)

; names where they are used
(role (name) @type)
(extends (name) @type)
(roles (name) @type)
(group_roles (name) @type)
(default_line (name) @type)
(role_access . (name) @type)
(right (name) @function)
(grant (name) @function)
(revoke (name) @function)
(same (name) @property)
(user_attribute (name) @property)
(resource_attribute (name) @property)
(attribute (name) @property)
(detail (identifier) @property)
