"""待办: what waits for a person, by role, read from the ledger's state.

Every item is a query over the state of things (a task awaiting verification, a report submitted, a
批示 not answered, a notice not read), so it leaves the inbox when the thing is done, by whoever did
it. Each section is one COUNT and, for the page, one query for its first rows: the cost does not grow
with the data, and the badge (`count`) runs only the counts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from tasks.access import (
    can_import,
    edits_tasks_in_scope,
    is_active,
    may_handle_failed_deliveries,
    may_review_reports,
)
from tasks.inbox.services.sources import LEADER, LIAISON, OFFICE, Item, Source, late_period

__all__ = ["Item", "Section", "count", "late_period", "sections"]

ROWS = 5  # rows shown per section on the 待办 page (the home page shows fewer)


@dataclass
class Section:
    """One kind of waiting thing: how many there are, the first few, and where to see all of them."""

    kind: str
    label: str
    total: int
    items: list[Item] = field(default_factory=list)
    more_url: str = ""


def _sources(user) -> Iterable[Source]:
    if not is_active(user):
        return ()
    if user.is_superuser or (user.is_office and user.region_id):
        sources = [s for s in OFFICE if s.kind != "import_review" or can_import(user)]
        if not may_review_reports(user):
            sources = [s for s in sources if s.kind != "report_submitted"]
        if not may_handle_failed_deliveries(user):
            sources = [s for s in sources if s.kind != "delivery_failed"]
        return sources if edits_tasks_in_scope(user) else ()
    if user.is_liaison and user.department_id:
        return LIAISON
    if user.is_leader and user.region_id:
        return LEADER
    return ()


def sections(user, *, rows: int = ROWS) -> list[Section]:
    """The user's inbox, section by section (empty ones left out): two queries per section."""
    found = []
    for source in _sources(user):
        queryset = source.rows(user)
        total = queryset.count()
        if not total:
            continue
        items = [source.item(row) for row in queryset[:rows]] if rows else []
        found.append(Section(source.kind, str(source.label), total, items, source.more_url(user)))
    return found


def count(user) -> int:
    """The badge's number: everything waiting, one COUNT per section."""
    return sum(source.rows(user).count() for source in _sources(user))
