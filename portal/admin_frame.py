"""Staff pages outside the ModelAdmins shown in the admin's frame (header, breadcrumbs, way back)."""

from __future__ import annotations

from django.contrib import admin


def admin_frame_context(request, *, title) -> dict:
    """What admin/base_site.html needs, without admin.site.each_context's app list.

    These pages link back through their breadcrumbs instead of the menu (the staff desk, the
    admin index, leads to every list), so they neither build nor fetch the user's menu.
    """
    site = admin.site
    return {
        "title": title,
        "site_title": site.site_title,
        "site_header": site.site_header,
        "site_url": site.site_url,
        "has_permission": site.has_permission(request),
        "available_apps": [],
        "is_popup": False,
        "is_nav_sidebar_enabled": False,
    }
