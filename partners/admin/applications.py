"""Admin for recruitment calls and applications."""
