"""Imports flow one way (issue 12).

The nine apps form layers; an app may import only itself and apps of
*earlier* layers. Apps in the same layer are peers and never import each
other. `config/` and `tests/` sit above everything and may import anything.

The checks parse every ``.py`` file of the apps (migrations excluded) with
``ast``, so they see imports inside functions and ``import_module("...")``
strings and dotted module paths in strings (e.g. a list of modules to load)
too, and name ``file:line`` for each offence:

(a) no import of a later app or of a peer;
(b) no import of another app's private name (a module or name starting with ``_``);
    app code only for now, tests/ are not checked yet;
(c) no import inside a function in app code unless its line, or a comment above
    its run of import lines, gives the reason as ``# deferred: <why>``,
    e.g. ``# deferred: Celery task module imports domain (HackSoft pattern)``.

Run ``python tests/test_architecture.py`` to print the order (README quotes it).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

# The order the flow justifies, once, as data. Earlier layers are lower.
LAYERS: list[tuple[str, ...]] = [
    ("portal",),  # foundation: organisations, roles, audit, shared plumbing
    ("messaging",),  # the outbox: every message to a person or group, its channels and delivery log
    ("organisations",),  # the community organisations registry (长宁 three tiers); partners point to it
    ("partners",),  # the partner lifecycle state machine; knows no stage app (facts in partners.guards)
    ("spaces",),  # space inventory, the three lists, time slots
    ("calls",),  # recruitment calls, applications, documents
    ("notices", "reviews", "agreements"),  # peers: notices & objections; vetting, scoring, decision; terms
    ("services",),  # service logs … renewal, exit, dossier, statistics, residents' directory
    ("timebank",),  # 成都 time bank (issue 20): verified hours → points, benefits, redemptions
    ("lifecircle",),  # the neighbourhood map (社区生活圈一张图): spaces, partners, needs, calls on one page
    ("surveys",),  # 徐汇 (issue 20): needs questionnaire into the needs list, satisfaction evaluation
    ("reports",),  # 晋江 reporting: monthly reports, self-evaluations, fund ledger, archive checklist
]

APPS: tuple[str, ...] = tuple(app for layer in LAYERS for app in layer)
LAYER_OF: dict[str, int] = {app: i for i, layer in enumerate(LAYERS) for app in layer}

ROOT = Path(__file__).resolve().parent.parent

REASON = re.compile(r"#\s*deferred:\s*\S")
MODULE_STRING = re.compile(rf"(?:{'|'.join(APPS)})(?:\.[a-z_][a-z0-9_]*)+")


def order_text() -> str:
    """The order as one line, e.g. for README: portal → partners → … ."""
    return " → ".join(" / ".join(layer) for layer in LAYERS)


def app_files(app: str):
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" in path.relative_to(ROOT).parts:
            continue
        yield path


def _resolve(module: str | None, level: int, path: Path) -> str:
    """Absolute dotted name of a (possibly relative) `from` import."""
    if not level:
        return module or ""
    package = list(path.relative_to(ROOT).parts[:-1])  # the package the file is in
    package = package[: len(package) - (level - 1)]
    return ".".join(package + ([module] if module else []))


def _names_a_module(text: str) -> bool:
    """'services.demo' or 'reviews.domain.vetting': a string naming a module of one of the apps."""
    if not MODULE_STRING.fullmatch(text):
        return False
    base = ROOT.joinpath(*text.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


class _Imports(ast.NodeVisitor):
    """Collects (lineno, module, names, in_function) for every import in a file."""

    def __init__(self, path: Path):
        self.path = path
        self.depth = 0
        self.found: list[tuple[int, str, list[str], bool]] = []
        self.import_lines: set[int] = set()  # every line an import statement spans
        self.strings_seen: set[int] = set()

    def _function(self, node):
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _function

    def visit_Import(self, node):
        self.import_lines.update(range(node.lineno, node.end_lineno + 1))
        for alias in node.names:
            self.found.append((node.lineno, alias.name, [], self.depth > 0))

    def visit_ImportFrom(self, node):
        self.import_lines.update(range(node.lineno, node.end_lineno + 1))
        module = _resolve(node.module, node.level, self.path)
        names = [alias.name for alias in node.names]
        self.found.append((node.lineno, module, names, self.depth > 0))

    def visit_Call(self, node):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        if name == "import_module" and node.args and isinstance(node.args[0], ast.Constant):
            self.strings_seen.add(id(node.args[0]))
            if isinstance(node.args[0].value, str):
                self.found.append((node.lineno, node.args[0].value, [], self.depth > 0))
        self.generic_visit(node)

    def visit_Constant(self, node):
        # A dotted module path in a string (a list of modules to import_module, a
        # Celery task path, ...) is an import too, made later.
        if isinstance(node.value, str) and id(node) not in self.strings_seen and _names_a_module(node.value):
            self.found.append((node.lineno, node.value, [], self.depth > 0))


def _visit(path: Path, source: str | None = None) -> _Imports:
    visitor = _Imports(path)
    source = path.read_text(encoding="utf-8") if source is None else source
    visitor.visit(ast.parse(source, filename=str(path)))
    return visitor


def imports_of(path: Path, source: str | None = None):
    return _visit(path, source).found


def _app_of(module: str) -> str | None:
    top = module.split(".")[0]
    return top if top in LAYER_OF else None


def _has_reason(lines: list[str], lineno: int, import_lines: set[int]) -> bool:
    """The import's own line, or a comment above its run of imports (blank lines allowed), says why."""
    number = lineno
    if REASON.search(lines[number - 1]):
        return True
    number -= 1
    while number >= 1:
        text = lines[number - 1].strip()
        if REASON.search(text):
            return True
        if number in import_lines or not text or text.startswith("#"):
            number -= 1
            continue
        return False
    return False


