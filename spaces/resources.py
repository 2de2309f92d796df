"""Import and export of the three lists and the time slots (django-import-export).

Column headers are the Chinese labels staff see in the admin; choice columns
take and give the Chinese label (the code is accepted too). Every resource is
built for one user: communities, spaces and partners outside the user's
scope are "unknown", so a file can neither read nor write beyond it.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from partners.models import Partner
from portal.batching import coalesced, records_bulk_written
from portal.choices import PartnerKind, ServiceCategory, TargetGroup
from portal.models import Community
from portal.rules import scope_queryset

from .domain import timeslot_validate
from .models import (
    CollectionMethod,
    ContactStatus,
    Occupancy,
    Prospect,
    ResidentNeed,
    Space,
    SpaceNature,
    TimeSlot,
)

WEEKDAYS = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]


class ChoiceWidget(widgets.Widget):
    """A choice column: the Chinese label on export; label or code on import."""

    def __init__(self, choices, *, required: bool = False):
        super().__init__()
        self.by_label = {str(label): value for value, label in choices}
        self.labels = {value: str(label) for value, label in choices}
        self.required = required

    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else str(value).strip()
        if not text:
            if self.required:
                raise ValueError(_("不能为空。"))
            return None
        if text in self.labels:
            return text
        if text in self.by_label:
            return self.by_label[text]
        raise ValueError(
            _("“%(value)s”不是有效选项（可选：%(options)s）。")
            % {"value": text, "options": "、".join(self.by_label)}
        )

    def render(self, value, obj=None, **kwargs):
        return self.labels.get(value, value or "")


class MultiChoiceWidget(ChoiceWidget):
    """A list of choices in one cell, separated by 、 or commas."""

    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else str(value)
        parts = [p.strip() for p in text.replace(",", "、").replace(",", "、").split("、") if p.strip()]
        return [ChoiceWidget.clean(self, part) for part in parts]

    def render(self, value, obj=None, **kwargs):
        return "、".join(self.labels.get(v, v) for v in value or [])


class YesNoWidget(widgets.BooleanWidget):
    TRUE_VALUES = [*widgets.BooleanWidget.TRUE_VALUES, "是", "有", "√"]
    FALSE_VALUES = [*widgets.BooleanWidget.FALSE_VALUES, "否", "无", "×"]

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, str):
            value = value.strip()
        if value in ("", None):
            return False
        if value not in self.TRUE_VALUES + self.FALSE_VALUES:
            raise ValueError(_("请填写“是”或“否”。"))
        return value in self.TRUE_VALUES

    def render(self, value, obj=None, **kwargs):
        return _("是") if value else _("否")


class WeekdayWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else str(value).strip()
        if not text:
            return None
        text = text.replace("星期", "周").replace("周天", "周日")
        if text in WEEKDAYS:
            return WEEKDAYS.index(text)
        raise ValueError(_("星期应填写周一至周日。"))

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else WEEKDAYS[value]


class ScopedLookupWidget(widgets.Widget):
    """A foreign key found by name among the records the user may see."""

    def __init__(self, lookup: dict, message):
        super().__init__()
        self.lookup = lookup
        self.message = message

    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else str(value).strip()
        if not text:
            return None
        found = self.lookup.get(text)
        if found is None:
            raise ValueError(self.message % {"value": text})
        if found == "ambiguous":
            raise ValueError(_("“%(value)s”有多个同名记录，请联系街道管理员。") % {"value": text})
        return found

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(getattr(value, "name", value))


def _unique_by_name(items, key=lambda o: o.name) -> dict:
    lookup: dict = {}
    for item in items:
        name = key(item)
        lookup[name] = "ambiguous" if name in lookup else item
    return lookup


class ScopedResource(resources.ModelResource):
    """A resource bound to a user's scope; REQUIRED lists the columns a file must have."""

    REQUIRED: list[str] = []
    # Rows above the header in the file read (an exported ledger's title row), for row numbers.
    row_offset = 0

    def __init__(self, user=None, **kwargs):
        self.user = user
        super().__init__(**kwargs)
        model = self._meta.model
        for name, field in self.fields.items():
            if field.column_name == name and field.attribute:
                try:
                    field.column_name = str(model._meta.get_field(field.attribute).verbose_name)
                except Exception:  # a computed column keeps its given header
                    pass
        self.communities = _unique_by_name(scope_queryset(user, Community.objects.all(), ""))
        community_field = self.fields.get("community")
        if community_field is not None:
            community_field.widget = ScopedLookupWidget(
                self.communities, _("未知社区“%(value)s”，或不在您的管理范围内。")
            )

    # Foreign keys resolved by the scoped widgets need no second existence query per row.
    RESOLVED_FKS: tuple[str, ...] = ("community",)

    def before_import_row(self, row, **kwargs):
        self.current_row = kwargs.get("row_number") or 0

    def import_data_inner(self, *args, **kwargs):
        # Inside the import's transaction: work derived from many rows (the dashboard's
        # summary rows) is done once at the end (portal.batching), not once per row.
        with coalesced():
            return super().import_data_inner(*args, **kwargs)

    def before_save_instance(self, instance, row, **kwargs):
        super().before_save_instance(instance, row, **kwargs)
        # Bulk writes send no post_save: remember the communities for the dashboard's rows.
        self._written = getattr(self, "_written", set())
        self._written.add(self.community_of(instance))

    def community_of(self, instance) -> int | None:
        return getattr(instance, "community_id", None)

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        written = getattr(self, "_written", set()) - {None}
        if written and not self._is_dry_run(kwargs) and not result.has_errors():
            # Inside the import's transaction (import-export wraps after_import in it).
            records_bulk_written.send(sender=self._meta.model, community_ids=written)
        self._written = set()

    def clean_instance(self, instance, errors: dict) -> dict:
        """Model validation without per-row queries (uniqueness is checked against preloaded keys)."""
        try:
            instance.full_clean(
                exclude=[*errors.keys(), *self.RESOLVED_FKS],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        return errors

    def missing_columns(self, headers) -> list[str]:
        headers = {str(h).strip() for h in headers or []}
        return [str(c) for c in self.REQUIRED if str(c) not in headers]

    # The ledger export (portal.ledgers.LedgerExportMixin) reads these three.
    @classmethod
    def get_display_name(cls):
        return str(cls._meta.model._meta.verbose_name_plural)

    def headers(self) -> list[str]:
        return self.get_export_headers()

    def rows(self, queryset, *, native: bool = False):
        for obj in self.iter_queryset(queryset):
            yield self.export_resource(obj, force_native_type=native)

    def get_export_queryset(self, request=None):
        # The admin passes its own (scoped, filtered) queryset; this is for direct use.
        return scope_queryset(self.user, self._meta.model.objects.all())


class _ByCommunityAndName(ScopedResource):
    """Rows are matched to existing records by (community, name): re-importing updates."""

    name_field = "name"

    def before_import(self, dataset, **kwargs):
        model = self._meta.model
        ids = [c.pk for c in self.communities.values() if c != "ambiguous"]
        self.existing = {
            (o.community_id, getattr(o, self.name_field)): o
            for o in model.objects.filter(community_id__in=ids)
        }
        self.seen: dict = {}

    def get_instance(self, instance_loader, row):
        community = self.communities.get(str(row.get(self.fields["community"].column_name) or "").strip())
        name = str(row.get(self.fields[self.name_field].column_name) or "").strip()
        if community is None or community == "ambiguous":
            return None
        return self.existing.get((community.pk, name))

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """The (community, name) key is unique: checked against the preloaded keys and earlier rows."""
        errors = dict(import_validation_errors or {})
        if instance.community_id:
            key = (instance.community_id, getattr(instance, self.name_field))
            if key in self.seen:
                errors.setdefault(self.name_field, []).append(
                    _("与第 %(row)s 行重复。") % {"row": self.seen[key] + 1 + self.row_offset}
                )
            else:
                self.seen[key] = self.current_row
        errors = self.clean_instance(instance, errors)
        if errors:
            raise ValidationError(errors)


class SpaceResource(_ByCommunityAndName):
    community = fields.Field("community", column_name=str(Space._meta.get_field("community").verbose_name))
    nature = fields.Field(
        "nature",
        column_name="性质",
        widget=ChoiceWidget(SpaceNature.choices),
        default=SpaceNature.SERVICE_CENTRE,
    )
    occupancy = fields.Field(
        "occupancy", column_name="使用状态", widget=ChoiceWidget(Occupancy.choices), default=Occupancy.IDLE
    )
    has_water = fields.Field("has_water", column_name="通水", widget=YesNoWidget())
    has_power = fields.Field("has_power", column_name="通电", widget=YesNoWidget())
    has_network = fields.Field("has_network", column_name="网络", widget=YesNoWidget())
    has_furniture = fields.Field("has_furniture", column_name="桌椅家具", widget=YesNoWidget())
    is_accessible = fields.Field("is_accessible", column_name="无障碍通行", widget=YesNoWidget())

    REQUIRED = ["社区", "名称", "面积（㎡）"]

    def before_save_instance(self, instance, row, **kwargs):
        super().before_save_instance(instance, row, **kwargs)
        # bulk_update() skips auto_now; keep "last updated" honest for re-imported rows.
        instance.updated_at = timezone.now()

    def get_bulk_update_fields(self):
        return [*super().get_bulk_update_fields(), "updated_at"]

    class Meta:
        model = Space
        fields = [
            "community",
            "name",
            "address",
            "area_m2",
            "nature",
            "occupancy",
            "has_water",
            "has_power",
            "has_network",
            "has_furniture",
            "is_accessible",
            "capacity",
            "opening_hours",
            "latitude",
            "longitude",
            "notes",
        ]
        import_id_fields = ["community", "name"]
        clean_model_instances = True
        skip_diff = True
        use_transactions = True
        use_bulk = True
        batch_size = 1000


class ResidentNeedResource(ScopedResource):
    """Needs have no natural key: the exported 编号 column lets a re-import update instead of duplicate."""

    id = fields.Field("id", column_name="编号", widget=widgets.IntegerWidget())
    community = fields.Field("community", column_name="社区")
    category = fields.Field(
        "category", column_name="服务类别", widget=ChoiceWidget(ServiceCategory.choices, required=True)
    )
    collection_method = fields.Field(
        "collection_method",
        column_name="收集方式",
        widget=ChoiceWidget(CollectionMethod.choices, required=True),
    )
    target_groups = fields.Field(
        "target_groups", column_name="服务对象", widget=MultiChoiceWidget(TargetGroup.choices)
    )
    space = fields.Field("space", column_name="相关空间")

    REQUIRED = ["社区", "需求", "服务类别", "收集方式"]

    class Meta:
        model = ResidentNeed
        fields = [
            "id",
            "community",
            "title",
            "description",
            "category",
            "collection_method",
            "collected_by",
            "collected_on",
            "target_groups",
            "residents_count",
            "space",
            "notes",
        ]
        import_id_fields = ["id"]
        clean_model_instances = True
        skip_diff = True
        use_transactions = True
        use_bulk = True
        batch_size = 1000

    RESOLVED_FKS = ("community", "space", "covered_by")

    def __init__(self, user=None, **kwargs):
        super().__init__(user, **kwargs)
        spaces = scope_queryset(user, Space.objects.select_related("community"))
        self.fields["space"].widget = ScopedLookupWidget(
            _unique_by_name(spaces), _("未知空间“%(value)s”，或不在您的管理范围内。")
        )

    def before_import(self, dataset, **kwargs):
        self.existing = {}
        if "编号" in (dataset.headers or []):
            self.existing = {n.pk: n for n in scope_queryset(self.user, ResidentNeed.objects.all())}

    def get_instance(self, instance_loader, row):
        value = str(row.get("编号") or "").strip()
        if not value:
            return None
        try:
            return self.existing[int(float(value))]
        except (KeyError, ValueError):
            raise ValueError(_("编号“%(value)s”不存在，或不在您的管理范围内。") % {"value": value}) from None

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        if (
            instance.space_id
            and instance.community_id
            and instance.space.community_id != instance.community_id
        ):
            errors.setdefault("space", []).append(_("相关空间不属于该社区。"))
        errors = self.clean_instance(instance, errors)
        if errors:
            raise ValidationError(errors)


class ProspectResource(_ByCommunityAndName):
    community = fields.Field("community", column_name="社区")
    kind = fields.Field(
        "kind", column_name="主体类型", widget=ChoiceWidget(PartnerKind.choices, required=True)
    )
    categories = fields.Field(
        "categories", column_name="服务类别", widget=MultiChoiceWidget(ServiceCategory.choices)
    )
    contact_status = fields.Field(
        "contact_status",
        column_name="联系状态",
        widget=ChoiceWidget(ContactStatus.choices),
        default=ContactStatus.NOT_CONTACTED,
    )

    REQUIRED = ["社区", "名称/姓名", "主体类型"]

    class Meta:
        model = Prospect
        fields = [
            "community",
            "name",
            "kind",
            "contact_name",
            "phone",
            "email",
            "offer",
            "categories",
            "contact_status",
            "notes",
        ]
        import_id_fields = ["community", "name"]
        clean_model_instances = True
        skip_diff = True
        use_transactions = True
        use_bulk = True
        batch_size = 1000


class TimeSlotResource(ScopedResource):
    """Bookings; each row is checked against the space's existing slots and the rows above it."""

    community = fields.Field(attribute=None, column_name="社区")
    space = fields.Field("space", column_name="空间")
    partner = fields.Field("partner", column_name="睦邻合伙人")
    weekday = fields.Field("weekday", column_name="星期", widget=WeekdayWidget())

    REQUIRED = ["社区", "空间", "开始时间", "结束时间"]

    class Meta:
        model = TimeSlot
        fields = [
            "community",
            "space",
            "partner",
            "title",
            "weekday",
            "date",
            "start_time",
            "end_time",
            "valid_from",
            "valid_to",
        ]
        import_id_fields = []
        force_init_instance = True
        clean_model_instances = True
        skip_diff = True
        use_transactions = True

    def __init__(self, user=None, **kwargs):
        super().__init__(user, **kwargs)
        self.spaces = {
            (s.community.name, s.name): s
            for s in scope_queryset(user, Space.objects.select_related("community"))
        }
        partners = scope_queryset(user, Partner.objects.select_related("application"))
        self.fields["partner"].widget = ScopedLookupWidget(
            _unique_by_name(partners), _("未知合伙人“%(value)s”，或不在您的管理范围内。")
        )
        self.fields["community"].widget = widgets.Widget()
        self.fields["space"].widget = widgets.Widget()

    def community_of(self, instance) -> int | None:
        return instance.space.community_id if instance.space_id else None

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        if field.column_name == "社区":
            return
        if field.column_name == "空间":
            community = str(row.get("社区") or "").strip()
            name = str(row.get("空间") or "").strip()
            if community not in self.communities:
                raise ValidationError(
                    {"space": _("未知社区“%(value)s”，或不在您的管理范围内。") % {"value": community}}
                )
            space = self.spaces.get((community, name))
            if space is None:
                raise ValidationError(
                    {
                        "space": _("社区“%(community)s”没有名为“%(value)s”的空间。")
                        % {"community": community, "value": name}
                    }
                )
            instance.space = space
            return
        super().import_field(field, instance, row, is_m2m, **kwargs)

    def export_field(self, field, instance, **kwargs):
        if field.column_name == "社区":
            return instance.space.community.name
        if field.column_name == "空间":
            return instance.space.name
        if field.column_name == "睦邻合伙人":
            return instance.partner.name if instance.partner_id else ""
        return super().export_field(field, instance, **kwargs)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        if import_validation_errors:
            raise ValidationError(import_validation_errors)
        timeslot_validate(instance)


RESOURCES = {
    "spaces": SpaceResource,
    "needs": ResidentNeedResource,
    "prospects": ProspectResource,
    "timeslots": TimeSlotResource,
}
