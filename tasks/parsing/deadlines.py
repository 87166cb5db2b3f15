"""Time limits: kept as written, resolved to a date against the document's year where possible."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from .model import Deadline
from .normalize import cn_to_int, fold

_NUM = r"(\d{1,2}|[一二三四五六七八九十]{1,3})"
_RELYEAR = r"(今年|本年|当年|明年|次年|下一年|来年)"
_BEFORE = r"(?:前|之前|以前|为止)"
# "完成" belongs to the phrase only when it closes it ("2018年7月底前完成" in a table cell).
_DONE = r"(?:\s*完成(?=$|[,.。;:!?，；：)）\s]))?"
_CLAUSE_START = r"(?:(?<=^)|(?<=[,.。;:!?、\s(“\"])|(?<=力争|争取|确保|预计|计划|努力))"

_PATTERNS: list[tuple[str, re.Pattern]] = [
    # First: a phrase with 每/按 is recurring, whatever day it also names ("每年6月底前").
    (
        "recurring",
        re.compile(
            # 每季度 and 按季度, 每半月: a report or a payment due at every period (not 按年龄, 逐年提高).
            r"(?:每(?:个)?(?:半月|月|季度|季|半年|年度|年|周|旬)|按(?:季度|月度|月|半年|年度|周)(?!龄|份))"
            # "每年6月底前": a day of the year, every year.
            r"(?:\s*(?:\d{1,2}\s*月\s*(?:\d{1,2}\s*日|底|末|初)?|\d{1,2}\s*日|底|末|初)\s*" + _BEFORE + r"?)?"
        ),
    ),
    # 2017年4月—2018年12月 / 2018—2020年
    (
        "range",
        re.compile(
            r"(?:(\d{4})\s*年\s*)(\d{1,2})\s*月(?:\s*\d{1,2}\s*日)?\s*[—\-~至到－–]+\s*(?:(\d{4})\s*年\s*)?"
            r"(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?(?:\s*(?:底|末))?(?:\s*" + _BEFORE + r")?"
        ),
    ),
    (
        "yrange",
        re.compile(r"(\d{4})\s*年?\s*[—\-~至到－–]+\s*(\d{4})\s*年(?:\s*(?:底|末))?(?:\s*" + _BEFORE + r")?"),
    ),
    # 2023年6月30日前, 从今年4月1日起
    (
        "day",
        re.compile(
            r"(?:(?:从|自|于|在|到|至)\s*)?(?:(\d{4})\s*年\s*|"
            + _RELYEAR
            + r")?(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*"
            r"(前|之前|以前|为止|起|开始|以后|后)" + _DONE
        ),
    ),
    # 自2024年4月起, 从今年4月份开始: the first day of the month is a start
    (
        "mstart",
        re.compile(
            r"(?:从|自)\s*(?:(\d{4})\s*年\s*|" + _RELYEAR + r")?(\d{1,2})\s*月\s*份?\s*(?:起|开始)"
            r"(?:\s*(?:施行|执行|实施))?"
        ),
    ),
    (
        "ystart",
        re.compile(
            r"(?:从|自)\s*(?:((?:19|20)\d{2})\s*年|" + _RELYEAR + r")\s*(?:起|开始)(?:\s*(?:施行|执行|实施))?"
        ),
    ),
    # 2018年7月底前完成, 6月底前, 次年3月前
    (
        "month",
        re.compile(
            r"(?:(?:到|至|于)\s*)?(?:(\d{4})\s*年\s*|"
            + _RELYEAR
            + r")?(\d{1,2})\s*月\s*(?:份|上旬|中旬|下旬)?\s*"
            r"(?:(底|末)\s*" + _BEFORE + r"?|" + _BEFORE + r")" + _DONE
        ),
    ),
    # 3月份, 2024年9月份: the end of that month ("3月份以来" looks back, "4月份起" starts)
    (
        "monthonly",
        re.compile(
            r"(?:(?:到|至|于|在)\s*)?(?:(\d{4})\s*年\s*|"
            + _RELYEAR
            + r")?(\d{1,2})\s*月份(?!\s*(?:以来|起|开始|的|至|到|以后|后|[—\-~－–]))"
        ),
    ),
    # 次年底前, 明年年末
    (
        "relend",
        re.compile(
            r"(?:(?:到|至|于|在)\s*)?(明年|次年|下一年|来年|今年|本年|当年)\s*年?(?:底|末)\s*(?:"
            + _BEFORE
            + r")?"
            + _DONE
        ),
    ),
    # 年底前, 2017 年底前, 上半年, 第三季度, 年内
    (
        "season",
        re.compile(
            r"(?:(?:到|至|于|在)\s*)?(?:(\d{4})\s*(?=年[底末内中])|(\d{4})\s*年\s*(?=第?[一二三四1-4]季度|[上下]半年)|"
            + _RELYEAR
            + r")?"
            r"(年底|年末|年内|年中|上半年|下半年|第?[一二三四1-4]季度)\s*(?:" + _BEFORE + r")?" + _DONE
        ),
    ),
    ("yearbefore", re.compile(r"(?:(?:到|至)\s*)?(\d{4})\s*年\s*" + _BEFORE + _DONE)),
    ("period", re.compile(r"(?:(?:到|至)\s*)?[“\"]?十([一二三四五六七八九])五[”\"]?\s*(期间|末)")),
    (
        "relative",
        re.compile(
            r"(?:出台|印发|发布|下发|批复|下达|公布|启动|实施|到位)(?:后|之日起)\s*"
            r"(?:\d{1,3}|[一二三四五六七八九十]{1,3})\s*(?:个)?(?:月|日|天|周|工作日|个工作日|年)(?:内|之内)"
            + _DONE
        ),
    ),
    (
        "relative",
        re.compile(r"按(?:照)?(?:既定|规定|计划|要求)的?(?:时间|时限|进度|时间节点)(?:要求|节点|安排)?"),
    ),
    # 自印发之日起施行: starts on a day the text does not print
    (
        "onissue",
        re.compile(
            r"自\s*(?:印发|发布|公布|下发)之日起(?!\s*(?:\d|[一二三四五六七八九十]))(?:\s*(?:施行|执行|实施))?"
        ),
    ),
    (
        "ongoing",
        re.compile(r"[(（](?:持续推进|长期坚持|长期推进|持续实施|常态化推进|常态化开展|长期|持续)[)）]"),
    ),
    # "…，长期坚持。": an ongoing time limit standing as its own clause (not "持续推进改革").
    (
        "ongoing",
        re.compile(
            r"(?<=[,，。;；:：])\s*(?:持续推进|长期坚持|长期推进|持续开展|常态化推进|常态化开展|持续实施|长期有效|长期)"
            r"\s*(?=[。;；,，)）]|$)"
        ),
    ),
    # 2020年，… / 2017年覆盖所有… : a year opening a clause scopes what follows
    (
        "year",
        re.compile(
            _CLAUSE_START
            + r"(?:(?:到|至|在)\s*)?((?:19|20)\d{2})\s*年(?!\s*\d)(?!\s*(?:度|代|以来|是|的|起|版|份|中|初|第|月))"
        ),
    ),
]

# A pattern runs only if one of its characters occurs in the text (cheap prefilter).
_NEEDLES = {
    "range": "月",
    "yrange": "年",
    "mstart": "从自",
    "ystart": "从自",
    "monthonly": "份",
    "relend": "底末",
    "onissue": "之",
    "day": "日",
    "month": "月",
    "season": "年季",
    "yearbefore": "年",
    "period": "五",
    "recurring": "每按",
    "relative": "后起按",
    "ongoing": "持长常",
    "year": "年",
}
_STARTS = ("mstart", "ystart")
_CLAUSE_STOP = set(",.。;:!?，；：\n")

_ONGOING_CELL = re.compile(r"^(持续|长期|常态|逐步|全年|一直|不断|动态)")
_RECURRING_CELL = re.compile(r"^(每|定期|按月|按季|按年|逐月|逐季)")


_EXPLICIT_YEAR = re.compile(r"(?:19|20)\d{2}|十[一二三四五六七八九]五")
_REL_WORD = re.compile(_RELYEAR)
_KIND_CONFIDENCE = {
    "ongoing": (0.9, "ongoing-phrase"),
    "recurring": (0.9, "recurring-phrase"),
    "relative": (0.5, "event-relative"),  # no date until the event: the reviewer may set one
}


def _confidence(kind: str, pattern: str, phrase: str, when: date | None) -> tuple[float, str]:
    """How sure the reading is, and why: an explicit year beats one taken from the document."""
    if kind in _KIND_CONFIDENCE:
        return _KIND_CONFIDENCE[kind]
    if pattern == "onissue":
        return 0.6, "on-issue"
    if pattern == "year":
        return 0.6, "clause-year"  # "2020年，…" scopes a clause; it may not be the time limit
    if _EXPLICIT_YEAR.search(phrase):
        return 0.95, "explicit-date"
    if when is None:
        return 0.3, "no-year"
    if _REL_WORD.search(phrase):
        return 0.85, "relative-year"
    return 0.7, "document-year"


@dataclass
class Found:
    deadline: Deadline
    start: int
    end: int


def _month_end(year: int, month: int) -> date | None:
    if not 1 <= month <= 12:
        return None
    return date(year, month, calendar.monthrange(year, month)[1])


def _rel_year(word: str | None, base: int | None) -> int | None:
    if base is None:
        return None
    if word in ("明年", "次年", "下一年", "来年"):
        return base + 1
    return base


def _resolve(kind: str, m: re.Match, base: int | None) -> tuple[str, date | None, date | None, int | None]:
    """-> (kind, date, start, year)."""
    g = m.groups()
    try:
        if kind == "range":
            y1 = int(g[0])
            y2 = int(g[2]) if g[2] else y1
            start = date(y1, int(g[1]), 1) if 1 <= int(g[1]) <= 12 else None
            end = date(y2, int(g[3]), int(g[4])) if g[4] else _month_end(y2, int(g[3]))
            return "date", end, start, y2
        if kind == "yrange":
            y1, y2 = int(g[0]), int(g[1])
            if not (1990 <= y1 <= y2 <= 2100):
                return "", None, None, None
            return "date", date(y2, 12, 31), date(y1, 1, 1), y2
        if kind == "day":
            # "从4月1日起" opens a period: a start, never a due date.
            out = "start" if g[4] in ("起", "开始", "以后", "后") else "date"
            year = int(g[0]) if g[0] else _rel_year(g[1], base)
            if year is None:
                return out, None, None, None
            return out, date(year, int(g[2]), int(g[3])), None, year
        if kind == "mstart":
            year = int(g[0]) if g[0] else _rel_year(g[1], base)
            if year is None:
                return "start", None, None, None
            return "start", date(year, int(g[2]), 1), None, year
        if kind == "ystart":
            year = int(g[0]) if g[0] else _rel_year(g[1], base)
            return "start", date(year, 1, 1) if year else None, None, year
        if kind == "onissue":
            return "start", None, None, None
        if kind == "relend":
            year = _rel_year(g[0], base)
            return "date", date(year, 12, 31) if year else None, None, year
        if kind in ("month", "monthonly"):
            year = int(g[0]) if g[0] else _rel_year(g[1], base)
            if year is None:
                return "date", None, None, None
            return "date", _month_end(year, int(g[2])), None, year
        if kind == "season":
            explicit = g[0] or g[1]
            year = int(explicit) if explicit else _rel_year(g[2], base)
            if year is None:
                return "date", None, None, None
            word = g[3]
            if word in ("年中", "上半年"):
                return "date", date(year, 6, 30), None, year
            if "季度" in word:
                q = cn_to_int(word.strip("第季度")) or 4
                return "date", _month_end(year, min(q, 4) * 3), None, year
            return "date", date(year, 12, 31), None, year
        if kind in ("yearbefore", "year"):
            year = int(g[0])
            if not 1990 <= year <= 2100:
                return "", None, None, None
            return "date", date(year, 12, 31), None, year
        if kind == "period":
            n = 10 + (cn_to_int(g[0]) or 0)
            end_year = 1981 + 5 * (n - 6) + 4
            return "date", date(end_year, 12, 31), date(end_year - 4, 1, 1), end_year
    except ValueError:
        return "", None, None, None
    return kind, None, None, None


def _whole_value(folded: str, start: int, end: int) -> bool:
    """The phrase is all of a cell or of a labelled field's value."""
    before = folded[:start].rstrip(" ")
    after = folded[end:].lstrip(" ")
    return (not before or before[-1] in ":：\t\n") and (not after or after[0] in "\n。.;；")


