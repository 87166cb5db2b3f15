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


# What kind of body a name ends with, longest first; bodies of one family may stand for each other
# (a county's 卫生健康局 is a city's 卫生健康委员会), bodies of different families never do.
_BODY_FAMILIES = {
    "人民政府": "government",
    "政府": "government",
    "卫生院": "hospital",
    "医院": "hospital",
    "委员会": "agency",
    "办公室": "agency",
    "局": "agency",
    "委": "agency",
    "厅": "agency",
    "办": "agency",
    "署": "agency",
    "中心": "institution",
    "研究院": "institution",
    "院": "institution",
    "所": "institution",
    "站": "institution",
    "部": "party",  # 组织部, 宣传部: a 部 is its function (the characters before it)
    "小组": "group",
    "协会": "association",
    "学会": "association",
    "公司": "company",
    "集团": "company",
}
_BODY_SUFFIXES = sorted(_BODY_FAMILIES, key=len, reverse=True)
# Characters every kind of body may carry that say nothing of its function.
_FILLER = frozenset("省市州县区中共委人民政府")


@dataclass(frozen=True)
class Body:
    """A name read as a kind of body (its ending) and its function (the characters before it)."""

    suffix: str
    family: str
    core: str

    def compatible(self, other: Body) -> bool:
        if self.family and other.family and self.family != other.family:
            return False
        # Without a character of function in common (组织 and 宣传), two names are different bodies.
        mine, theirs = set(self.core), set(other.core)
        return not (mine and theirs) or bool(mine & theirs)

    def affinity(self, other: Body) -> float:
        """A bonus for the same ending (a 局 for a 局), less for the same family."""
        if self.suffix and self.suffix == other.suffix:
            return 0.15
        return 0.05 if self.family and self.family == other.family else 0.0


def body_of(name: str, place: frozenset[str] = frozenset()) -> Body:
    """The kind of body `name` (normalized) names: '郑州市医疗保障局' -> 局 (agency), function 医疗保障."""
    if name.endswith("部门"):  # "医疗保障部门": any department, of whatever ending
        return Body("", "", "".join(c for c in name[:-2] if c not in _FILLER and c not in place))
    suffix = next((s for s in _BODY_SUFFIXES if name.endswith(s)), "")
    rest = name[: len(name) - len(suffix)]
    return Body(
        suffix,
        _BODY_FAMILIES.get(suffix, ""),
        "".join(c for c in rest if c not in _FILLER and c not in place),
    )


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
        self._places: frozenset[str] | None = None
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
        """The known names closest to `text`, of a compatible kind of body, the same kind first."""
        key = normalize_name(text)
        names: dict[str, Department] = {}
        for region in self.chain:
            for name, department in self.index[region.pk].items():
                names.setdefault(name, department)
        place = self._place_characters()
        wanted = body_of(key, place)
        scored: list[tuple[float, str]] = []
        for name in names:
            candidate = body_of(name, place)
            if not wanted.compatible(candidate):
                continue
            ratio = difflib.SequenceMatcher(None, key, name).ratio()
            if ratio < 0.4 and difflib.SequenceMatcher(None, wanted.core, candidate.core).ratio() < 0.5:
                continue
            scored.append((ratio + wanted.affinity(candidate), name))
        scored.sort(key=lambda pair: (-pair[0], pair[1]))
        unique: list[Department] = []
        for _score, name in scored:
            if names[name] not in unique:
                unique.append(names[name])
        return unique[:limit]

    def _place_characters(self) -> frozenset[str]:
        if self._places is None:
            self._places = frozenset("".join(r.name for r in self.chain))
        return self._places

    def collective(self, text: str) -> list[Department]:
        """Departments a collective name stands for: the subordinate governments of the region."""
        if not _SUBORDINATE_GOVERNMENTS.match(normalize_name(text)):
            return []
        return sorted(
            (d for d in self.departments.values()
             if d.region_id == self.region.pk and d.kind == Department.Kind.SUBORDINATE_GOVERNMENT),
            key=lambda d: d.name,
        )  # fmt: skip
