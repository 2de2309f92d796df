"""The delivery log: every outbox message, its status and its reason; retry and cancel."""

from django.contrib import admin, messages
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.models import Role
from portal.rules import user_profile

from .catalogue import MESSAGES
from .domain import message_opt_out, outbox_cancel, outbox_retry
from .models import OptOut, OutboxMessage, StaffGroup


def messages_in_scope(user, qs):
    """Street staff see their street's messages, community staff their community's, superusers all."""
    if user.is_superuser:
        return qs
    profile = user_profile(user)
    if profile is None:
        return qs.none()
    if profile.role == Role.STREET_STAFF and profile.street_id:
        return qs.filter(Q(street_id=profile.street_id) | Q(community__street_id=profile.street_id))
    if profile.role == Role.COMMUNITY_STAFF and profile.community_id:
        return qs.filter(community_id=profile.community_id)
    return qs.none()


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "message_label",
        "channel",
        "recipient",
        "status",
        "attempts",
        "sent_at",
        "last_error",
    )
    list_filter = ("status", "channel", "code")
    search_fields = ("recipient", "recipient_name", "key")
    list_select_related = False
    actions = ("retry_messages", "cancel_messages")
    readonly_fields = [field.name for field in OutboxMessage._meta.fields]
    list_per_page = 50
    show_full_result_count = False

    def get_queryset(self, request):
        return messages_in_scope(request.user, super().get_queryset(request))

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("消息类型"), ordering="code")
    def message_label(self, obj):
        known = MESSAGES.get(obj.code)
        return known.label if known else obj.code

    @admin.action(description=_("重新发送所选消息"), permissions=["change"])
    def retry_messages(self, request, queryset):
        count = outbox_retry(messages=queryset, by=request.user)
        messages.success(request, gettext("已重新排队 %(n)d 条消息。") % {"n": count})

    @admin.action(description=_("取消发送所选消息"), permissions=["change"])
    def cancel_messages(self, request, queryset):
        count = outbox_cancel(messages=queryset, by=request.user)
        messages.success(request, gettext("已取消 %(n)d 条消息。") % {"n": count})


@admin.register(OptOut)
class OptOutAdmin(admin.ModelAdmin):
    list_display = ("address", "note", "created_at")
    search_fields = ("address",)
    fields = ("address", "note")

    def save_model(self, request, obj, form, change):
        saved = message_opt_out(address=obj.address, note=obj.note, by=request.user)
        obj.pk = saved.pk


@admin.register(StaffGroup)
class StaffGroupAdmin(admin.ModelAdmin):
    list_display = ("street", "name")

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        profile = user_profile(request.user)
        return qs.filter(street_id=getattr(profile, "street_id", None) or 0)