def find_deadlines(text: str, base_year: int | None, folded: str | None = None) -> list[Found]:
    """All time-limit phrases in ``text`` in order, non-overlapping, each resolved if possible."""
    folded = folded if folded is not None else fold(text)
    taken: list[tuple[int, int]] = []
    found: list[Found] = []
    for kind, pattern in _PATTERNS:
        if not any(ch in folded for ch in _NEEDLES[kind]) or (
            kind in _STARTS and "起" not in folded and "开始" not in folded
        ):
            continue
        for m in pattern.finditer(folded):
            start, end = m.span()
            if kind == "relative" and m.group(0)[0] != "按":
                # "国家文件出台后3个月内": the event is part of the phrase, back to the clause start.
                floor = max(0, start - 24)
                while (
                    start > floor
                    and folded[start - 1] not in _CLAUSE_STOP
                    and not folded[start - 1].isspace()
                ):
                    start -= 1
            if end - start < 2 or any(start < e and s < end for s, e in taken):
                continue
            resolved_kind, when, since, year = _resolve(kind, m, base_year)
            if not resolved_kind:
                continue
            if folded.endswith("完成", start, end) and not _whole_value(folded, start, end):
                # "9月底前完成…" in running text: the verb is not part of the time limit; only a
                # cell or field value ("完成时限：2018年7月底前完成") is kept whole.
                end -= 2
            phrase = text[start:end].strip()
            # Keep the phrase as printed but without a leading preposition that only links it.
            taken.append((start, end))
            confidence, reason = _confidence(resolved_kind, kind, folded[start:end], when)
            deadline = Deadline(phrase, when, resolved_kind, since, year, confidence, reason)
            found.append(Found(deadline, start, end))
    found.sort(key=lambda f: f.start)
    return found


