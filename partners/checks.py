"""System checks: every fact the workflow's guards ask for has a provider, and
every provider answers a fact some guard asks for.

A fact with no provider is false, so its transition would silently never
happen; a provider nobody asks is dead code or a misspelt name.
"""

from django.core import checks

from . import guards, workflow


def check_facts_provided(app_configs=None, **kwargs):
    """partners.E001: a guard asks for a fact that no app provides."""
    errors = []
    for t in workflow.TRANSITIONS.values():
        for f in dict.fromkeys(t.facts):
            if not guards.is_provided(f.name):
                errors.append(
                    checks.Error(
                        f"The partner transition '{t.name}' asks for fact '{f.name}', which no app provides.",
                        hint=f"Register it with @partners.guards.provide('{f.name}') in {f.owner}/facts.py, "
                        f"imported from the app's AppConfig.ready().",
                        obj=f"partners.workflow.{t.name}",
                        id="partners.E001",
                    )
                )
    return errors


def check_providers_asked(app_configs=None, **kwargs):
    """partners.W001: an app provides a fact that no guard asks for."""
    asked = workflow.facts_asked()
    return [
        checks.Warning(
            f"Fact '{name}' is provided (by {provider.__module__}) but no partner transition asks for it.",
            hint="Use it in a guard in partners/workflow.py, or remove the provider.",
            obj=f"{provider.__module__}.{getattr(provider, '__name__', name)}",
            id="partners.W001",
        )
        for name, provider in sorted(guards.providers().items())
        if name not in asked
    ]


def check_batch_readers_match(app_configs=None, **kwargs):
    """partners.E003: a fact is read for many partners at once but not for one."""
    return [
        checks.Error(
            f"Fact '{name}' has a batch reader ({reader.__module__}) but no provider for one partner.",
            hint=f"Register the one-partner answer with @partners.guards.provide('{name}') too: "
            "the batch reader only speeds up what it answers.",
            obj=f"{reader.__module__}.{getattr(reader, '__name__', name)}",
            id="partners.E003",
        )
        for name, reader in sorted(guards.many_providers().items())
        if not guards.is_provided(name)
    ]


def check_steps_follow_main_line(app_configs=None, **kwargs):
    """partners.E002: the applicant's steps do not cover the main line, in order."""
    grouped = [state for _key, _title, states in workflow.STEPS for state in states]
    if grouped == workflow.main_line():
        return []
    return [
        checks.Error(
            "partners.workflow.STEPS does not group the main line's states in order: "
            f"{[str(s) for s in grouped]} != {[str(s) for s in workflow.main_line()]}.",
            hint="Change STEPS beside the transitions whenever the main line changes.",
            obj="partners.workflow.STEPS",
            id="partners.E002",
        )
    ]
