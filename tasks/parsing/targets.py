"""Quantitative goals: one entry per clause that states an explicit number."""

from __future__ import annotations

import re

from .assignees import split_top
from .header import DOC_NUMBER
from .model import Target
from .normalize import cn_to_int, fold

_NUM = r"\d+(?:\.\d+)?"
_UNITS = (
    r"个百分点|百分点|%|‰|万元|亿元|千元|元|万人|万|亿|张床位|张|个|家|所|名|人次|人|项|种|次|倍|岁|天|小时|分钟|"
    r"公里|台|辆|份|批|支|类|位|级|床|篇|场|户|例|套|座|条|周|个月|月"
)
QUANTITY = re.compile(r"(?<![0-9A-Za-z.])(" + _NUM + r")\s*(" + _UNITS + r")(?![A-Za-z])")
_RANGE = re.compile(r"(" + _NUM + r")\s*(?:万)?\s*[—\-~～至到]\s*(" + _NUM + r")\s*(" + _UNITS + r")")
_RATIO = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*[:：比]\s*(\d+(?:\.\d+)?)(?![\d.])")
_CN_QUANTITY = re.compile(
    r"(?:至少|不少于|不低于|达到|超过|新增|建成|设置|配备|增加|培训|招收)\s*(?:有)?([一二两三四五六七八九十百千]+)\s*(个|家|所|名|项|批|张|万)"
)
# A duration in years is a goal only with a comparator ("不少于1年"); "3年" alone is a period.
_DURATION = re.compile(r"(?:不少于|至少|不低于|不短于|超过|满)\s*(\d{1,2})\s*(年)(?![\d底末内度])")
# A clause stating the present situation ("目前全市仅组建1个…") is not a goal.
_STATUS = re.compile(r"^\s*(?:目前|当前|现有|截至目前|截至\s*\d|现阶段|已有|已经|今年以来|去年)")
_GRADE = re.compile(r"(?:达到|达|创建成|晋升为|成为)\s*([一二三])级([甲乙丙])等")
_SCOPE_AFTER = re.compile(r"^\s*(?:及|或)?\s*(?:以上|以下)\s*的?\s*(?=[\u4e00-\u9fff])(?!标准|水平|要求)")
_NOISE = re.compile(r"[“\"《「『][^”\"》」』]{0,40}[”\"》」』]")
_LEAD_STRIP = re.compile(
    r"^(?:力争|争取|努力|确保|原则上|要|并|同时|此外|另外|推动|推进实现|实现|使|到(?!达)|至(?!少)|在此基础上|进一步)\s*"
)
_RESULT_VERB = re.compile(
    r"达到|达|配备|推荐|评选|建成|新增|完成|提高|降|不少于|不低于|超过|高于|低于|控制|占|增加|培训|招收|设置|覆盖|选择"
)
_GE = re.compile(r"不少于|不低于|至少|以上|超过|高于|大于|≥|>=|多于")
_LE = re.compile(r"以下|以内|之内|不超过|不高于|低于|控制在|≤|<=|少于|小于")
_CHANGE = re.compile(
    r"(?:由|从)\s*(?:人均|每人|每年)?\s*(" + _NUM + r")\s*(" + _UNITS + r")?[^,，。;；]{0,30}?"
    r"(?:提高|增加|提升|降低|下降|降|减少|调整|上调|下调|增长)(?:到|至|为)\s*("
    + _NUM
    + r")\s*("
    + _UNITS
    + r")"
)
_DELTA = re.compile(
    r"(?:提高|增加|提升|降低|下降|减少|上调|下调|增长)(到|至|为)?\s*(" + _NUM + r")\s*(" + _UNITS + r")"
)


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for s, e in spans:
        for i in range(max(0, s), min(len(chars), e)):
            chars[i] = " "
    return "".join(chars)


_MAYBE_NUMBER = re.compile(
    r"[0-9]|(?:至少|不少于|不低于|达到|超过|新增|建成|设置|配备|增加|培训|招收|达|成为)\s*有?[一二两三四五六七八九十百千]"
)


def _valid_quantities(folded: str) -> list[re.Match]:
    """Numbers with units that are goals, not scope thresholds, names, citations or dates."""
    if not _MAYBE_NUMBER.search(folded):
        return []
    masked = _blank(folded, [m.span() for m in _NOISE.finditer(folded)])
    masked = _blank(masked, [m.span() for m in DOC_NUMBER.finditer(masked)])
    masked = _blank(
        masked,
        [
            m.span()
            for m in re.finditer(r"第\s*\d+\s*[号期条款章]|(?:19|20)\d{2}\s*年|\d+\s*[A-Za-z]", masked)
        ],
    )
    out: list[re.Match] = []
    for m in QUANTITY.finditer(masked):
        unit = m.group(2)
        if unit not in ("%", "个百分点", "百分点", "‰") and _SCOPE_AFTER.match(masked[m.end() :]):
            continue
        out.append(m)
    for m in _DURATION.finditer(masked):
        out.append(m)
    for m in _CN_QUANTITY.finditer(masked):
        out.append(m)
    for m in _GRADE.finditer(masked):
        out.append(m)
    for m in _RATIO.finditer(masked):
        out.append(m)
    return out


