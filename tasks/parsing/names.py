"""Names of responsible bodies: lists split into names, collectives, organisations, and the Assignment."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .normalize import strip_all_space

_OPEN = "(〔[【［（"
_CLOSE = ")〕]】］）"
_ROLE_WORD = re.compile(r"负责(?!制|人|同志)|牵头|参与|配合|协助|协办|责任单位|责任部门")
_LEAD_RULE_ALL = re.compile(r"不(?:区|划)?分(?:牵头|主次|先后)")
_RULE_TEXT = re.compile(
    r"(列|排|位)在?(首位|第一位|第一个|第一|前面|最前)|分别负责指|下同|不分先后|按职责分头落实"
)
_TRAILING_ROLE = re.compile(
    r"(?:按照?职责分工|按照?职责|按分工|分工)?(?:分别|共同|各自|具体)?"
    r"(?:负责|牵头|配合|参与|协助|协办|参加|落实)(?:落实|实施)?$"
)
_COLLECTIVE = re.compile(r"^(?:全省|全市|全县|全区)?(?:各|每个|每一个)")
_COLLECTIVE_WORDS = re.compile(r"^(有关部门|相关部门|有关单位|相关单位|各地|各级政府)$")
_LEVEL_PREFIX = re.compile(r"^(?:自治区|省|市(?!场)|县|区(?!域)|州|盟|旗|乡|镇)")
_PLACE_PREFIX = re.compile(r"^([\u4e00-\u9fff]{2,8}?(?:省|市|县|区|州|盟|旗))(?=[\u4e00-\u9fff]{2})")
_CENTRAL = re.compile(r"^(国家|中央|中共|国务院|全国|人民银行|人行|国家税务|解放军|武警|军区|各)")
_DEPT_SUFFIX = re.compile(
    r"(局|委|办|厅|部|署|府|组|室|司|办公室|委员会|政府|工会|残联|妇联|团委|红十字会|协会|总会|中心|银保监局|监管局)$"
)
# Time limits written inside a responsibility list ("（市卫健委负责，长期坚持）") are not names.
_TIME_WORDS = frozenset(
    (
        "长期坚持",
        "长期推进",
        "长期有效",
        "持续推进",
        "持续开展",
        "持续实施",
        "常态化开展",
        "常态化推进",
        "长期",
        "持续",
    )
)
_RECURRING_NAME = re.compile(r"(?:定期|每个?(?:月|季度|季|半年|年度|年|周|旬)).{0,6}$")
_DATE_IN_NAME = re.compile(r"\d{4}\s*年|\d{1,2}\s*月|^(?:年底|年内|年末|上半年|下半年)")


def _is_time_word(part: str) -> bool:
    if part in _TIME_WORDS:
        return True
    if part[0] in "定每" and _RECURRING_NAME.match(part):
        return True
    return ("年" in part or "月" in part) and bool(_DATE_IN_NAME.search(part))


_SPECIAL_SUBJECTS = {"省里", "市里", "县里", "区里", "省上", "市上"}
_SUBJECT_VERB = (
    r"(?:要|将|应当|应|须|必须|需|负责|牵头|至少|也要|都要|均要|会同|联合|共同|统一|积极|全面|制定|出台|建立|"
    r"开展|完成|落实|推进|加快|组织|做好|抓好|启动|选择)"
)
_OBJECT_VERB = r"(?:推动|督促|指导|协调|会同|联合|组织|要求|支持)"
_LEADING_TIME = re.compile(
    r"^(?:\d{4}\s*年(?:底|内|前)?|\d{1,2}月(?:底|末)?(?:前|之前)?|年底前|年内|下一步|同时|此外|另外|今后|近期|当前|目前)\s*[,，]?\s*"
)


@dataclass
class Assignment:
    lead: list[str] = field(default_factory=list)
    co: list[str] = field(default_factory=list)
    collective: list[str] = field(default_factory=list)
    reasons: dict[str, str] = field(default_factory=dict)  # name -> rule (see CONFIDENCE)

    def empty(self) -> bool:
        return not (self.lead or self.co or self.collective)

    def merge(self, other: Assignment) -> None:
        for attr in ("lead", "co", "collective"):
            mine = getattr(self, attr)
            mine.extend(x for x in getattr(other, attr) if x not in mine)
        for name, reason in other.reasons.items():
            self.reasons.setdefault(name, reason)

    def add(self, attr: str, names: list[str], reason: str) -> None:
        """Add names not yet listed in any role, remembering the rule that named them."""
        taken = {*self.lead, *self.co, *self.collective}
        for name in names:
            if name not in taken:
                getattr(self, attr).append(name)
                self.reasons.setdefault(name, reason)
                taken.add(name)

    def tag(self, reason: str) -> Assignment:
        """Name the rule for every name that has none yet."""
        for name in (*self.lead, *self.co, *self.collective):
            self.reasons.setdefault(name, reason)
        return self


@dataclass
class DocRules:
    """Rules a document states for its own responsibility lists."""

    all_lead: bool = False  # "不分牵头/主次": everyone listed leads
    first_is_lead: bool = True  # "列首位的为牵头部门" (also the genre's default)

    @classmethod
    def detect(cls, folded_text: str) -> DocRules:
        rules = cls()
        if _LEAD_RULE_ALL.search(folded_text):
            rules.all_lead = True
        return rules


# --- splitting lists of names --------------------------------------------------------------


def split_top(text: str, seps: str) -> list[str]:
    """Split on any of ``seps`` outside brackets."""
    if not any(ch in text for ch in seps):
        return [text]
    if not any(ch in text for ch in _OPEN):
        return re.split("[" + re.escape(seps) + "]", text)
    parts: list[str] = []
    depth = 0
    last = 0
    for m in re.finditer("[" + re.escape(seps + _OPEN + _CLOSE) + "]", text):
        ch = m.group(0)
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif depth == 0:
            parts.append(text[last : m.start()])
            last = m.end()
    parts.append(text[last:])
    return parts


def _split_and(name: str) -> list[str]:
    """Split on 和/及/以及/与 only where both sides are whole names ('人力资源和社会保障局' stays)."""
    for joiner in ("以及", "及", "和", "与"):
        pieces = split_top(name.replace(joiner, "\x00"), "\x00") if joiner in name else [name]
        if len(pieces) < 2:
            continue
        left, right = pieces[0], "\x00".join(pieces[1:]).replace("\x00", joiner)
        if right.startswith(("各", "每个", "全省", "全市")) and left:
            return [*_split_and(left), right]
        if _DEPT_SUFFIX.search(left) and (_DEPT_SUFFIX.search(right) or _COLLECTIVE.match(right)):
            return [*_split_and(left), *_split_and(right)]
        if len(left) <= 3 and len(right) <= 3:  # abbreviations: 财政和编办
            return [left, right]
    return [name]


def split_names(text: str) -> list[str]:
    text = strip_all_space(text)
    names: list[str] = []
    for part in split_top(text, "、,，;；/\n"):
        part = _TRAILING_ROLE.sub("", part).strip("等。.:： ")
        part = re.sub(r"^(?:由|请|责任单位|牵头单位|配合单位|责任部门|牵头部门|配合部门)[:：]?", "", part)
        part = re.sub(r"等(?:相关|有关)?(?:部门|单位)?$", "", part)
        part = re.sub(r"等(?:相关|有关)?(?:部门|单位).*$", "", part)
        if not part or len(part) < 2 or _RULE_TEXT.search(part) or _is_time_word(part):
            continue
        for name in _split_and(part):
            name = name.strip("等")
            if 2 <= len(name) <= 40 and "的" not in name:
                names.append(name)
    return names


def is_collective(name: str) -> bool:
    return bool(_COLLECTIVE.match(name) or _COLLECTIVE_WORDS.match(name))


def _is_org(name: str) -> bool:
    if name in _SPECIAL_SUBJECTS:
        return True
    if (
        len(name) > 24
        or "的" in name
        or name.startswith(("经", "由", "在", "对", "向", "与", "把", "将", "按"))
    ):
        return False
    return bool(_DEPT_SUFFIX.search(name)) and not re.search(r"(医院|卫生院|医疗机构|机构)$", name)


def cell_text(text: str, sep: str = "、") -> str:
    """An assignee cell of a table with its line breaks and spaces written as ``sep``.

    Offices put one department per line; whitespace inside brackets is only dropped, so
    "各县（市、区）人民政府" stays one name.
    """
    out: list[str] = []
    depth = 0
    gap = False
    for ch in text:
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        if ch.isspace():
            gap = gap or depth == 0
            continue
        if gap and out and out[-1] not in "、,，;；":
            out.append(sep)
        gap = False
        out.append(ch)
    return "".join(out)


def split_cell(text: str) -> tuple[list[str], list[str]]:
    """(departments, collectives) named in an assignee cell of a table."""
    names = split_names(cell_text(text))
    return [n for n in names if not is_collective(n)], [n for n in names if is_collective(n)]
