from . import applications, lifecycle, notices  # noqa: F401