def _strip_lead(text: str, deadline_spans: list[tuple[int, int]], offset: int) -> tuple[int, str]:
    """Drop leading hedges and time phrases ('力争', '年底前') from a clause."""
    start = 0
    changed = True
    while changed:
        changed = False
        lead = len(text[start:]) - len(text[start:].lstrip())
        start += lead
        for s, e in deadline_spans:
            if s - offset == start and e - offset <= len(text):
                start = e - offset
                changed = True
        m = _LEAD_STRIP.match(text[start:])
        if m and m.end() < len(text) - start:
            start += m.end()
            changed = True
    return start, text[start:]


def find_targets(
    text: str,
    folded: str,
    deadline_spans: list[tuple[int, int, int | None]],
    skip_spans: list[tuple[int, int]],
) -> list[Target]:
    """Targets in a task text; ``deadline_spans`` carry the year each deadline states."""
    masked = _blank(folded, skip_spans)
    dl_spans = [(s, e) for s, e, _ in deadline_spans]
    out: list[Target] = []
    pos = 0
    for clause in split_top(masked, "，,；;。:：!?！？\n"):
        start = pos
        pos += len(clause) + 1
        if not clause.strip():
            continue
        if _STATUS.match(clause):
            continue
        for part_start, part in _split_parallel(clause, start):
            fpart = folded[part_start : part_start + len(part)]
            if not _valid_quantities(_blank(fpart, [(s - part_start, e - part_start) for s, e in dl_spans])):
                continue
            cut, _ = _strip_lead(fpart, dl_spans, part_start)
            original = text[part_start + cut : part_start + len(part)].strip()
            original = _strip_frame(original)
            if len(original) < 3:
                continue
            year = None
            for s, _e, y in deadline_spans:
                if s < part_start + len(part) and y and "。" not in folded[s:part_start]:
                    year = y
            out.append(describe(original, year))
    return out


def _split_parallel(clause: str, start: int) -> list[tuple[int, str]]:
    """'推荐10家…、评选10家…' are two goals; '20%的…、10%的…完成' share one predicate."""
    parts = split_top(clause, "、")
    if len(parts) < 2:
        return [(start, clause)]
    if all(_valid_quantities(p) and _RESULT_VERB.search(p) for p in parts):
        out = []
        pos = start
        for p in parts:
            out.append((pos, p))
            pos += len(p) + 1
        return out
    return [(start, clause)]


def _strip_frame(text: str) -> str:
    m = re.match(r"^(?:落实|执行|按照)(.+?)(?:的)?(?:要求|标准|规定)$", text)
    return m.group(1) if m else text


def _number(text: str) -> float | int | None:
    try:
        value = float(text)
    except ValueError:
        return cn_to_int(text)
    return int(value) if value.is_integer() else value


def describe(text: str, year: int | None = None) -> Target:
    """Metric, comparator, value and unit of one goal phrase."""
    folded = fold(text)
    m = _CHANGE.search(folded)
    if m:
        unit = m.group(4)
        return Target(
            text, _metric(folded[: m.start()]), "change", _number(m.group(3)), unit, year, _number(m.group(1))
        )
    m = _RANGE.search(folded)
    if m:
        return Target(
            text,
            _metric(folded[: m.start()]),
            "range",
            _number(m.group(1)),
            m.group(3),
            year,
            upper=_number(m.group(2)),
        )
    m = _DELTA.search(folded)
    if m and (m.group(1) or "百分点" in m.group(3) or "%" in m.group(3) or not _GE.search(folded)):
        return Target(text, _metric(folded[: m.start()]), "change", _number(m.group(2)), m.group(3), year)
    quantities = _valid_quantities(folded)
    op = ">=" if _GE.search(folded) else "<=" if _LE.search(folded) else "="
    if op == "=" and re.search(r"达到?\s*[0-9一二三]", folded) and "左右" not in folded:
        op = ">="  # "达到80%": reaching a level means at least that level
    if not quantities:
        return Target(text, _metric(folded), op, None, None, year)
    q = quantities[-1] if op != "=" else quantities[0]
    if q.re is _RATIO:
        value, unit = _number(q.group(2)), f"{q.group(1)}:"
    elif q.re is _GRADE:
        value, unit = cn_to_int(q.group(1)), "级" + q.group(2) + "等"
    else:
        value, unit = _number(q.group(1)), q.group(2)
    return Target(text, _metric(folded[: q.start()]), op, value, unit, year)


def _metric(prefix: str) -> str:
    prefix = re.sub(
        r"(要|应|须|将)?(达到|达|不少于|不低于|至少|超过|高于|低于|控制在|不超过|拟|为|在|有|的)+\s*$",
        "",
        prefix.strip(),
    )
    prefix = re.sub(r"^(力争|确保|原则上|要|并|推动|实现)+", "", prefix)
    return prefix.strip(" ,，。") or ""
