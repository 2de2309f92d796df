"""API plumbing shared by every app's `api.py`: permissions, the one mapping of refusals, named enums."""

from __future__ import annotations

from collections import Counter

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

    detail = serializers.JSONField(help_text=_("原因：一条或多条消息"))
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=_("按字段列出的原因（如有）"),
    )


REFUSAL_DESCRIPTIONS = {
    400: _("输入或业务规则不允许，附原因"),
    403: _("无权限"),
    404: _("记录不存在或不在您的范围内"),
    409: _("当前状态下不能执行该操作，附原因"),
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


def _referenced_by(exc: ProtectedError | RestrictedError) -> str:
    """What still references a record whose delete was refused: "使用时段 1 条、党工委决定 2 条"."""
    objects = exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects
    counts = Counter(str(obj._meta.verbose_name) for obj in objects)
    return "、".join(
        str(_("%(what)s %(count)s 条")) % {"what": what, "count": count} for what, count in counts.items()
    )


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
        message = _("该记录仍被其他记录引用（%(refs)s），不能删除；请先处理这些记录。")
        body, code = {"detail": [str(message) % {"refs": _referenced_by(exc)}]}, status.HTTP_409_CONFLICT
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


# Times as the API writes and reads them: "09:00" or "09:00:00" (JSON Schema's "time" format wants
# an RFC 3339 time with a UTC offset, which DRF's TimeField neither writes nor needs).
TIME_SCHEMA = {"type": "string", "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]+)?)?$"}
# Every operation may meet these; 400 where the client sends something (query or body).
ALWAYS_POSSIBLE = {
    401: _("未登录或令牌无效"),
    403: _("无权限"),
    404: _("记录不存在、不在您的范围内，或页码超出范围"),
    503: _("数据库暂时无法连接，请按 Retry-After 稍后再试"),
}


def _error_response(description) -> dict:
    return {
        "description": str(description),
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Detail"}}},
    }


def _rewrite_formats(node, *, response: bool):
    """Times to TIME_SCHEMA; in responses, an e-mail may also be "" (a contact left blank)."""
    if isinstance(node, list):
        for item in node:
            _rewrite_formats(item, response=response)
        return
    if not isinstance(node, dict):
        return
    # drf-spectacular already offers "" beside the e-mail of a field that allows blank.
    blank_offered = any(isinstance(o, dict) and o.get("maxLength") == 0 for o in node.get("oneOf", []))
    for value in node.values():
        _rewrite_formats(value, response=response and not blank_offered)
    if node.get("format") == "time":
        node.pop("format")
        node.update(TIME_SCHEMA)
    elif node.get("format") == "email" and response:
        node.pop("format")
        node["anyOf"] = [{"format": "email"}, {"maxLength": 0}]


def document_refusals(result, generator, request, public):
    """drf-spectacular postprocessing hook: the schema says what the exception handler answers.

    Every operation documents 401/403/404/503 (and 400 when it takes query parameters or a
    body) with the `Detail` body that `exception_handler` and portal.middleware always send;
    times and blank e-mails are described as the serializers really write them.
    """
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault(
        "Detail",
        {"type": "object", "properties": {"detail": {}}, "required": ["detail"]},
    )
    for methods in result.get("paths", {}).values():
        for method, operation in methods.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            codes = dict(ALWAYS_POSSIBLE)
            takes_input = "requestBody" in operation or any(
                parameter.get("in") == "query" for parameter in operation.get("parameters", [])
            )
            if takes_input:
                codes[400] = REFUSAL_DESCRIPTIONS[400]
            for code, description in codes.items():
                responses.setdefault(str(code), _error_response(description))
    for name, component in schemas.items():
        _rewrite_formats(component, response=not name.endswith("Request"))
    for methods in result.get("paths", {}).values():
        _rewrite_formats(methods, response=False)
    return result


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
