"""Every function of the domain modules has annotated parameters and an annotated return.

Issue 12, deliverable 7: the domain layer's signatures state their types
(models, dates, Decimal, querysets), so a reader and a type checker both see
what goes in and what comes out.
"""

import importlib
import inspect

import pytest

DOMAIN_MODULES = [
    "portal.domain",
    "organisations.domain",
    "partners.domain",
    "spaces.domain",
    "calls.domain",
    "notices.domain",
    "reviews.domain.decisions",
    "reviews.domain.scoring",
    "reviews.domain.vetting",
    "agreements.domain",
    "services.domain",
    "lifecircle.domain",
    "surveys.domain",
    "reports.domain",
]


def _functions(module):
    """(qualified name, function) for the module's own functions and its own classes' methods."""
    for name, obj in vars(module).items():
        if inspect.isfunction(obj) and obj.__module__ == module.__name__:
            yield name, obj
        elif inspect.isclass(obj) and obj.__module__ == module.__name__:
            for attr, member in vars(obj).items():
                if attr.startswith("__"):
                    continue  # dataclass-generated and other special methods
                if isinstance(member, property):
                    member = member.fget
                elif isinstance(member, staticmethod | classmethod):
                    member = member.__func__
                if inspect.isfunction(member):
                    yield f"{name}.{attr}", member


def _unannotated(func) -> list[str]:
    signature = inspect.signature(func)  # follows __wrapped__ through @transaction.atomic
    missing = [
        p.name
        for i, p in enumerate(signature.parameters.values())
        if p.annotation is inspect.Parameter.empty and not (i == 0 and p.name in ("self", "cls"))
    ]
    if signature.return_annotation is inspect.Signature.empty:
        missing.append("return")
    return missing


@pytest.mark.parametrize("module_name", DOMAIN_MODULES)
def test_domain_functions_are_fully_annotated(module_name):
    module = importlib.import_module(module_name)
    functions = list(_functions(module))
    assert functions, f"{module_name} defines no functions: is the module list out of date?"
    offenders = [
        f"{module_name}.{name}: {', '.join(missing)}"
        for name, func in functions
        if (missing := _unannotated(func))
    ]
    assert not offenders, "unannotated parameters or returns:\n" + "\n".join(offenders)


def test_reviews_domain_package_only_reexports():
    """reviews.domain itself defines nothing; its functions live in the three modules above."""
    package = importlib.import_module("reviews.domain")
    assert not list(_functions(package))
