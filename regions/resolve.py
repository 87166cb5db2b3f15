"""Resolve department names as documents write them to Department rows.

A resolver loads the departments and aliases of a document's region and the regions above it in two
queries, then answers every lookup in memory, so importing a document costs a constant number of queries.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field

from regions.models import Department, DepartmentAlias, Region

_SPACE = re.compile(r"\s+")
# Collective names that stand for every subordinate government ("各县（区）人民政府", "各市州人民政府").
_SUBORDINATE_GOVERNMENTS = re.compile(r"^各.{0,12}(人民政府|政府|县|区|市州|市|乡镇)[)）]?$")
_LEVEL_PREFIX = {"省": Region.Level.PROVINCE, "市": Region.Level.CITY, "州": Region.Level.CITY}


def normalize_name(text: str) -> str:
    """The form names are compared in: NFKC (full-width to half-width), no whitespace."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text or ""))


@dataclass
class Resolution:
    text: str
    department: Department | None
    suggestions: list[Department] = field(default_factory=list)


class DepartmentResolver:
    """Finds departments for names written in a document of `region`."""

    def __init__(self, region: Region) -> None:
        self.region = region
        self.chain = self._ancestors(region)  # the region first, then upwards
        region_ids = [r.pk for r in self.chain]
        self.departments = {
            d.pk: d
            for d in Department.objects.filter(region_id__in=region_ids, is_active=True).select_related(
                "region"
            )
        }
        self.index: dict[int, dict[str, Department]] = {r.pk: {} for r in self.chain}
        for department in self.departments.values():
            self.index[department.region_id][normalize_name(department.name)] = department
        for alias in DepartmentAlias.objects.filter(region_id__in=region_ids).only(
            "alias", "region_id", "department_id"
        ):
            department = self.departments.get(alias.department_id)
            if department is not None:
                self.index[alias.region_id].setdefault(normalize_name(alias.alias), department)

    @staticmethod
    def _ancestors(region: Region) -> list[Region]:
        chain, node = [], region
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain

    def _level(self, level: str) -> Region | None:
        return next((r for r in self.chain if r.level == level), None)

    def resolve(self, text: str, normalized: str | None = None) -> Resolution:
        """The department a name stands for, or None with the closest known names as suggestions."""
        for candidate in dict.fromkeys(
            filter(None, [normalize_name(normalized or ""), normalize_name(text)])
        ):
            found = self._lookup(candidate)
            if found is not None:
                return Resolution(text, found)
        return Resolution(text, None, self.suggest(normalized or text))

    def _lookup(self, key: str) -> Department | None:
        # A "省"/"市" prefix says which level the department belongs to.
        level = _LEVEL_PREFIX.get(key[:1])
        if level is not None:
            scoped = self._level(level)
            if scoped is not None and key in self.index[scoped.pk]:
                return self.index[scoped.pk][key]
        # A full region name ("郑州市卫生健康委员会") pins the region too.
        for region in self.chain:
            if key.startswith(region.name) and key in self.index[region.pk]:
                return self.index[region.pk][key]
        # Otherwise the nearest region that knows the name: the document's own first.
        for region in self.chain:
            if key in self.index[region.pk]:
                return self.index[region.pk][key]
        return None

    def suggest(self, text: str, limit: int = 5) -> list[Department]:
        key = normalize_name(text)
        names: dict[str, Department] = {}
        for region in self.chain:
            for name, department in self.index[region.pk].items():
                names.setdefault(name, department)
        matches = difflib.get_close_matches(key, list(names), n=limit * 3, cutoff=0.4)
        unique: list[Department] = []
        for name in matches:
            if names[name] not in unique:
                unique.append(names[name])
        return unique[:limit]

    def collective(self, text: str) -> list[Department]:
        """Departments a collective name stands for: the subordinate governments of the region."""
        if not _SUBORDINATE_GOVERNMENTS.match(normalize_name(text)):
            return []
        return sorted(
            (d for d in self.departments.values()
             if d.region_id == self.region.pk and d.kind == Department.Kind.SUBORDINATE_GOVERNMENT),
            key=lambda d: d.name,
        )  # fmt: skip
