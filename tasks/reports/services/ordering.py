"""Departments in the order a clerk expects: those leading more tasks first (lead and co-lead
assignments), then by name in pinyin order (pypinyin), not by character code — 卫生健康委员会
(wèi) comes after 财政局 (cái), where code points put 卫 (U+536B) before 财 (U+8D22) only by chance."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Q, QuerySet
from pypinyin import Style, lazy_pinyin

from regions.models import Department
from tasks.models.ledger import LEADING_ROLES

__all__ = ["clerk_order", "pinyin_key", "with_lead_counts"]


def pinyin_key(name: str) -> tuple[str, ...]:
    """The name's syllables with tone numbers (so 山 shān sorts before 陕 shǎn), then the name itself
    for a stable order among homophones."""
    return (*lazy_pinyin(name, style=Style.TONE3, errors="default"), name)


def with_lead_counts(departments: QuerySet[Department]) -> QuerySet[Department]:
    """Annotated with `lead_count`: the assignments in which the department leads or co-leads."""
    return departments.annotate(
        lead_count=Count("assignments", filter=Q(assignments__role__in=LEADING_ROLES), distinct=True)
    )


def clerk_order(departments: Iterable[Department] | QuerySet[Department]) -> list[Department]:
    """Leading more tasks first, then pinyin order of the name (annotating the counts if needed)."""
    if isinstance(departments, QuerySet) and "lead_count" not in departments.query.annotations:
        departments = with_lead_counts(departments)
    return sorted(departments, key=lambda d: (-d.lead_count, pinyin_key(d.name)))
