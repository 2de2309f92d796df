"""django-axes for the test settings (config/settings/test.py).

Django's test client `login()` authenticates without a request, which axes refuses
(it counts failures per request's address). Such a login is no HTTP request, so there is
nothing to lock out: this backend lets it through to the next backend. Logins posted to
the login pages still go through axes (tests/portal/test_login_protection.py).
"""

from axes.backends import AxesStandaloneBackend


class AxesBackendAllowingClientLogin(AxesStandaloneBackend):
    def authenticate(self, request=None, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)
