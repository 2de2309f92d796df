from .applications import (  # noqa: I001
    Application,
    ApplicationDocument,
    ApplicationSequence,
    BasicCondition,
    CallStatus,
    DocumentKind,
    DocumentRequest,
    RecruitmentCall,
)
from .lifecycle import Partner, PartnerStatus, PartnerTransition
from .notices import NoticeEntry, NoticeStatus, Objection, ObjectionStatus, PublicNotice

__all__ = [
    "Application",
    "ApplicationDocument",
    "ApplicationSequence",
    "BasicCondition",
    "DocumentKind",
    "DocumentRequest",
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
