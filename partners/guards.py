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

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar

_providers: dict[str, Callable] = {}
# The same facts read for many partners at once (`provide_many`), and, inside `facts_read`,
# the answers read that way: fact name → {partner pk: answer}.
_many_providers: dict[str, Callable] = {}
_answers: ContextVar[dict[str, dict[int, bool]] | None] = ContextVar("partner_facts_read", default=None)


def provide(name: str):
    """Register `func(partner) -> bool` as the provider of fact `name`."""

    def register(func):
        _providers[name] = func
        return func

    return register


def provide_many(name: str):
    """Register `func(partners) -> set of pks` as the reader of fact `name` for many partners at
    once: the pks of the partners for which it holds. It must answer as the `provide`d function
    does; `facts_read` uses it so a job moving many partners reads each fact in one query."""

    def register(func):
        _many_providers[name] = func
        return func

    return register


def fact(name: str, partner) -> bool:
    answers = _answers.get()
    if answers is not None and partner.pk in answers.get(name, ()):
        return answers[name][partner.pk]
    provider = _providers.get(name)
    return bool(provider(partner)) if provider else False


@contextmanager
def facts_read(partners: Sequence, names: Iterable[str]) -> Iterator[None]:
    """Within the block, answer the facts `names` for `partners` from one read each.

    Each fact with a `provide_many` reader is read once for all the partners,
    as they are when the block starts (read them after locking them); other
    facts, other partners and forced facts are asked one at a time as usual.
    """
    answers = dict(_answers.get() or {})
    for name in dict.fromkeys(names):
        reader = _many_providers.get(name)
        if reader is None or not partners:
            continue
        holds = reader(partners)
        answers[name] = {p.pk: p.pk in holds for p in partners}
    token = _answers.set(answers)
    try:
        yield
    finally:
        _answers.reset(token)


def is_provided(name: str) -> bool:
    return name in _providers


def providers() -> dict[str, Callable]:
    """A copy of the registry: fact name → provider."""
    return dict(_providers)


def many_providers() -> dict[str, Callable]:
    """A copy of the batch readers' registry: fact name → reader (`provide_many`)."""
    return dict(_many_providers)


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
    saved_many = {name: _many_providers.pop(name, None) for name in values}  # forced: asked one by one
    read = _answers.get()  # nor answered from a batch read before the block
    token = _answers.set({k: v for k, v in read.items() if k not in values} if read else read)
    try:
        for name, value in values.items():
            _providers[name] = value if callable(value) else (lambda v: lambda partner: v)(bool(value))
        yield
    finally:
        _answers.reset(token)
        for name, previous in saved.items():
            if previous is None:
                _providers.pop(name, None)
            else:
                _providers[name] = previous
        for name, previous in saved_many.items():
            if previous is not None:
                _many_providers[name] = previous


def __getattr__(name):
    # FACTS — fact name → "owner app: meaning" — is derived from the workflow's
    # guards. Imported lazily: the workflow itself asks its facts through here.
    if name == "FACTS":
        from .workflow import facts_asked  # deferred: partners.workflow imports this module (fact)

        return {f.name: f"{f.owner}: {f.meaning}" for f in facts_asked().values()}
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
