"""The programme's shared vocabulary (see GLOSSARY.md): one name per policy term."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PartnerKind(models.TextChoices):
    """适用对象 — rulebook 三(一)."""

    SOCIAL_ORGANIZATION = "social_organization", _("社会组织")
    NEW_ECONOMY_ORGANIZATION = "new_economy_organization", _("新经济组织（企业）")
    INDIVIDUAL_BUSINESS = "individual_business", _("个体工商户")
    INDIVIDUAL_OR_TEAM = "individual_or_team", _("自由职业者、创业团队、青年创客")
    OTHER = "other", _("其他经认可的组织或个人")


# Kinds that are natural persons (their names and numbers are personal data).
INDIVIDUAL_KINDS = {PartnerKind.INDIVIDUAL_OR_TEAM}


class ServiceCategory(models.TextChoices):
    """服务内容 — rulebook 六(一)1."""

    CONVENIENCE = "convenience", _("便民服务")
    ELDERLY = "elderly", _("为老服务")
    CHILDCARE = "childcare", _("托幼服务")
    YOUTH_EDUCATION = "youth_education", _("青少年教育")
    CULTURE_SPORTS = "culture_sports", _("文体活动")
    HEALTH_FITNESS = "health_fitness", _("康养健身")
    HANDICRAFT = "handicraft", _("手工制作")
    COUNSELLING = "counselling", _("心理咨询")
    LEGAL_AID = "legal_aid", _("法律援助")
    EMPLOYMENT = "employment", _("就业创业辅导")
    COMMUNITY_BUILDING = "community_building", _("社区营造")
    ENVIRONMENT = "environment", _("环保公益")
    SKILLS_TRAINING = "skills_training", _("技能培训")
    CHARITY = "charity", _("社区慈善")
    OTHER = "other", _("其他")


class TargetGroup(models.TextChoices):
    ELDERLY = "elderly", _("老年人")
    CHILDREN = "children", _("儿童")
    YOUTH = "youth", _("青少年")
    DISABLED = "disabled", _("残疾人")
    WOMEN = "women", _("妇女")
    LOW_INCOME = "low_income", _("困难群体")
    NEW_RESIDENTS = "new_residents", _("新市民")
    ALL = "all", _("全体居民")


class ExitReason(models.TextChoices):
    """退出情形 — rulebook 六(二)3."""

    EXPIRED_VOLUNTARY = "expired_voluntary", _("协议期满自愿退出")
    FAILED_EVALUATION = "failed_evaluation", _("评估不合格退出")
    REQUESTED = "requested", _("主动申请退出")
    FORCED_VIOLATION = "forced_violation", _("违规违纪违法强制退出")
    FORCE_MAJEURE = "force_majeure", _("不可抗力")
