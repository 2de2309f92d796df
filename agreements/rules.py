"""Who may do what with agreements (named predicates, used by admin, views and API alike)."""

import rules

from portal.rules import can_manage_in_scope, can_manage_street_wide, can_view_in_scope

# Community or street staff looking after the partner's community draft agreements,
# record signatures and download the text.
can_view_agreement = can_view_in_scope  # district and city staff read too (issue 15)
can_draft_agreement = can_manage_in_scope
can_record_signature = can_manage_in_scope
# The street committee reviews special extensions and decides renewals (rulebook 四(二)2, 五(三)2).
can_record_special_approval = can_manage_street_wide
can_decide_renewal = can_manage_street_wide

rules.add_perm("agreements.view_agreement", can_view_agreement)
rules.add_perm("agreements.add_agreement", can_draft_agreement)
rules.add_perm("agreements.sign_agreement", can_record_signature)
rules.add_perm("agreements.add_specialapproval", can_record_special_approval)
rules.add_perm("agreements.change_specialapproval", can_record_special_approval)
rules.add_perm("agreements.change_agreement", can_draft_agreement)
rules.add_perm("agreements.view_servicetarget", can_view_agreement)
rules.add_perm("agreements.add_servicetarget", can_draft_agreement)
rules.add_perm("agreements.change_servicetarget", can_draft_agreement)
rules.add_perm("agreements.delete_servicetarget", can_draft_agreement)
rules.add_perm("agreements.view_agreementsignature", can_view_agreement)
rules.add_perm("agreements.add_agreementsignature", can_record_signature)
rules.add_perm("agreements.view_specialapproval", can_view_agreement)
rules.add_perm("agreements.view_renewalreminder", can_view_agreement)
