"""API plumbing shared by every app's `api.py`: permissions, the one mapping of refusals, named enums."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import exceptions, permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from .choices import PartnerKind
from .exceptions import ActionRefused
from .permissions import ReadOnlyForLevelStaff  # noqa: F401 - the apps' api.py use it from here
from .rules import is_level_staff, is_staff_member, is_street_staff, is_superuser, user_profile


class IsStaffMember(permissions.BasePermission):
    """Street or community staff (or a superuser); district and city staff read only; others refused."""

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS and is_level_staff.test(request.user):
            return True
        return bool(is_staff_member.test(request.user))


class IsStreetStaff(permissions.BasePermission):
    """Street staff (or a superuser): notices are the street's decision; district and city staff read."""

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS and is_level_staff.test(request.user):
            return True
        return bool((is_superuser | is_street_staff).test(request.user))


class DetailSerializer(serializers.Serializer):
    """What every error response looks like: `detail` (the messages), and `errors` by field when known."""

    detail = serializers.JSONField(help_text=_("原因:一条或多条消息"))
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=_("按字段列出的原因(如有)"),
    )


REFUSAL_DESCRIPTIONS = {
    400: _("输入或业务规则不允许,附原因"),
    403: _("无权限"),
    404: _("记录不存在或不在您的范围内"),
    409: _("当前状态下不能执行该操作,附原因"),
}


def refused_responses(ok=None, *, status_code=200, codes=(400, 403, 404, 409)):
    """OpenAPI responses of an action: `ok` on success, and the refusals the exception handler maps."""
    responses = {} if status_code is None else {status_code: ok}
    for code in codes:
        responses[code] = OpenApiResponse(DetailSerializer, description=str(REFUSAL_DESCRIPTIONS[code]))
    return responses


def refused_writes(serializer):
    """Document a ModelViewSet's writes with the refusals they may meet (a class decorator)."""
    return extend_schema_view(
        create=extend_schema(responses=refused_responses(serializer, status_code=201)),
        update=extend_schema(responses=refused_responses(serializer)),
        partial_update=extend_schema(responses=refused_responses(serializer)),
        destroy=extend_schema(responses=refused_responses(None, status_code=204)),
    )


def _flatten(data) -> list[str]:
    """Every message of a DRF error body (a string, list or dict, nested or not), in order."""
    if isinstance(data, dict):
        return [message for value in data.values() for message in _flatten(value)]
    if isinstance(data, (list, tuple)):
        return [message for value in data for message in _flatten(value)]
    return [str(data)]


def _error_body(error: ValidationError) -> dict:
    body = {"detail": [str(m) for m in error.messages]}
    if hasattr(error, "error_dict"):
        body["errors"] = {field: [str(m) for m in messages] for field, messages in error.message_dict.items()}
    return body


def exception_handler(exc, context):
    """The one mapping from refusals to API responses (REST_FRAMEWORK["EXCEPTION_HANDLER"]).

    ValidationError → 400, ActionRefused → 409, PermissionDenied → 403, a missing
    object → 404, a delete refused by a protecting foreign key → 409; DRF's own
    exceptions as DRF answers them. Every body carries `detail`.
    """
    if isinstance(exc, ValidationError):
        body, code = _error_body(exc), status.HTTP_400_BAD_REQUEST
    elif isinstance(exc, ActionRefused):
        body, code = {"detail": exc.messages}, status.HTTP_409_CONFLICT
    elif isinstance(exc, ProtectedError | RestrictedError):
        body, code = {"detail": [str(_("该记录仍被其他记录引用,不能删除。"))]}, status.HTTP_409_CONFLICT
    else:
        if isinstance(exc, PermissionDenied):
            exc = exceptions.PermissionDenied(str(exc) or None)
        elif isinstance(exc, Http404 | ObjectDoesNotExist):
            exc = exceptions.NotFound()
        response = drf_exception_handler(exc, context)
        if response is not None and not (isinstance(response.data, dict) and "detail" in response.data):
            data = response.data
            response.data = (
                {**data, "detail": _flatten(data)} if isinstance(data, dict) else {"detail": _flatten(data)}
            )
        return response
    set_rollback()
    return Response(body, status=code)


@extend_schema_field({"type": "string", "enum": list(PartnerKind.values)}, component_name="PartnerKindEnum")
class PartnerKindField(serializers.ChoiceField):
    """Applicant kinds (适用对象) as one named enum: several models call their own choices "kind"."""

    def __init__(self, **kwargs):
        super().__init__(choices=PartnerKind.choices, **kwargs)


def user_street_id(user):
    profile = user_profile(user)
    return profile.street_id if profile else None


def register(router):
    """The foundation exposes no resources of its own."""
