from decimal import Decimal

import pytest

from reviews.domain import conflict_declare, score_sheet_save


def criteria_values(roadshow, total):
    """Spread `total` over the 40/30/30 rubric in proportion to the maxima."""
    criteria = list(roadshow.rubric.criteria.all())
    max_total = sum(c.max_score for c in criteria)
    return {c.pk: (Decimal(total) * c.max_score / max_total).quantize(Decimal("0.01")) for c in criteria}


def give_score(member, partner, total, *, submit=True, comment=""):
    roadshow = member.panel.roadshow
    if not member.declarations.filter(partner=partner).exists():
        conflict_declare(member=member, partner=partner, has_conflict=False, by=member.user)
    return score_sheet_save(
        member=member,
        partner=partner,
        values=criteria_values(roadshow, total),
        comment=comment,
        submit=submit,
        by=member.user,
    )


@pytest.fixture
def score():
    return give_score
