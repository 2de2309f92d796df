import pytest

from partners import guards


@pytest.fixture
def facts():
    """Control the facts other apps would provide, to test the machine on its own.

    The real providers (vetting records, agreements, evaluations) are tested in
    their apps; here only the lifecycle's own rules are under test.
    """
    true_facts: set[str] = set()
    providers = {name: (lambda n: lambda partner: n in true_facts)(name) for name in guards.FACTS}
    with guards.facts_forced(providers):
        yield true_facts
