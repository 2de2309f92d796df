"""Which language a page is in: zh-hans, unless the visitor chose another one (issue 16).

The browser's Accept-Language is not asked: an English browser in a Chinese street
office still gets the Chinese admin. English is an explicit choice, made with the
language switch (Django's set_language view), which remembers it in the language cookie.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation


def chosen_language(request) -> str:
    """The language in the cookie when it is one we offer, else the default (LANGUAGE_CODE)."""
    code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if code:
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            pass
    return settings.LANGUAGE_CODE
