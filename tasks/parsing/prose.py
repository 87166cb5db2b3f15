"""Responsibility written as a sentence: 请/由/责成/会议要求 forms and grammatical subjects."""

from __future__ import annotations

import re

from .names import (
    _LEADING_TIME,
    _OBJECT_VERB,
    _SUBJECT_VERB,
    Assignment,
    _is_org,
    is_collective,
    split_names,
    split_top,
)
from .normalize import fold, strip_all_space

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
