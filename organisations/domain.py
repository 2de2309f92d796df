"""Write and read functions of the community organisations registry (长宁 seed 003 四(一)).

Seed 003 四(一)2 (实施社区社会组织分级管理): community organisations are kept
in three tiers — 注册社会组织 (registered by the district's civil-affairs
bureau: they carry a unified social credit code), 群众活动团队 (filed by the
street, 备案) and 社区活动小组 (recorded and guided by the residents'
committee). The registry is a programme piece (`OrganisationSettings`): a
street that does not keep it cannot register organisations in it; records
already kept stay when it is turned off.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import rules
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from portal.dates import local_today
from portal.domain import audit_log
from portal.exceptions import ActionRefused
from portal.features import feature_enabled

from .models import FilingStatus, Organisation, OrganisationSettings, Tier
from .rules import can_file_team, can_keep_registry

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from portal.models import Community

# What a caller may set through register/update; filing and recording have their own functions.
EDITABLE = (
    "name",
    "tier",
    "sector",
    "legal_form",
    "credit_code",
    "rating",
    "activity_area",
    "members_count",
    "contact_name",
    "contact_phone",
    "founded_on",
    "notes",
)
REGISTRATION_ONLY = ("credit_code", "legal_form", "rating")


def _require_registry(community: Community) -> None:
    """The registry is a 长宁 programme piece: a street that does not keep it takes no new entries."""
    if not feature_enabled(OrganisationSettings, community.street_id):
        raise ValidationError(
            {"community": _("%(street)s未启用社区组织名录。") % {"street": community.street}}
        )


def _require(predicate: rules.Predicate, by: User | None, obj: Organisation, message: str) -> None:
    if by is not None and not predicate.test(by, obj):
        raise ActionRefused(message)


def _check_tier(organisation: Organisation) -> None:
    """Seed 003 四(一)2: only a registered organisation has a credit code, a legal form and a grade."""
    errors = {}
    if organisation.tier == Tier.REGISTERED:
        if not organisation.credit_code:
            errors["credit_code"] = _("注册社会组织须填写统一社会信用代码。")
        if not organisation.legal_form:
            errors["legal_form"] = _("注册社会组织须选择登记类型。")
    else:
        for name in REGISTRATION_ONLY:
            if getattr(organisation, name):
                errors[name] = _("只有注册社会组织填写此项。")
    if errors:
        raise ValidationError(errors)


def _set(organisation: Organisation, data: dict) -> None:
    unknown = sorted(set(data) - set(EDITABLE))
    if unknown:
        raise ValidationError(_("不能在此修改：%(names)s。") % {"names": "、".join(unknown)})
    for name, value in data.items():
        if value is None and isinstance(
            Organisation._meta.get_field(name), models.CharField | models.TextField
        ):
            value = ""
        setattr(organisation, name, value)
    if organisation.credit_code:
        organisation.credit_code = organisation.credit_code.strip().upper()


@transaction.atomic
def organisation_register(*, community: Community, data: dict, by: User | None) -> Organisation:
    """Enter a community organisation in the registry — seed 003 四(一)1–2.

    The 摸底调研 (四(一)1) lists every organisation; 四(一)2 sorts them into three
    tiers. A 社区活动小组 is recorded by the residents' committee: the record
    date and who recorded it are kept. A 群众活动团队 starts 未备案: the street
    files it with `organisation_file`. A registered organisation needs its
    unified social credit code and legal form (社会团体、社会服务机构、基金会, 二(四)).
    """
    organisation = Organisation(community=community)
    _require(can_keep_registry, by, organisation, _("您不能登记该社区的社区组织。"))
    _require_registry(community)
    _set(organisation, data)
    if organisation.tier == Tier.ACTIVITY_GROUP:
        organisation.recorded_on = local_today()
        organisation.recorded_by = by
    _check_tier(organisation)
    organisation.full_clean()
    organisation.save()
    audit_log(
        subject=organisation,
        action="organisations.organisation.registered",
        actor=by,
        note=f"{organisation.get_tier_display()}：{organisation.name}",
    )
    return organisation


@transaction.atomic
def organisation_update(*, organisation: Organisation, data: dict, by: User | None) -> Organisation:
    """Correct an organisation's record — seed 003 四(一)1 (数据真实准确).

    A filed 群众活动团队 keeps its tier: its filing has to be revoked first
    (`organisation_filing_revoke`), so the street's record and the registry agree.
    """
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    _require(can_keep_registry, by, organisation, _("您不能修改该社区的社区组织。"))
    before = {name: getattr(organisation, name) for name in EDITABLE}
    _set(organisation, data)
    if organisation.filing_status == FilingStatus.FILED and organisation.tier != Tier.ACTIVITY_TEAM:
        raise ValidationError({"tier": _("已备案的群众活动团队不能改为其他层级，请先撤销备案。")})
    if organisation.tier != Tier.ACTIVITY_TEAM and organisation.filing_status != FilingStatus.NOT_FILED:
        # A team whose filing was revoked may become a group or register: the street's record stays in the trail.
        organisation.filing_status, organisation.filing_number, organisation.filed_on = (
            FilingStatus.NOT_FILED,
            "",
            None,
        )
    if organisation.tier == Tier.ACTIVITY_GROUP and organisation.recorded_on is None:
        organisation.recorded_on, organisation.recorded_by = local_today(), by
    _check_tier(organisation)
    organisation.full_clean()
    organisation.save()
    changed = sorted(name for name in EDITABLE if getattr(organisation, name) != before[name])
    audit_log(
        subject=organisation,
        action="organisations.organisation.changed",
        actor=by,
        note=str(organisation),
        data={"fields": changed},
    )
    return organisation


@transaction.atomic
def organisation_file(
    *, organisation: Organisation, number: str, filed_on: dt.date, by: User | None
) -> Organisation:
    """The street files (备案) a 群众活动团队 — seed 003 四(一)2 and 3.

    四(一)2: 街道(镇)主要负责实施社区群众活动团队备案工作; 四(一)3: the filing
    is made in 上海市社区群众活动团队备案系统, whose number is recorded here.
    Only a team is filed, by street staff, once (a revoked filing may be made
    again); the number is unique in the street and the date not in the future.
    """
    organisation = (
        Organisation.objects.select_for_update().select_related("community").get(pk=organisation.pk)
    )
    _require(can_file_team, by, organisation, _("群众活动团队由街道备案。"))
    _require_registry(organisation.community)
    if organisation.tier != Tier.ACTIVITY_TEAM:
        raise ActionRefused(_("只有群众活动团队需要街道备案。"))
    if organisation.filing_status == FilingStatus.FILED:
        raise ActionRefused(_("该团队已于%(day)s备案。") % {"day": organisation.filed_on})
    number = (number or "").strip()
    errors = {}
    if not number:
        errors["number"] = _("请填写备案编号。")
    elif (
        Organisation.objects.filter(
            community__street_id=organisation.community.street_id, filing_number=number
        )
        .exclude(pk=organisation.pk)
        .exists()
    ):
        errors["number"] = _("本街道已有团队使用备案编号%(number)s。") % {"number": number}
    if filed_on is None:
        errors["filed_on"] = _("请填写备案日期。")
    elif filed_on > local_today():
        errors["filed_on"] = _("备案日期不能晚于今天。")
    if errors:
        raise ValidationError(errors)
    before = organisation.filing_status
    organisation.filing_status = FilingStatus.FILED
    organisation.filing_number = number
    organisation.filed_on = filed_on
    organisation.save(update_fields=["filing_status", "filing_number", "filed_on", "updated_at"])
    audit_log(
        subject=organisation,
        action="organisations.organisation.filed",
        actor=by,
        from_state=before,
        to_state=FilingStatus.FILED,
        note=number,
        data={"number": number, "filed_on": filed_on.isoformat()},
    )
    return organisation


@transaction.atomic
def organisation_filing_revoke(*, organisation: Organisation, note: str, by: User | None) -> Organisation:
    """The street revokes a team's filing — seed 003 四(六)16 (名存实亡 organisations are dealt with).

    The reason is required; the number and date stay on the record and in the trail.
    """
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    _require(can_file_team, by, organisation, _("群众活动团队由街道备案。"))
    if organisation.filing_status != FilingStatus.FILED:
        raise ActionRefused(_("该团队没有有效的备案。"))
    if not (note or "").strip():
        raise ValidationError({"note": _("请说明撤销备案的原因。")})
    organisation.filing_status = FilingStatus.REVOKED
    organisation.save(update_fields=["filing_status", "updated_at"])
    audit_log(
        subject=organisation,
        action="organisations.organisation.filing_revoked",
        actor=by,
        from_state=FilingStatus.FILED,
        to_state=FilingStatus.REVOKED,
        note=note.strip(),
    )
    return organisation


def organisations_public(*, street_id: int, community_id: int | None = None) -> QuerySet[Organisation]:
    """The registry as residents may read it: a street that keeps it, its teams filed or not revoked.

    A team whose filing was revoked is left out (seed 003 四(六)16: it no longer acts in the community).
    """
    if not feature_enabled(OrganisationSettings, street_id):
        return Organisation.objects.none()
    qs = Organisation.objects.filter(community__street_id=street_id).exclude(
        filing_status=FilingStatus.REVOKED
    )
    if community_id:
        qs = qs.filter(community_id=community_id)
    return qs.select_related("community").order_by("community__name", "tier", "name")
