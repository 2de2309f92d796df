"""Who may do what with reports, self-evaluations and fund entries (django-rules).

The partner writes its own (晋江 四3: 项目承接单位建立健全项目档案); the community
staff in scope confirm, accept or return (五3 跟踪督促). Level staff read.
"""

import rules

from portal.rules import can_manage_in_scope, can_view_in_scope, is_staff_reader
from services.rules import account_writable, is_partner_member

can_write_for_partner = (is_partner_member & account_writable) | can_manage_in_scope
can_submit_report = can_write_for_partner
can_confirm_report = can_manage_in_scope
can_view_reports = can_view_in_scope | is_partner_member

# Staff open the app in the admin (its menu group); the admin shows it only where a street in
# their scope runs the piece (reports.admin.FeatureScopedAdmin).
rules.set_perm("reports", is_staff_reader)
for model in ("monthlyreport", "selfevaluation", "fundentry"):
    rules.add_perm(f"reports.view_{model}", can_view_in_scope)
    rules.add_perm(f"reports.change_{model}", can_manage_in_scope)
rules.add_perm("reports.add_fundentry", can_manage_in_scope)
rules.add_perm("reports.confirm_monthlyreport", can_confirm_report)