def _where(path: Path, lineno: int) -> str:
    return f"{path.relative_to(ROOT)}:{lineno}"


def app_sources():
    """(app, path, source) for every .py file of the apps, migrations excluded."""
    for app in APPS:
        for path in app_files(app):
            yield app, path, path.read_text(encoding="utf-8")


def layering_offences(sources=None) -> list[str]:
    offences = []
    for app, path, source in sources if sources is not None else app_sources():
        for lineno, module, _names, _in_function in imports_of(path, source):
            target = _app_of(module)
            if target is None or target == app:
                continue
            if LAYER_OF[target] > LAYER_OF[app]:
                offences.append(f"{_where(path, lineno)}: {app} imports later app {module}")
            elif LAYER_OF[target] == LAYER_OF[app]:
                offences.append(f"{_where(path, lineno)}: {app} imports its peer {module}")
    return offences


def private_offences(sources=None) -> list[str]:
    offences = []
    for owner, path, source in sources if sources is not None else app_sources():
        for lineno, module, names, _in_function in imports_of(path, source):
            target = _app_of(module)
            if target is None or target == owner:
                continue
            private = [part for part in module.split(".")[1:] if part.startswith("_")]
            private += [name for name in names if name.startswith("_")]
            if private:
                offences.append(f"{_where(path, lineno)}: private {', '.join(private)} of {module}")
    return offences


def deferred_offences(sources=None) -> list[str]:
    offences = []
    for _app, path, source in sources if sources is not None else app_sources():
        visitor = _visit(path, source)
        lines = source.splitlines()
        for lineno, module, _names, in_function in visitor.found:
            if in_function and not _has_reason(lines, lineno, visitor.import_lines):
                offences.append(f"{_where(path, lineno)}: import of {module} inside a function, no reason")
    return offences


def _report(offences: list[str]) -> str:
    return "\n" + "\n".join(offences)


def test_the_order_names_every_app_once():
    assert sorted(APPS) == sorted(set(APPS))
    for app in APPS:
        assert (ROOT / app / "apps.py").exists(), app


def test_imports_flow_one_way():
    offences = layering_offences()
    assert not offences, _report(offences)


def test_no_app_imports_another_apps_private_names():
    # App code only: tests/ are left out for now (tests/notices/test_home_cache.py
    # uses notices.views._seconds_to_next_boundary, and partners.guards._providers
    # is being replaced by a public guards.facts_forced).
    offences = private_offences()
    assert not offences, _report(offences)


def test_imports_inside_functions_say_why():
    offences = deferred_offences()
    assert not offences, _report(offences)


PROBE = ROOT / "notices" / "_architecture_probe.py"


@pytest.mark.parametrize(
    "source, offence",
    [
        ("from services.domain import x\n", "later app"),
        ("import reviews.models\n", "peer"),
        ("from agreements import facts\n", "peer"),
        ("def f():\n    from services import domain\n", "later app"),
        ("def f():\n    import_module('services.tasks')\n", "later app"),
        ("STEPS = ['portal.demo', 'services.demo']\n", "later app"),
        ("PERMISSION = 'services.add_renewaldecision'\n", None),
        ("from partners.models import Partner\nfrom . import domain\n", None),
    ],
)
def test_the_checker_catches_back_imports(source, offence):
    found = layering_offences([("notices", PROBE, source)])
    if offence is None:
        assert found == []
    else:
        assert len(found) == 1, found
        assert offence in found[0] and "notices/_architecture_probe.py:" in found[0]


def test_the_checker_catches_private_names():
    source = (
        "from partners.guards import _providers\n"
        "from partners._internal import thing\n"
        "from ._own import fine\n"
        "from partners.guards import provide\n"
    )
    found = private_offences([("notices", PROBE, source)])
    assert [o.split(":")[1] for o in found] == ["1", "2"]


def test_the_checker_wants_a_reason_for_deferred_imports():
    source = (
        "def f():\n"
        "    from portal import models\n"
        "def g():\n"
        "    # deferred: models not ready at import time\n"
        "    from portal.cache import (\n"
        "        bump,\n"
        "    )\n"
        "\n"
        "    from portal.rules import x\n"
        "def h():\n"
        "    from ._private import y  # deferred: cycle with .domain\n"
        "    z = 1\n"
        "    from portal.dates import today\n"
        "from portal import choices\n"
    )
    found = deferred_offences([("notices", PROBE, source)])
    assert [o.split(":")[1] for o in found] == ["2", "13"]


if __name__ == "__main__":
    print(order_text())
