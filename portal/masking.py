"""Personal data as residents may see it on public pages (PIPL: minimum necessary)."""

from __future__ import annotations

import re

# Two-character compound surnames, so 欧阳娜娜 shows as 欧阳*娜 not 欧*娜娜.
COMPOUND_SURNAMES = {
    "欧阳",
    "司马",
    "上官",
    "诸葛",
    "东方",
    "皇甫",
    "尉迟",
    "公孙",
    "慕容",
    "长孙",
    "宇文",
    "司徒",
    "夏侯",
    "轩辕",
    "令狐",
    "钟离",
    "端木",
    "独孤",
    "南宫",
    "西门",
}


def mask_person_name(name: str) -> str:
    """张三丰 → 张*丰, 张三 → 张*, 欧阳娜娜 → 欧阳*娜; Latin names keep the first letter."""
    name = (name or "").strip()
    if not name:
        return ""
    surname_len = 2 if name[:2] in COMPOUND_SURNAMES and len(name) > 2 else 1
    surname, given = name[:surname_len], name[surname_len:]
    if not given:
        return surname + "*"
    if len(given) == 1:
        return surname + "*"
    return surname + "*" + given[-1]


def mask_mobile(mobile: str) -> str:
    """13812341234 → 138****1234."""
    digits = re.sub(r"\D", "", mobile or "")
    if len(digits) < 7:
        return "****"
    return digits[:3] + "****" + digits[-4:]


def mask_id_number(value: str) -> str:
    """ID numbers are never shown: only the first and last characters survive."""
    value = (value or "").strip()
    if len(value) < 4:
        return "*" * len(value)
    return value[0] + "*" * (len(value) - 2) + value[-1]