def parse_deadline_cell(text: str, base_year: int | None) -> list[Deadline]:
    """A 时间进度/完成时限 cell: phrases found in it, else the whole cell classified."""
    text = text.strip()
    if not text:
        return []
    found = [f.deadline for f in find_deadlines(text, base_year)]
    if found:
        return found
    # A cell may hold a bare month or year ("2021年12月", "2022年") meaning "by then".
    bare = []
    for m in re.finditer(r"((?:19|20)\d{2})\s*年(?:\s*(\d{1,2})\s*月)?", fold(text)):
        year, month = int(m.group(1)), int(m.group(2)) if m.group(2) else 12
        end = _month_end(year, month)
        if end:
            bare.append(
                Deadline(
                    text[m.start() : m.end()], end, "date", year=year, confidence=0.9, reason="table-cell"
                )
            )
    if bare:
        return bare
    compact = fold(text).replace(" ", "")
    if _RECURRING_CELL.match(compact):
        kind, confidence, reason = "recurring", 0.8, "cell-word"
    elif _ONGOING_CELL.match(compact):
        kind, confidence, reason = "ongoing", 0.8, "cell-word"
    else:
        kind, confidence, reason = "relative", 0.4, "cell-unclassified"
    return [Deadline(text, None, kind, confidence=confidence, reason=reason)]
