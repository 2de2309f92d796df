"""Who may keep the community organisations registry (named predicates: admin, domain and views)."""

import rules

from portal.rules import can_manage_in_scope, can_manage_street_wide, can_view_in_scope, is_staff_reader

# The residents' committee records its 社区活动小组 and street staff the rest (seed 003 四(一)2);
# both keep the registry of the communities they look after.
can_keep_registry = can_manage_in_scope
# 群众活动团队备案 is the street's work (seed 003 四(一)2: 街道(镇)主要负责实施社区群众活动团队备案工作).
can_file_team = can_manage_street_wide

rules.set_perm("organisations", is_staff_reader)
rules.add_perm("organisations.view_organisation", can_view_in_scope)
rules.add_perm("organisations.add_organisation", can_keep_registry)
rules.add_perm("organisations.change_organisation", can_keep_registry)
rules.add_perm("organisations.file_organisation", can_file_team)
