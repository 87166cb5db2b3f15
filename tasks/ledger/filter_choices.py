"""The choices of the task list's selects: what a user may see, and the cheap lists shown.

A select lists a short list (the region chain's departments, the newest documents) and accepts any
object the user may see (one lookup), listed once chosen.
"""

from __future__ import annotations

import django_filters
from django.db.models import F, Q, QuerySet

from regions.models import Department, Region
from tasks.access import scope_of
from tasks.filters import MAX_ID, IdField
from tasks.models import Assignment, PolicyDocument, Task

# The document select lists this many of the newest documents (see listed_documents).
LISTED_DOCUMENTS = 100


def departments_visible_to(user) -> QuerySet[Department]:
    """Departments holding an assignment on a task the user may see."""
    if scope_of(user).everything:
        return Department.objects.all()
    visible = Task.objects.visible_to(user).values("pk")
    return Department.objects.filter(
        pk__in=Assignment.objects.filter(task__in=visible).values("department_id")
    )


def regions_visible_to(user) -> QuerySet[Region]:
    """Regions holding, themselves or below, a document the user may see, and the user's own subtree."""
    scope = scope_of(user)
    if scope.everything:
        return Region.objects.all()
    documents = PolicyDocument.objects.visible_to(user)
    # Uncorrelated INs (hashed once) for the documents' regions and the two levels above them.
    holding = (
        Q(pk__in=documents.values("region_id"))
        | Q(pk__in=documents.filter(region__parent__isnull=False).values("region__parent_id"))
        | Q(pk__in=documents.filter(region__parent__parent__isnull=False).values("region__parent__parent_id"))
    )
    if scope.region_id:
        return Region.objects.filter(Q(pk__in=Region.objects.subtree(scope.region_id).values("pk")) | holding)
    return Region.objects.filter(holding)


def _region_chain(region_id: int) -> QuerySet[Region]:
    """The region, the regions below it and the regions above it (no per-task data: a few rows)."""
    # INs rather than joins on the outer query, so it stays free of duplicates without DISTINCT.
    return Region.objects.filter(
        Q(pk__in=Region.objects.subtree(region_id).values("pk"))
        | Q(pk__in=Region.objects.filter(children__pk=region_id).values("pk"))
        | Q(pk__in=Region.objects.filter(children__children__pk=region_id).values("pk"))
    )


def listed_departments(user) -> QuerySet[Department]:
    """The departments the filter's select lists: cheap to compute on every page view.

    For office staff and leaders, the departments of their region chain, not the exact
    departments_visible_to(), which would read every assignment in scope on each view; a department
    outside the chain (a national body cooperating on a task) is still accepted, and listed once chosen.
    """
    region_id = scope_of(user).region_id
    if region_id:
        return Department.objects.filter(region__in=_region_chain(region_id).values("pk"))
    return departments_visible_to(user)


def listed_regions(user) -> QuerySet[Region]:
    """The regions the filter's select lists; as listed_departments, the region chain for the offices."""
    region_id = scope_of(user).region_id
    if region_id:
        return _region_chain(region_id)
    return regions_visible_to(user)


def listed_documents(user) -> QuerySet[PolicyDocument]:
    """The documents the filter's select lists: the newest LISTED_DOCUMENTS the user may see.

    A province holds hundreds of documents; a select of all of them is slow to render and to use.
    Any other visible document is accepted (the document page links to its tasks) and listed once chosen.
    """
    newest = (
        PolicyDocument.objects.visible_to(user)
        .order_by(F("issued_on").desc(nulls_last=True), "-created_at", "-pk")
        .values("pk")[:LISTED_DOCUMENTS]
    )
    return (
        PolicyDocument.objects.filter(pk__in=newest)
        # Not the extracted text, which may run to megabytes per document.
        .only("pk", "title", "doc_number")
        .order_by(F("issued_on").desc(nulls_last=True), "-created_at", "-pk")
    )


class ListedChoiceIterator(django_filters.fields.ModelChoiceIterator):
    """Iterates the field's `listed` queryset when it has one, else its queryset.

    The listed rows are fetched with one plain query and kept on the queryset: the stock iterator
    uses `.iterator()`, a server-side cursor on PostgreSQL (DECLARE, FETCH, CLOSE) for a hundred rows,
    and runs it again for a second field listing the same queryset.
    """

    def __init__(self, field, *args) -> None:
        super().__init__(field, *args)
        if getattr(field, "listed", None) is not None:
            self.queryset = field.listed

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:  # evaluated once, then from the queryset's result cache
            yield self.choice(obj)


class ListedModelChoiceField(django_filters.fields.ModelChoiceField):
    """A choice field that lists `listed` but accepts any object of `queryset`.

    Validating one submitted value against the exact queryset is one cheap lookup; listing the
    exact queryset would compute it whole on every view. A value chosen by id must be an id first
    (IdField's message for "1.5" or a 30-digit number, and no query for it).
    """

    iterator = ListedChoiceIterator
    listed: QuerySet | None = None

    def set_listed(self, listed: QuerySet | None) -> None:
        self.listed = listed
        self.widget.choices = self.choices

    def to_python(self, value):
        if isinstance(value, str) and value not in self.empty_values and self.to_field_name is None:
            value = IdField(required=False).clean(value)
        return super().to_python(value)


class ListedModelChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = ListedModelChoiceField

    @property
    def schema_bounds(self) -> tuple[int, int] | None:
        """As IdFilter's, when the value is an id (not, say, a region's code)."""
        return None if self.extra.get("to_field_name") else (1, MAX_ID)
