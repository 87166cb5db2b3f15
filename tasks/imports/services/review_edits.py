"""The reviewer's edits to an import draft: a pure function from (draft, submitted form) to a new draft.

The draft's shape is `importing.build_draft`'s; the review adds only `remember`, `mapped` (the reviewer
chose the department) and `department_input` (a name typed that matched nothing) on assignees, and
`review_notes` (what the last review could not apply).

Form fields are named by position in the draft: `t3-text`, `t3-a0-name`, `t3-d1-date`, `t3-g_new-text`...;
`map0-key` and `map0-name` map a name as written in every task at once (`review_names.apply_name_maps`).
A field that is absent leaves its value unchanged, so a browser may send only what changed (a document
of 150 tasks has more inputs than one request may carry); `revision` guards those positions against a
draft changed in between.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from regions.models import Department
from regions.resolve import DepartmentResolver, normalize_name
from tasks.imports.services.draft_validation import OPS
from tasks.imports.services.form_values import checked, clean_text, form_number, value_of
from tasks.imports.services.importing import DocumentImportError
from tasks.imports.services.review_checks import task_label, unknown_department_message
from tasks.imports.services.review_names import apply_name_maps
from tasks.models import Deadline, PolicyDocument
from tasks.models.ledger import ROLE_RANK
from tasks.numbers import parse_digits
from tasks.parsing.deadlines import parse_deadline_cell
from tasks.parsing.targets import describe

ROLES = tuple(ROLE_RANK)
DEADLINE_KINDS = tuple(Deadline.Kind.values)


def draft_revision(draft: dict) -> str:
    """A short fingerprint of a draft; the form sends it back so edits apply to the draft they were made on."""
    encoded = json.dumps(draft, sort_keys=True, ensure_ascii=False, default=str).encode()
    return hashlib.sha256(encoded).hexdigest()[:16]


class _Review:
    """One application of a submitted form to a copy of a draft."""

    def __init__(
        self,
        data: Mapping,
        resolver: DepartmentResolver,
        departments: Iterable[Department] | None,
        base_year: int | None,
    ) -> None:
        self.data = data
        self.resolver = resolver
        # Names chosen from the page's list, including departments below the region the resolver omits.
        self.by_name: dict[str, Department] = {}
        for department in departments or ():
            self.by_name.setdefault(normalize_name(department.name), department)
        # A complete form posts every checkbox it shows, so an absent one is unticked; otherwise unknown.
        self.complete = checked(data, "review_form")
        self.base_year = base_year
        self.notes: list[str] = []

    def get(self, key: str) -> str | None:
        return value_of(self.data, key)

    def find(self, name: str) -> Department | None:
        return self.by_name.get(normalize_name(name)) or self.resolver.resolve(name).department

    def suggestions(self, name: str) -> list[dict]:
        return [{"id": d.pk, "name": d.name} for d in self.resolver.suggest(name)]

    # Header

    def header(self, draft: dict) -> None:
        for key in ("title", "doc_number", "issuer"):
            value = self.get(key)
            if value is not None and (value.strip() or draft.get(key) is not None):
                draft[key] = clean_text(value)
        issued_on = self.get("issued_on")
        if issued_on is not None:
            draft["issued_on"] = issued_on.strip() or None
        kind = self.get("kind")
        if kind is not None and kind in PolicyDocument.Kind.values:
            draft["kind"] = kind
        if self.complete:
            # 销号须提交佐证材料: a checkbox, so only a complete form says it is unticked. Left as the page
            # showed it (`completion_evidence_shown`), a draft without the key keeps taking the default
            # (the re-imported document's rule, else the setting) and a form saved as rendered changes nothing.
            ticked = checked(self.data, "completion_evidence_required")
            shown = self.get("completion_evidence_shown")
            if "completion_evidence_required" in draft or shown is None or ticked != (shown == "1"):
                draft["completion_evidence_required"] = ticked

    # Tasks

    def task(self, index: int, task: dict) -> None:
        prefix, where = f"t{index}-", task_label(index, task)
        text = self.get(prefix + "text")
        if text is not None:
            task["text"] = clean_text(text)
        section = self.get(prefix + "section")
        if section is not None:
            task["section"] = clean_text(section)
        task["assignees"] = self.assignees(prefix, where, task.get("assignees", []))
        task["collective"] = self.collective(prefix, where, task.get("collective", []))
        task["deadlines"] = self.deadlines(prefix, where, task.get("deadlines", []))
        task["targets"] = self.targets(prefix, where, task.get("targets", []))

    def role(self, key: str, item: dict, where: str) -> None:
        role = self.get(key)
        if role is None:
            return
        if role in ROLES:
            item["role"] = role
        else:
            self.notes.append(_("%(where)s: unknown role %(role)s.") % {"where": where, "role": role})

    def assignees(self, prefix: str, where: str, assignees: list[dict]) -> list[dict]:
        kept = []
        for j, assignee in enumerate(assignees):
            key = f"{prefix}a{j}-"
            if checked(self.data, key + "remove"):
                continue
            self.role(key + "role", assignee, where)
            name = self.get(key + "name")
            if name is not None:
                self.assign(assignee, name.strip(), where)
            if self.complete or self.get(key + "remember") is not None:
                remember = checked(self.data, key + "remember")
                if remember or "remember" in assignee:
                    assignee["remember"] = remember
            kept.append(assignee)
        name = (self.get(prefix + "a_new-name") or "").strip()
        if name:
            added = {
                "text": name,
                "normalized": normalize_name(name),
                "role": ROLES[-1],
                "department_id": None,
                "department": None,
                "suggestions": [],
            }
            self.role(prefix + "a_new-role", added, where)
            self.assign(added, name, where)
            kept.append(added)
        return kept

    def assign(self, assignee: dict, name: str, where: str) -> None:
        """Point an assignee at the department named; a name that matches nothing stays unresolved."""
        if assignee.get("department_id") is not None and name == assignee.get("department"):
            return
        assignee.pop("department_input", None)
        assignee.pop("mapped", None)
        found = self.find(name) if name else None
        if found is not None:
            assignee.update(department_id=found.pk, department=found.name, suggestions=[], mapped=True)
            return
        assignee.update(department_id=None, department=None)
        if name:
            assignee["department_input"] = name
            assignee["suggestions"] = self.suggestions(name) or assignee.get("suggestions", [])
            self.notes.append(unknown_department_message(where, name))
        else:
            assignee["suggestions"] = self.suggestions(assignee.get("normalized") or assignee["text"])

    def collective(self, prefix: str, where: str, items: list[dict]) -> list[dict]:
        kept = []
        for k, item in enumerate(items):
            key = f"{prefix}c{k}-"
            if not checked(self.data, key + "remove"):
                self.role(key + "role", item, where)
                kept.append(item)
        return kept

    def deadlines(self, prefix: str, where: str, deadlines: list[dict]) -> list[dict]:
        kept = []
        for k, deadline in enumerate(deadlines):
            key = f"{prefix}d{k}-"
            if checked(self.data, key + "remove"):
                continue
            self.deadline_fields(key, deadline, where)
            if deadline.get("text") or deadline.get("date"):
                kept.append(deadline)
        key = prefix + "d_new-"
        text, when = (self.get(key + "text") or "").strip(), (self.get(key + "date") or "").strip()
        if text or when:
            added = {"text": text, "date": None, "kind": Deadline.Kind.RELATIVE, "year": None}
            if text and not when and self.get(key + "kind") is None:
                # Read the phrase as the parser would ("6月底前", "长期坚持"); the reviewer can correct it.
                for parsed in parse_deadline_cell(text, self.base_year)[:1]:
                    added.update(
                        date=parsed.date.isoformat() if parsed.date else None,
                        kind=parsed.kind,
                        year=parsed.year,
                    )
            self.deadline_fields(key, added, where)
            added["text"] = added["text"] or added["date"]
            kept.append(added)
        return kept

    def deadline_fields(self, key: str, deadline: dict, where: str) -> None:
        text = self.get(key + "text")
        if text is not None:
            deadline["text"] = clean_text(text)
        when = self.get(key + "date")
        if when is not None:
            deadline["date"] = when.strip() or None
        kind = self.get(key + "kind")
        if kind is not None:
            if kind in DEADLINE_KINDS:
                deadline["kind"] = kind
            else:
                self.notes.append(
                    _("%(where)s: unknown deadline kind %(kind)s.") % {"where": where, "kind": kind}
                )
        # Mirror what the import will store, so the page shows it: a date makes a dated deadline.
        try:
            due = date.fromisoformat(deadline["date"]) if deadline.get("date") else None
        except ValueError:
            return  # kept as typed; the import refuses it with a message
        if due is not None and deadline.get("kind") == Deadline.Kind.START:
            deadline["year"] = due.year  # a start keeps its day, as a start
        elif due is not None:
            deadline["kind"], deadline["year"] = Deadline.Kind.DATE, due.year
        elif deadline.get("kind") == Deadline.Kind.DATE:
            deadline["kind"] = Deadline.Kind.RELATIVE

    def targets(self, prefix: str, where: str, targets: list[dict]) -> list[dict]:
        kept = []
        for k, target in enumerate(targets):
            key = f"{prefix}g{k}-"
            if not checked(self.data, key + "remove"):
                self.target_fields(key, target, where)
                kept.append(target)
        key = prefix + "g_new-"
        fields = ("text", "metric", "value", "upper", "baseline", "unit", "year")
        if any((self.get(key + name) or "").strip() for name in fields):
            # Read the phrase as the parser would ("病种数不少于100个"); fields sent override it.
            parsed = describe(clean_text(self.get(key + "text") or ""))
            added = {
                "text": parsed.text,
                "metric": parsed.metric or "",
                "op": parsed.op,
                "value": parsed.value,
                "upper": parsed.upper,
                "baseline": parsed.baseline,
                "unit": parsed.unit or "",
                "year": None,
            }
            self.target_fields(key, added, where)
            if added["text"]:
                kept.append(added)
            else:
                self.notes.append(_("%(where)s: a new target needs its text as written.") % {"where": where})
        return kept

    def target_fields(self, key: str, target: dict, where: str) -> None:
        for name in ("text", "metric", "unit"):
            value = self.get(key + name)
            if value is not None:
                target[name] = clean_text(value)
        op = self.get(key + "op")
        if op is not None:
            if op in OPS:
                target["op"] = op
            else:
                self.notes.append(_("%(where)s: unknown comparator %(op)s.") % {"where": where, "op": op})
        for name in ("value", "upper", "baseline"):
            value = self.get(key + name)
            if value is not None:
                target[name] = form_number(value)
        year = self.get(key + "year")
        if year is not None:
            year = year.strip()
            if not year:
                target["year"] = None
            elif (number := parse_digits(year)) is not None and 1900 <= number <= 2200:
                target["year"] = number
            else:
                self.notes.append(
                    _("%(where)s: %(value)s is not a year; the year was left unchanged.")
                    % {"where": where, "value": year}
                )


def _merge(into: dict, task: dict) -> None:
    """Fold a task into the one before it: text appended, assignees, deadlines and targets combined."""
    into["text"] = "\n".join(filter(None, [into.get("text", ""), task.get("text", "")]))
    into["measures"] = "\n".join(filter(None, [into.get("measures"), task.get("measures")])) or None
    for assignee in task.get("assignees", []):
        key = assignee.get("department_id")
        same = next(
            (
                a
                for a in into["assignees"]
                if (key is not None and a.get("department_id") == key)
                or (
                    key is None
                    and a.get("department_id") is None
                    and normalize_name(a.get("normalized") or a["text"])
                    == normalize_name(assignee.get("normalized") or assignee["text"])
                )
            ),
            None,
        )
        if same is None:
            into["assignees"].append(assignee)
        else:
            if ROLE_RANK.get(assignee.get("role"), 9) < ROLE_RANK.get(same.get("role"), 9):
                same["role"] = assignee["role"]
            same["remember"] = bool(same.get("remember") or assignee.get("remember"))
    for item in task.get("collective", []):
        same = next((c for c in into["collective"] if c["text"] == item["text"]), None)
        if same is None:
            into["collective"].append(item)
        elif ROLE_RANK.get(item.get("role"), 9) < ROLE_RANK.get(same.get("role"), 9):
            same["role"] = item["role"]
    seen = {(d.get("text"), d.get("date")) for d in into["deadlines"]}
    into["deadlines"] += [d for d in task.get("deadlines", []) if (d.get("text"), d.get("date")) not in seen]
    texts = {g.get("text") for g in into["targets"]}
    into["targets"] += [g for g in task.get("targets", []) if g.get("text") not in texts]


def apply_review(
    draft: dict,
    data: Mapping[str, Any],
    resolver: DepartmentResolver,
    *,
    departments: Iterable[Department] | None = None,
) -> dict:
    """The draft with the reviewer's edits applied; writes nothing.

    `data` is the review form (a QueryDict, or a mapping of field name to a list of values); a field
    left out leaves its value as it was. Department names resolve through `departments` (the names the
    page offers) and then `resolver` (names and aliases as documents write them); a name that matches
    nothing stays unresolved and is reported in the result's `review_notes`. Raises DocumentImportError
    when `data` was made for another revision of the draft.
    """
    revision = value_of(data, "revision")
    if revision is not None and revision != draft_revision(draft):
        raise DocumentImportError(
            _(
                "The draft was changed after this page was loaded (in another window?). Reload the page and make your changes again."
            )
        )
    result = copy.deepcopy(draft)
    result.pop("review_notes", None)
    review = _Review(data, resolver, departments, result.get("base_year"))
    review.header(result)
    kept: list[dict] = []
    for index, task in enumerate(result.get("tasks", [])):
        for key in ("assignees", "collective", "deadlines", "targets"):
            task.setdefault(key, [])
        review.task(index, task)
        prefix = f"t{index}-"
        if checked(data, prefix + "drop"):
            continue
        if checked(data, prefix + "merge"):
            if kept:
                _merge(kept[-1], task)
                continue
            review.notes.append(
                _("%(where)s cannot be merged: there is no task before it.")
                % {"where": task_label(index, task)}
            )
        kept.append(task)
    result["tasks"] = kept
    # A name mapped once in the summary applies to every task that writes it, after the tasks' own edits.
    for _key, name in apply_name_maps(result, data, review.find):
        review.notes.append(unknown_department_message(_("All tasks"), name))
    result["review_notes"] = review.notes
    return result
