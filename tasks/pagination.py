"""Pages of every list, on the pages and in the API: numbered, with a count that stops at COUNT_LIMIT."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.utils.functional import cached_property

__all__ = ["COUNT_LIMIT", "BoundedPaginator"]

# A list counts at most this many rows: beyond it the total reads "10000+" and COUNT stays cheap.
COUNT_LIMIT = 10_000


class BoundedPaginator(Paginator):
    """A Paginator whose count stops at COUNT_LIMIT + 1, so a huge scope never scans every row."""

    @cached_property
    def count(self) -> int:
        return self.object_list.order_by().values("pk")[: COUNT_LIMIT + 1].count()

    def page(self, number: int | str) -> Page:
        """The page's ids first, sorted on narrow rows; then those rows whole, with their relations.

        Sorting every row in scope with its text and joined document would carry kilobytes per row
        through the sort; the ids and sort keys are a few bytes.
        """
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        ids = list(self.object_list.values_list("pk", flat=True)[bottom : bottom + self.per_page])
        rows = {task.pk: task for task in self.object_list.filter(pk__in=ids)}
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)

    @property
    def capped(self) -> bool:
        return self.count > COUNT_LIMIT
