"""The reliability probes (make reliability): the benchmark's production settings, with the
public forms' rate limits on and keyed on X-Real-IP, so each simulated resident has an address."""

from .bench import *  # noqa: F403

RATELIMIT_ENABLE = True
RATELIMIT_IP_META_KEY = "HTTP_X_REAL_IP"
