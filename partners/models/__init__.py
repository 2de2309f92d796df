from .applications import Application, ApplicationDocument, CallStatus, RecruitmentCall
from .lifecycle import Partner, PartnerStatus, PartnerTransition

__all__ = [
    "Application",
    "ApplicationDocument",
    "CallStatus",
    "Partner",
    "PartnerStatus",
    "PartnerTransition",
    "RecruitmentCall",
]
