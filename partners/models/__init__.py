from .applications import Application, ApplicationDocument, CallStatus, RecruitmentCall
from .lifecycle import Partner, PartnerStatus, PartnerTransition
from .notices import NoticeEntry, NoticeStatus, Objection, ObjectionStatus, PublicNotice

__all__ = [
    "Application",
    "ApplicationDocument",
    "CallStatus",
    "Partner",
    "PartnerStatus",
    "PartnerTransition",
    "NoticeEntry",
    "NoticeStatus",
    "Objection",
    "ObjectionStatus",
    "PublicNotice",
    "RecruitmentCall",
]
