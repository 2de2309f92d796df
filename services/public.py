"""Read functions for public pages (the partner directory is built in `partners`).

Only moderated, non-personal data: approved suggestion-box notes (rating,
comment, month), the satisfaction average, and commendations.
"""

from __future__ import annotations

from .domain import satisfaction
from .models import Feedback, FeedbackStatus, Recognition, RecognitionKind

PUBLIC_COMMENDATIONS = 10  # the latest few on the partner page: a card never lists without bound


def public_feedback(partner, *, limit: int = 20):
    """Approved notes as the public sees them: never the contact details."""
    return (
        Feedback.objects.filter(partner=partner, status=FeedbackStatus.APPROVED)
        .only("rating", "comment", "created_at")
        .order_by("-created_at")[:limit]
    )


def public_commendations(partner):
    """Commendations marked for publicity (表扬宣传)."""
    return Recognition.objects.filter(partner=partner, kind=RecognitionKind.COMMENDATION).order_by("-date")


def public_summary(partner) -> dict:
    """What a partner's public page may show from this app."""
    avg, count = satisfaction(partner)
    return {
        "satisfaction": avg,
        "feedback_count": count,
        "commendations": list(public_commendations(partner)[:PUBLIC_COMMENDATIONS]),
        "feedback": list(public_feedback(partner, limit=5)),
    }
