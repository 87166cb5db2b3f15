"""Who is responsible: responsibility brackets, 牵头/配合 lines and columns, prose subjects."""

from __future__ import annotations

import re

from .header import PROVINCE_SHORT
from .model import Assignee, Collective
from .names import (
    _CENTRAL,
    _CLOSE,
    _LEVEL_PREFIX,
    _OPEN,
    _PLACE_PREFIX,
    _ROLE_WORD,
    _RULE_TEXT,
    _SPECIAL_SUBJECTS,
    Assignment,
    DocRules,
    cell_text,
    is_collective,
    split_cell,
    split_names,
    split_top,
)
from .normalize import fold, simplify, strip_all_space
from .prose import _prose_roles, subjects

# Re-exported: the parser and the tests read names and prose subjects through this module.
__all__ = [
    "Assignment",
    "DocRules",
    "bracket_groups",
    "build_assignees",
    "build_collective",
    "cell_text",
    "confidence_of",
    "is_collective",
    "responsibility",
    "split_cell",
    "split_names",
    "split_top",
    "subjects",
]


# --- brackets and labelled lines --------------------------------------------------------------


_BRACKET_CHARS = re.compile("[" + re.escape(_OPEN + _CLOSE) + "]")


def bracket_groups(text: str) -> list[tuple[int, int]]:
    """Spans (inclusive of the brackets) of top-level bracket groups."""
    spans: list[tuple[int, int]] = []
    depth = 0
    start = 0
    for m in _BRACKET_CHARS.finditer(text):
        ch, idx = m.group(0), m.start()
        if ch in _OPEN:
            if depth == 0:
                start = idx
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                spans.append((start, idx + 1))
    return spans


def _parse_list(content: str, rules: DocRules) -> Assignment:
    """The inside of a responsibility bracket or a 责任单位 cell."""
    result = Assignment()
    content = strip_all_space(content)
    # A label before the list ("督办单位：X", as 督办 notices print it) is not a name.
    content = re.sub(
        r"^(?:责任单位|责任部门|牵头单位|牵头部门|实施主体|督办单位|承办单位|主办单位)[:：]", "", content
    )
    separately = "分别负责" in content
    clauses = [c for c in split_top(content, ",，;；。") if c]
    explicit_lead = any("牵头" in c and not _RULE_TEXT.search(c) for c in clauses)
    for clause in clauses:
        if _RULE_TEXT.search(clause) and not re.search(r"负责$|牵头$|参与$|配合$", clause):
            continue
        # "X（牵头）、Y": a marker inside the list.
        marked = re.findall(r"([^、,，(（]+?)[(（]牵头(?:单位|部门)?[)）]", clause)
        clause_clean = re.sub(r"[(（]牵头(?:单位|部门)?[)）]", "", clause)
        names = split_names(clause_clean)
        people = [n for n in names if not is_collective(n)]
        result.collective.extend(n for n in names if is_collective(n) and n not in result.collective)
        if marked:
            marked_names = [m.strip("、") for m in marked]
            result.lead.extend(n for n in people if n in marked_names)
            result.co.extend(n for n in people if n not in marked_names)
        elif re.search(r"(配合|参与|协助|协办|参加)$", clause):
            result.co.extend(people)
        elif re.search(r"牵头$|牵头单位$|为牵头", clause) or separately or rules.all_lead:
            result.lead.extend(people)
        elif explicit_lead or result.lead:
            result.co.extend(people)
        elif people:
            result.lead.append(people[0])
            result.co.extend(people[1:])
    return result


_DEADLINE_FIELD = re.compile(
    r"(?:完成|办结|整改|时间)(?:时限|时间|节点|期限)\s*[:：]|(?:进度|时间)安排\s*[:：]"
)
_LABELLED = re.compile(
    r"(牵头(?:单位|部门|处室)|责任(?:单位|部门|处室)|配合(?:单位|部门|处室)|协办(?:单位|部门)|参与(?:单位|部门))\s*[:：]"
)


