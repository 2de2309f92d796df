"""DRF permission classes that DRF's settings import (kept apart from portal.api: that module
imports rest_framework.views, which reads the settings, so settings may not point at it)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from .rules import is_level_staff


class ReadOnlyForLevelStaff(permissions.BasePermission):
    """District and city staff may read (within their scope) but never write: 403 on writes."""

    message = _("区级、市级工作人员只能查看，不能修改。")

    def has_permission(self, request, view):
        return request.method in permissions.SAFE_METHODS or not is_level_staff.test(request.user)
