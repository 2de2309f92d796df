"""The single-machine defaults used by `make run`: DEBUG on, everything embedded."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