def responsibility(text: str, rules: DocRules) -> tuple[Assignment, list[tuple[int, int]]]:
    """Assignees stated in brackets or '牵头单位：' lines of a task, with the spans used."""
    folded = fold(text)
    result = Assignment()
    spans: list[tuple[int, int]] = []
    for start, end in bracket_groups(folded):
        inner = folded[start + 1 : end - 1]
        if not _ROLE_WORD.search(inner) or len(inner) > 400:
            continue
        # "（责任单位：X、Y；完成时限：…）": the time limit is not part of the list.
        cut = _DEADLINE_FIELD.search(inner)
        stop = start + 1 + cut.start() if cut else end - 1
        parsed = _parse_list(text[start + 1 : stop], rules)
        if parsed.empty():
            continue
        result.merge(parsed.tag("bracket"))
        spans.append((start, stop if cut else end))
    for m in _LABELLED.finditer(folded):
        if any(s <= m.start() < e for s, e in spans):
            continue
        value_end = len(folded)
        nxt = _LABELLED.search(folded, m.end())
        if nxt:
            value_end = nxt.start()
        cut = _DEADLINE_FIELD.search(folded, m.end(), value_end)
        if cut:
            value_end = cut.start()
        stop = re.search(r"[。\n]", folded[m.end() : value_end])
        if stop:
            value_end = m.end() + stop.start()
        value = text[m.end() : value_end]
        names = split_names(value)
        kind = m.group(1)
        people = [n for n in names if not is_collective(n)]
        result.collective.extend(n for n in names if is_collective(n))
        if kind.startswith("牵头"):
            result.lead.extend(people)
        elif kind.startswith(("配合", "协办", "参与")):
            result.co.extend(people)
        else:
            result.merge(_parse_list(value, rules))
        result.tag("labelled-line")
        spans.append((m.start(), value_end))
    if result.empty():
        prose = _prose_roles(text)
        if not prose.empty():
            result = prose
    return result, spans


# A sentence that names who does it: "请X牵头，会同Y…", "由X牵头", "责成X…", "会议要求X…".
# --- confidence ---------------------------------------------------------------------------

# How sure each rule is that it named the right organisation in the right role (a prior per rule).
_CONFIDENCE = {
    "bracket": 0.95,
    "labelled-line": 0.95,
    "table-column": 0.95,
    "table-responsibility": 0.85,
    "prose-由": 0.85,
    "minutes-请": 0.8,
    "minutes-责成": 0.8,
    "minutes-要求": 0.75,
    "prose-牵头": 0.8,
    "prose-牵头负责": 0.8,
    "prose-分别负责": 0.8,
    "prose-负责": 0.7,
    "prose-配合": 0.7,
    "prose-subject": 0.6,
    "object-list": 0.5,
}


def confidence_of(reason: str) -> float:
    return _CONFIDENCE.get(reason, 0.5)


# --- normalised names -------------------------------------------------------------------------


def _has_own_prefix(name: str) -> bool:
    return bool(
        _LEVEL_PREFIX.match(name)
        or _CENTRAL.match(name)
        or name.startswith(PROVINCE_SHORT)
        or _PLACE_PREFIX.match(name)
        or name in _SPECIAL_SUBJECTS
    )


def _prefix_of(name: str) -> str | None:
    m = _PLACE_PREFIX.match(name)
    if m and not _LEVEL_PREFIX.match(name):
        return m.group(1)
    m = _LEVEL_PREFIX.match(name)
    if m and not name.startswith(("市委", "省委", "县委", "区委")):
        return m.group(0)
    if name.startswith(("市委", "省委", "县委", "区委")):
        return name[0]
    return None


def build_assignees(names: list[str], context: list[str] | None = None) -> list[Assignee]:
    """Assignees with a normalised name: a level prefix carries over to unprefixed names."""
    out: list[Assignee] = []
    carried: str | None = None
    for name in context or []:
        carried = _prefix_of(name) or carried
        if carried:
            break
    for name in names:
        text = strip_all_space(name)
        norm = simplify(fold(text))
        own = _prefix_of(norm)
        if own:
            carried = carried or own
        if not _has_own_prefix(norm) and carried:
            norm = carried + norm
        out.append(Assignee(text=text, normalized=norm))
    return out


def build_collective(names: list[str]) -> list[Collective]:
    return [Collective(text=strip_all_space(n), normalized=simplify(fold(strip_all_space(n)))) for n in names]
