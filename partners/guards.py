"""Facts the partner state machine asks of other apps.

The lifecycle's guards depend on records kept elsewhere (vetting checks in
`reviews`, notices in `notices`, signed agreements in `agreements`,
evaluations in `services`). To keep imports flowing one way, those apps
*provide* named facts here (in their AppConfig.ready) and the machine only
asks for them by name. Which facts exist, and which app should provide each,
is declared in partners/workflow.py (`FACTS` below is derived from it); the
system checks in partners/checks.py report a fact nobody provides and a
provider nobody asks.

Tests force facts with `facts_forced`, never by touching the registry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager

_providers: dict[str, Callable] = {}


def provide(name: str):
    """Register `func(partner) -> bool` as the provider of fact `name`."""

    def register(func):
        _providers[name] = func
        return func

    return register


def fact(name: str, partner) -> bool:
    provider = _providers.get(name)
    return bool(provider(partner)) if provider else False


def is_provided(name: str) -> bool:
    return name in _providers


def providers() -> dict[str, Callable]:
    """A copy of the registry: fact name → provider."""
    return dict(_providers)


@contextmanager
def facts_forced(values: Mapping[str, bool | Callable]) -> Iterator[None]:
    """Within the block, answer the named facts with the given values.

    Each value is a bool (the fact's constant answer) or a callable
    `partner -> bool`. Other facts keep their providers; on exit every named
    fact gets its previous provider back (or none). Nests. For tests and
    demos that set up one stage without the records of earlier ones:

        with guards.facts_forced({"first_agreement_signed": True}):
            partner_transition(partner=partner, transition="sign", by=clerk)

    Only facts the workflow asks for may be forced (a typo raises ValueError).
    """
    from .workflow import facts_asked  # deferred: partners.workflow imports this module (fact)

    unknown = set(values) - set(facts_asked())
    if unknown:
        raise ValueError(f"Not a fact of the partner workflow: {', '.join(sorted(unknown))}")
    saved = {name: _providers.get(name) for name in values}
    try:
        for name, value in values.items():
            _providers[name] = value if callable(value) else (lambda v: lambda partner: v)(bool(value))
        yield
    finally:
        for name, previous in saved.items():
            if previous is None:
                _providers.pop(name, None)
            else:
                _providers[name] = previous


def __getattr__(name):
    # FACTS — fact name → "owner app: meaning" — is derived from the workflow's
    # guards. Imported lazily: the workflow itself asks its facts through here.
    if name == "FACTS":
        from .workflow import facts_asked  # deferred: partners.workflow imports this module (fact)

        return {f.name: f"{f.owner}: {f.meaning}" for f in facts_asked().values()}
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
