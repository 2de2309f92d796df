"""API plumbing shared by every app's `api.py`: permissions, refusals, named enums."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema_field
from rest_framework import permissions, serializers, status
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.response import Response

from .choices import PartnerKind
from .exceptions import ActionRefused
from .rules import is_staff_member, is_street_staff, is_superuser, user_profile


class IsStaffMember(permissions.BasePermission):
    """Street or community staff (or a superuser); everyone else is refused."""

    def has_permission(self, request, view):
        return bool(is_staff_member.test(request.user))


class IsStreetStaff(permissions.BasePermission):
    """Street staff (or a superuser): notices are the street's decision."""

    def has_permission(self, request, view):
        return bool((is_superuser | is_street_staff).test(request.user))


class DetailSerializer(serializers.Serializer):
    """What a refusal looks like: the domain's messages, or messages per field."""

    detail = serializers.JSONField()


def refusal_response(error) -> Response:
    if isinstance(error, ActionRefused):
        detail = error.messages
    elif hasattr(error, "error_dict"):
        detail = error.message_dict
    else:
        detail = error.messages
    return Response({"detail": detail}, status=status.HTTP_400_BAD_REQUEST)


def call_domain(func, **kwargs):
    """Run a domain function: (result, None), or (None, a 400 response); 403 when not allowed."""
    try:
        return func(**kwargs), None
    except PermissionDenied as error:
        raise ApiPermissionDenied(str(error) or None) from error
    except (ValidationError, ActionRefused) as error:
        return None, refusal_response(error)


@extend_schema_field({"type": "string", "enum": list(PartnerKind.values)}, component_name="PartnerKindEnum")
class PartnerKindField(serializers.ChoiceField):
    """Applicant kinds (适用对象) as one named enum: several models call their own choices "kind"."""

    def __init__(self, **kwargs):
        super().__init__(choices=PartnerKind.choices, **kwargs)


def user_street_id(user):
    profile = user_profile(user)
    return profile.street_id if profile else None


def refused_responses(ok):
    return {200: ok, 400: OpenApiResponse(DetailSerializer, description=str(_("拒绝及原因"))),
            403: OpenApiResponse(DetailSerializer, description=str(_("无权限")))}



def register(router):
    """The foundation exposes no resources of its own."""
