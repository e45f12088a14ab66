; Blocks fold: role bodies, reports, data bodies and tests.
[
  (rights_group)
  (role_body)
  (default_roles)
  (report_declaration)
  (user_body)
  (resource_body)
  (group_body)
  (test_declaration)
] @fold
