"""Outline: numbered items (一、/（一）/1./（1）/①), inline enumerations (一是/一要/一方面),
prose demands, and which items are tasks.

Nesting follows the numbering, not markdown heading levels: a label style seen for the
first time opens a deeper level, a style already open closes everything below it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .assignees import bracket_groups, subjects
from .model import TableBlock
from .normalize import LABEL_START, cn_to_int, fold, int_to_cn, is_date_line, strip_all_space

_LABEL_TYPES: list[tuple[str, re.Pattern]] = [
    ("cn", re.compile(r"^([一二三四五六七八九十百]+)\s*[、.]")),
    ("pcn", re.compile(r"^\(\s*([一二三四五六七八九十百]+)\s*\)")),
    ("ar", re.compile(r"^(\d{1,3})\s*[.、](?!\d)")),
    ("par", re.compile(r"^\(\s*(\d{1,3})\s*\)")),
    ("arp", re.compile(r"^(\d{1,3})\s*\)")),
    ("circ", re.compile(r"^([①-⑳])")),
    ("zhang", re.compile(r"^第([一二三四五六七八九十百]+)章")),
    ("tiao", re.compile(r"^第([一二三四五六七八九十百]+)条")),
]
_EXCLUDED_SECTION = re.compile(
    r"^(?:[一二三四五六七八九十]+、)?(?:加强|强化|健全|完善|切实)?"
    r"(指导思想|总体要求|总体思路|基本原则|工作原则|工作目标|主要目标|总体目标|发展目标|目标要求|"
    r"保障措施|工作保障|组织保障|组织领导|组织实施|工作要求|有关要求|工作机制|实施步骤和要求|背景|现状)$"
)
# Sections that report on the past rather than assign work: "一、2022年医改工作成效",
# "一、总体进展情况", "（一）工作完成情况".
_REPORT_SECTION = re.compile(
    r"(?:成效|成绩|进展情况|总体进展|工作进展|完成情况|推进情况|基本情况|总体情况|工作回顾|主要做法|取得的成效)$"
)
# A minutes item that only records what the meeting heard or thought.
_NARRATIVE_BODY = re.compile(r"^(?:会议|与会人员|与会同志)(?:认为|听取|充分肯定|肯定|通报|审议|学习|回顾)")
_DEMAND_WORD = re.compile(r"要(?![求点素件闻害])|须|应当|务必|负责|牵头|议定|同意|明确")
_ATTACHMENT_START = re.compile(r"^附\s*件\s*(\d*)\s*[:：]?\s*$")
# "附件：1．配套政策文件制定计划表" and the titles listed under it ("2．重点工作责任分工表"): the
# list of what is attached, at the end of the body, not items of the outline.
_ATTACHMENT_LIST = re.compile(r"^附件[:：]\s*\d{1,2}\s*[.．、]")
_ATTACHMENT_TITLE = re.compile(r"^\d{1,2}\s*[.．、]\s*[^。；;，,]{2,40}$")
_TERMINATOR = re.compile(
    r"^(?:附\s*件\s*\d*\s*[:：]|抄送|抄报|分送|主送|印发|\(此件|（此件|\(信息公开|（信息公开|\(共印|（共印)"
)
_EXHORTATION = re.compile(
    r"习近平|新时代|十九大|十九届|二十大|党的|精神|思想|为指导|指引|站位|认识|高度重视|总书记"
)
_MODAL_START = re.compile(r"^要(?![求点素件闻害])")
_SPEAKER = re.compile(
    r"^(?:[^，,。；;]{0,30}[，,]){0,2}?[^，,。；;]{0,12}?(?:强调|要求|指出|提出|认为|表示)[，,:：]\s*"
)
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


@dataclass
class Node:
    kind: str
    n: int
    label: str  # as printed, e.g. "（三）", "1."
    text: str  # text after the label (first paragraph plus continuation paragraphs)
    parent: Node | None = None
    children: list = field(default_factory=list)
    closed: bool = False
    index: int = -1  # position in the outline list

    @property
    def path_label(self) -> str:
        return self.label.rstrip("、").strip()

    def heading(self) -> str:
        first = self.text.split("\n", 1)[0]
        head = re.split(r"[。!！?？]", first, maxsplit=1)[0]
        return strip_all_space(head).rstrip("：:，,；;")


@dataclass
class Unit:
    """A task as found in the outline, before assignees, deadlines and targets are read."""

    number: str | None
    path: list[str]
    section: str
    text: str
    parent: int | None
    source: str = "text"
    table_row: object = None


def match_label(paragraph: str) -> tuple[str, int, int] | None:
    """(kind, number, end of the label in the paragraph) or None."""
    folded = fold(paragraph)
    if not LABEL_START.match(folded):
        return None
    lead = len(folded) - len(folded.lstrip())
    body = folded[lead:]
    for kind, pattern in _LABEL_TYPES:
        m = pattern.match(body)
        if m:
            raw = m.group(1)
            n = _CIRCLED.index(raw) + 1 if kind == "circ" else cn_to_int(raw)
            if n is None or n == 0 or n > 200:
                return None
            end = lead + m.end()
            while end < len(paragraph) and paragraph[end] in " \t\u3000":
                end += 1
            return kind, n, end
    return None


# --- inline enumerations ------------------------------------------------------------------------


def _quoted_mask(text: str) -> list[bool]:
    mask = []
    depth = 0
    for ch in text:
        if ch == "“":
            depth += 1
        mask.append(depth > 0)
        if ch == "”" and depth:
            depth -= 1
    return mask


def find_enumeration(text: str) -> list[tuple[int, int, str]]:
    """Inline labels (一是…二是…, 一要…二要…, 一方面…另一方面) as (start, end, label)."""
    quoted = _quoted_mask(text)
    best: list[tuple[int, int, str]] = []
    for suffix in ("是", "要", "方面"):
        chain = _chain(text, suffix, quoted)
        if len(chain) >= 2 and (not best or chain[0][0] < best[0][0]):
            best = chain
    return best


def _chain(text: str, suffix: str, quoted: list[bool]) -> list[tuple[int, int, str]]:
    def candidates(label: str, start: int) -> list[int]:
        out = []
        pos = text.find(label, start)
        while pos >= 0:
            before = text[pos - 1] if pos else ""
            after = text[pos + len(label) : pos + len(label) + 1]
            ok = not quoted[pos] and before not in "零〇一二三四五六七八九十百第另统唯同之"
            if suffix == "要" and after in "求点素件闻害":
                ok = False
            if ok:
                out.append(pos)
            pos = text.find(label, pos + 1)
        return out

    for first in candidates(int_to_cn(1) + suffix, 0):
        chain = [(first, first + 1 + len(suffix), int_to_cn(1) + suffix)]
        pos = chain[0][1]
        i = 2
        while True:
            label = ("另一" + suffix) if suffix == "方面" and i == 2 else int_to_cn(i) + suffix
            if suffix == "方面" and i > 2:
                break
            nxt = (
                list(candidates(label, pos))
                if suffix != "方面" or i != 2
                else _plain(text, label, pos, quoted)
            )
            if not nxt:
                break
            chain.append((nxt[0], nxt[0] + len(label), label))
            pos = nxt[0] + len(label)
            i += 1
        if len(chain) >= 2:
            return chain
    return []


def _plain(text: str, label: str, start: int, quoted: list[bool]) -> list[int]:
    pos = text.find(label, start)
    while pos >= 0 and quoted[pos]:
        pos = text.find(label, pos + 1)
    return [pos] if pos >= 0 else []


# --- demands in prose ---------------------------------------------------------------------------


def _sentences(text: str) -> list[tuple[int, str]]:
    out = []
    pos = 0
    for part in re.split(r"(?<=[。！？!?；;])", text):
        if part.strip():
            out.append((pos, part))
        pos += len(part)
    return out


def is_demand(sentence: str) -> bool:
    """'要…' or '<department>要…', not a general ideological exhortation."""
    s = strip_all_space(sentence.replace("*", ""))
    s = _SPEAKER.sub("", s)
    if not s or _EXHORTATION.search(s):
        return False
    if _MODAL_START.match(s):
        return True
    head = re.split(r"[，,]", s, maxsplit=1)
    m = re.match(r"^(.{2,30}?)要(?![求点素件闻害])", s)
    if not m:
        return False
    found = subjects(m.group(0))
    return bool((found.lead or found.collective) and len(head[0]) >= len(m.group(0)) - 1)


def demand_units(text: str, path: list[str], section: str, parent: int | None) -> list[Unit]:
    units = []
    for _pos, sentence in _sentences(text):
        if is_demand(sentence):
            s = _SPEAKER.sub("", sentence.strip())
            units.append(Unit(None, list(path), section, s.strip(), parent, "prose"))
    return units


# --- the tree -----------------------------------------------------------------------------------


def _has_responsibility(text: str) -> bool:
    folded = fold(text)
    for start, end in bracket_groups(folded):
        if re.search(r"负责(?!制)|牵头|参与|配合", folded[start:end]):
            return True
    return bool(re.search(r"(牵头|责任|配合)(单位|部门)\s*[:：]", folded))


def _ends_with_responsibility(text: str) -> bool:
    folded = fold(text).rstrip(" 。.;；")
    groups = bracket_groups(folded)
    if not groups or groups[-1][1] != len(folded):
        return False
    start, end = groups[-1]
    return bool(re.search(r"负责(?!制)|牵头|参与|配合", folded[start:end]))


def is_tree_document(paragraphs: list, start: int) -> bool:
    seen: dict[str, list[int]] = {}
    for para in paragraphs[start:]:
        if isinstance(para, str):
            label = match_label(para)
            if label:
                seen.setdefault(label[0], []).append(label[1])
    if any(any(b == a + 1 for a, b in zip(ns, ns[1:], strict=False)) for ns in seen.values()):
        return True
    # A list of one item is still a list when it starts at 一/1.
    return any(1 in seen.get(kind, []) for kind in ("cn", "pcn", "ar"))


def extract_units(paragraphs: list, body_start: int) -> tuple[list[Node], list[Unit], list[str]]:
    """Outline nodes, task units and warnings for the body of a document."""
    if is_tree_document(paragraphs, body_start):
        return _tree_units(paragraphs, body_start)
    return [], _prose_units(paragraphs, body_start), []


def _tree_units(paragraphs: list, body_start: int) -> tuple[list[Node], list[Unit], list[str]]:
    warnings: list[str] = []
    roots: list[Node] = []
    nodes: list[Node] = []
    stack: list[Node] = []
    current: Node | None = None
    attachment: str | None = None
    tables: list[tuple[TableBlock, str | None, str | None, Node | None]] = []
    last_plain: str | None = None
    last_n: dict[str, int] = {}
    order: list = []  # nodes and tables in reading order
    listing = False  # inside the list of attachments ("附件：1．…")
    for para in paragraphs[body_start:]:
        if isinstance(para, TableBlock):
            tables.append((para, para.title or last_plain, attachment, stack[0] if stack else None))
            order.append(tables[-1])
            if current:
                current.closed = True
            continue
        stripped = para.strip()
        compact = strip_all_space(fold(stripped))
        if _ATTACHMENT_LIST.match(compact) or (listing and _ATTACHMENT_TITLE.match(compact)):
            listing = True
            if current:
                current.closed = True
            continue
        listing = False
        m_att = _ATTACHMENT_START.match(compact)
        if m_att:
            attachment = "附件" + m_att.group(1)
            stack = []
            current = None
            last_plain = None
            continue
        if _TERMINATOR.match(fold(stripped)) or is_date_line(stripped):
            if current:
                current.closed = True
            last_plain = None
            continue
        label = match_label(para)
        if label:
            kind, n, end = label
            prev = last_n.get(kind)
            if prev is not None and n not in (1, prev + 1) and any(x.kind == kind for x in stack):
                warnings.append(f"编号不连续：{para[:end].strip()} 前一项为第 {prev} 项。")
            last_n[kind] = n
            while stack and any(x.kind == kind for x in stack):
                top = stack.pop()
                if top.kind == kind:
                    break
            node = Node(kind, n, para[:end].strip(), para[end:].strip(), parent=stack[-1] if stack else None)
            node.index = len(nodes)
            nodes.append(node)
            order.append(node)
            if node.parent:
                node.parent.children.append(node)
            else:
                roots.append(node)
            stack.append(node)
            current = node
            if _ends_with_responsibility(node.text):
                node.closed = True
            continue
        if current and not current.closed:
            current.text += "\n" + stripped
            if _ends_with_responsibility(stripped):
                current.closed = True
        else:
            last_plain = strip_all_space(stripped) if len(stripped) <= 60 else None
    units: list[Unit] = []
    for item in order:
        if isinstance(item, tuple):
            units.extend(_table_units(*item))
        elif not _excluded(item):
            units.extend(_node_units(item))
    return nodes, units, warnings


def _excluded(node: Node) -> bool:
    n: Node | None = node
    while n is not None:
        heading = n.heading()
        if _EXCLUDED_SECTION.match(heading) or (
            len(heading) <= 25 and not re.search(r"[,，；;]", heading) and _REPORT_SECTION.search(heading)
        ):
            return True
        n = n.parent
    if not node.children:
        body = strip_all_space(_after_heading(node.text) or node.text)
        if _NARRATIVE_BODY.match(body) and not _DEMAND_WORD.search(body):
            return True
    return False


def _path(node: Node) -> list[str]:
    out = []
    n: Node | None = node
    while n is not None:
        out.append(n.path_label)
        n = n.parent
    return out[::-1]


def _section(node: Node) -> str:
    n = node
    while n.parent is not None:
        n = n.parent
    return n.heading()


def _node_units(node: Node) -> list[Unit]:
    path = _path(node)
    section = _section(node)
    parent_idx = node.parent.index if node.parent else None
    if node.children:
        # A heading whose items are the tasks is not itself a task; but a demand written
        # between the heading and the first item is.
        intro = _after_heading(node.text)
        return demand_units(intro, path, section, node.index)
    text = node.text
    first, _, rest = text.partition("\n")
    if rest.strip() and _is_bare_heading(first) and not find_enumeration(text):
        # "三、会议要求" over paragraphs of the meeting's demands: the heading groups them, each
        # demand is a task, as written (minutes print them so). Without one, the item stays whole.
        demands = [
            Unit(None, list(path), section, sentence.strip(), node.index, "prose")
            for _pos, sentence in _sentences(rest)
            if _MEETING_DEMAND.match(strip_all_space(sentence)) or is_demand(sentence)
        ]
        if demands:
            return demands
    if not _has_responsibility(text):
        enum = find_enumeration(text)
        if enum:
            units = demand_units(_after_heading(text[: enum[0][0]]), path, section, node.index)
            for i, (_s, e, label) in enumerate(enum):
                end = enum[i + 1][0] if i + 1 < len(enum) else len(text)
                body = text[e:end].strip()
                units.append(Unit(label, [*path, label], section, body, node.index))
            return units
    return [Unit(node.label, path, section, text, parent_idx)]


# "会议要求X……", "会议强调，X要……": what a meeting asked for (not "会议听取了……").
_MEETING_DEMAND = re.compile(r"^(?:会议|会上)(?:要求|强调|明确|决定|议定|责成|(?:原则)?同意)")


def _is_bare_heading(line: str) -> bool:
    """A short heading line: no sentence, no responsibility, no time limit of its own."""
    compact = strip_all_space(line)
    return 0 < len(compact) <= 20 and not re.search(r"[。；;！!？?，,（(]", compact)


def _after_heading(text: str) -> str:
    """Text of an item after its heading sentence."""
    first, _, rest = text.partition("\n")
    m = re.search(r"[。!！?？]", first)
    own = first[m.end() :] if m else ""
    return (own + ("\n" + rest if rest else "")).strip()


def _table_units(
    table: TableBlock, title: str | None, attachment: str | None, root: Node | None
) -> list[Unit]:
    from .tables import read_table

    rows, table_title = read_table(table)
    section = title or table_title or (root.heading() if root else "") or ""
    units = []
    for idx, row in enumerate(rows, start=1):
        num = strip_all_space(row.number or "") or str(idx)
        num = num.rstrip(".、")
        if attachment:
            number, path = f"{attachment}-{num}", [attachment, num]
        else:
            number, path = num, ([row.category, num] if row.category else [num])
        sec = row.section or (row.category if row.category and not attachment else None) or section
        units.append(Unit(number, path, sec, row.text, None, "table", row))
    return units


# --- prose documents ------------------------------------------------------------------------------


def _is_headline(text: str) -> bool:
    t = text.strip()
    return (
        4 <= len(t) <= 60
        and t[-1] not in "。！？!?；;：:，,"
        and not re.search(r"[，,。；;]", t)
        and not is_date_line(t)
    )


def _prose_units(paragraphs: list, body_start: int) -> list[Unit]:
    units: list[Unit] = []
    section = ""
    attachment: str | None = None
    for idx, para in enumerate(paragraphs):
        if isinstance(para, TableBlock):
            units.extend(_table_units(para, para.title or section or None, attachment, None))
            continue
        m_att = _ATTACHMENT_START.match(strip_all_space(fold(para)))
        if m_att:
            attachment = "附件" + m_att.group(1)
            continue
        if _is_headline(para):
            section = strip_all_space(para)
            continue
        if idx < body_start or _TERMINATOR.match(fold(para.strip())):
            continue
        enum = find_enumeration(para)
        if enum:
            units.extend(demand_units(para[: enum[0][0]], [], section, None))
            for i, (_s, e, label) in enumerate(enum):
                end = enum[i + 1][0] if i + 1 < len(enum) else len(para)
                units.append(Unit(label, [label], section, para[e:end].strip(), None))
        else:
            units.extend(demand_units(para, [], section, None))
    return units
