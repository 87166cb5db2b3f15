"""Who is responsible: responsibility brackets, 牵头/配合 lines and columns, prose subjects."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .header import PROVINCE_SHORT
from .model import Assignee, Collective
from .normalize import fold, simplify, strip_all_space

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
    content = re.sub(r"^(?:责任单位|责任部门|牵头单位|牵头部门|实施主体)[:：]", "", content)
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
_INTRO = re.compile(r"^(?:会议(要求|决定|明确|议定|提出|同意|责成)[,，:：]?)?(请|责成|由|要求)?")
_INTRO_REASON = {"请": "minutes-请", "责成": "minutes-责成", "由": "prose-由", "要求": "minutes-要求"}
# Words that end the subject of such a sentence (its verb, or what opens the predicate).
_PROSE_VERB = re.compile(
    r"分别负责|共同负责|牵头负责|负责(?!制|人|同志)|牵头|会同|联合|配合|协助|参与|要|根据|按照|依据|结合|抓紧|尽快|"
    r"加快|进一步|认真|切实|做好|抓好|研究|制定|组织|督促|指导|继续|立即|针对|统筹|加强|完善|推进|落实|开展|"
    r"对|就|在|于"
)
_PROSE_HINT = re.compile(r"请|由|责成|要求|牵头|负责|請|責成|牽頭|負責")
_CO_VERB = re.compile(
    r"(?:会同|联合|协同)([^,，。;；]{2,80}?)(?:等(?:相关|有关)?(?:部门|单位)?)?"
    r"(?=[,，。;；]|共同|负责|推进|实施|研究|制定|开展|组织|落实|推动|做好|抓紧|尽快|加快|进一步|$)"
)
_CO_CLAUSE = re.compile(
    r"(.{2,80}?)(?:等(?:相关|有关)?(?:部门|单位))?(配合|参与|协助)(?:实施|落实|做好|开展)?.*"
)


_PEOPLE = re.compile(r"^各位|同志|领导|负责人|干部|职工$")
# "建立由市卫健委负责的机制": a phrase ending in a department's name is not the department.
_NOT_SUBJECT = re.compile(r"由|^(?:建立|成立|设立|组建|推动|组织|明确|完善|健全)")


def _org_subject(clause: str) -> tuple[list[str], str] | None:
    """The organisations a clause opens with and the verb after them, or None.

    The first verb that leaves only organisation names before it wins ("市政策研究室牵头" is
    not cut at "研究"); people ("分管副市长"), "会议" and phrases are not organisations.
    """
    for m in _PROSE_VERB.finditer(fold(clause), 2, 82):
        names = split_names(clause[: m.start()])
        if names and all(
            (_is_org(n) or is_collective(n) and not _PEOPLE.search(n)) and not _NOT_SUBJECT.search(n)
            for n in names
        ):
            return names, m.group(0)
    return None


def _prose_roles(text: str) -> Assignment:
    """Responsibility written as a sentence: '由X牵头，会同Y、Z…', '请X负责…', 'X、Y分别负责…',
    'X牵头，Y、Z配合', '会议要求X…'. The subject leads; 会同/配合/协助 name the cooperating ones."""
    result = Assignment()
    if not _PROSE_HINT.search(text):
        return result
    for sentence in split_top(strip_all_space(text), "。；;!！?？\n"):
        clauses = [c for c in split_top(sentence, ",，:：") if c]
        for i, clause in enumerate(clauses):
            fc = _LEADING_TIME.sub("", fold(clause))
            offset = len(clause) - len(fc)
            intro = _INTRO.match(fc)
            # "会议要求市财政局…" reads as "要求市财政局…".
            word = intro.group(2) or ("要求" if intro.group(1) else None)
            body = clause[offset + intro.end() :]
            if not body or word is None and "牵头" not in fc and "负责" not in fc:
                continue  # cheap test first: without an intro only 牵头/负责 make a subject here
            found = _org_subject(body)
            if found is None:
                continue
            names, verb = found
            if word is None and verb not in ("牵头", "牵头负责", "分别负责", "负责"):
                continue  # "X要…" is a grammatical subject: subjects() reads those
            if verb in ("配合", "协助", "参与"):
                result.add("co", names, "prose-配合")
                continue
            reason = _INTRO_REASON.get(word or "", "prose-" + verb)
            everyone = verb == "分别负责" or (verb in ("牵头", "牵头负责") and word in ("由", None))
            for n, name in enumerate(names):
                if is_collective(name):
                    result.add("collective", [name], reason)
                elif everyone or not result.lead and n == 0:
                    result.add("lead", [name], reason)
                else:
                    result.add("co", [name], reason)
            rest = "，".join(clauses[i:])
            for m2 in _CO_VERB.finditer(fold(rest)):
                co = [n for n in split_names(rest[m2.start(1) : m2.end(1)]) if _is_org(n)]
                result.add("co", co, reason)
            for later in clauses[i + 1 :]:
                m3 = _CO_CLAUSE.fullmatch(fold(later))
                if m3:
                    co = split_names(later[: m3.end(1)])
                    if co and all(_is_org(n) for n in co):
                        result.add("co", co, reason)
    if result.co and not result.lead:
        return Assignment()
    return result


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


_SUBJECT = re.compile(r"^(?:由)?(.{2,80}?)" + _SUBJECT_VERB)
_OBJECT = re.compile(
    _OBJECT_VERB + r"((?:[^,，。;；]{1,12}?[、和及]){1,12}[^,，。;；、]{1,12}?)等(?:部门|单位)"
)


def subjects(text: str) -> Assignment:
    """Grammatical subjects of a prose task: '省医改办、省卫生计生委要出台…', '各地要…'."""
    result = Assignment()
    for clause in split_top(text, "，,；;。：:!！?？\n"):
        c = strip_all_space(clause.replace("*", ""))
        c = _LEADING_TIME.sub("", c)
        c = re.sub(r"^[“\"‘]", "", c)
        if not c:
            continue
        fc = fold(c)
        m = _SUBJECT.match(fc)
        if m:
            names = split_names(c[: m.end(1)])
            if names and all((_is_org(n) or is_collective(n)) and not _NOT_SUBJECT.search(n) for n in names):
                for n in names:
                    if is_collective(n):
                        if n not in result.collective:
                            result.collective.append(n)
                    elif not result.lead and n == names[0]:
                        result.lead.append(n)
                    elif n not in result.lead and n not in result.co:
                        result.co.append(n)
            result.tag("prose-subject")
        for m in _OBJECT.finditer(fc):
            for n in split_names(c[m.start(1) : m.end(1)]):
                if n not in result.co and not is_collective(n):
                    result.co.append(n)
            result.tag("object-list")
    return result


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
