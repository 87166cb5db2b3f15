"""Text normalisation.

Two different things happen here:

* ``fold`` maps a string to a *matching form* of exactly the same length (full-width
  ASCII to half-width, ideographic space to space, traditional to simplified), so an
  index found in the folded text is an index into the original. Outputs keep the
  original characters; only matching uses the folded form.
* ``build_paragraphs`` repairs the flow of text copied out of PDFs or word processors:
  drops page numbers and markdown markers and joins sentences broken by line or page
  breaks.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .model import TableBlock

_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FULLWIDTH.update({0x3000: 0x20, 0x00A0: 0x20, 0x2002: 0x20, 0x2003: 0x20, 0x200B: 0x20, 0xFEFF: 0x20})
# Variants of the brackets used around 文号 years and responsibility lists.
_FULLWIDTH.update({ord("【"): ord("["), ord("】"): ord("]"), ord("〖"): ord("["), ord("〗"): ord("]")})


@lru_cache(maxsize=1)
def _t2s_table() -> dict[int, str]:
    """Single-character traditional->simplified table built from zhconv's dictionary."""
    try:
        import zhconv.zhconv as zc

        zc.loaddict()
        table = zc.zhcdicts["zh2Hans"]
    except Exception:  # the converter is optional at run time: matching just gets weaker
        return {}
    out: dict[int, str] = {}
    for key, value in table.items():
        if len(key) == 1 and len(value) == 1 and key != value:
            out[ord(key)] = value
    return out


_FOLD_BASIC = str.maketrans(_FULLWIDTH)


@lru_cache(maxsize=1)
def _fold_full_table() -> dict[int, int | str]:
    table: dict[int, int | str] = dict(_FULLWIDTH)
    table.update(_t2s_table())
    return table


def needs_t2s(text: str) -> bool:
    """True when the text holds enough traditional-only characters to be worth converting."""
    table = _t2s_table()
    if not table:
        return False
    cjk = changed = 0
    for ch in text[:50000]:
        if "\u4e00" <= ch <= "\u9fff":
            cjk += 1
            if ord(ch) in table:
                changed += 1
    if changed >= 3 and changed > cjk * 0.01:
        return True
    # A simplified document with a traditional responsibility phrase pasted in still names its lead.
    return any(word in text for word in _TRADITIONAL_ROLE_WORDS)


_TRADITIONAL_ROLE_WORDS = ("牽頭", "負責", "會同", "協助", "責任單位", "責成", "牽頭單位")


@lru_cache(maxsize=8192)
def fold(text: str, t2s: bool = False) -> str:
    """Matching form of ``text``, same length as the input (cached: texts are folded repeatedly)."""
    if text.isascii():
        return text
    if t2s:
        return text.translate(_fold_full_table())
    return text.translate(_FOLD_BASIC)


def simplify(text: str) -> str:
    return text.translate(_fold_full_table())


# --- Chinese numerals -------------------------------------------------------------------

_CN_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_CN_DIGITS.update({"六": 6, "七": 7, "八": 8, "九": 9})
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}


def cn_to_int(text: str) -> int | None:
    """'二十三' -> 23, '十' -> 10, '二〇一八' -> 2018 (digit by digit); None if not a numeral."""
    if not text:
        return None
    if text.isdigit():
        return int(text)
    if all(ch in _CN_DIGITS for ch in text) and len(text) > 1:
        return int("".join(str(_CN_DIGITS[ch]) for ch in text))
    total = current = 0
    for ch in text:
        if ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            total += (current or 1) * _CN_UNITS[ch]
            current = 0
        elif ch == "万":
            total = (total + current) * 10000
            current = 0
        else:
            return None
    return total + current


_CN_NUM_CHARS = "零〇一二三四五六七八九十"


def int_to_cn(n: int) -> str:
    """1..99 -> '一'..'九十九' (for matching the next expected outline label)."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else digits[tens]
    return head + "十" + (digits[ones] if ones else "")


# --- whitespace ---------------------------------------------------------------------------

_SPACE_BETWEEN_CJK = re.compile(r"(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])")


def squash_spaces(text: str) -> str:
    """Remove whitespace next to non-ASCII characters (stray spaces from line wrapping)."""
    return _SPACE_BETWEEN_CJK.sub("", text).strip()


def strip_all_space(text: str) -> str:
    return re.sub(r"\s+", "", text)


# --- paragraphs ---------------------------------------------------------------------------

# A label that opens an outline item at the start of a line (folded form).
LABEL_START = re.compile(
    r"^\s*(?:#+\s*)?(?:\*\*)?\s*(?:"
    r"[一二三四五六七八九十百]+\s*[、.]"
    r"|\(\s*[一二三四五六七八九十百]+\s*\)"
    r"|\d{1,3}\s*[.、](?!\d)"
    r"|\(\s*\d{1,3}\s*\)"
    r"|\d{1,3}\s*\)"
    r"|[①-⑳]"
    r"|第[一二三四五六七八九十百]+[章节条]"
    r")"
)
_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—－–―─~～]+\s*\d{1,4}\s*[-—－–―─~～]+|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4}|page\s*\d+(?:\s*of\s*\d+)?)\s*$",
    re.IGNORECASE,
)
_BARE_PAGE_NUMBER = re.compile(r"^\s*\d{1,3}\s*$")
_MD_RULE = re.compile(r"^\s*(?:[-*_]\s*){3,}$")
_MD_HEADING = re.compile(r"^\s*#{1,6}\s+")
_TERMINAL = set("。！？!?；;：:)）〕]】」』”\"'…")
_INNER_PUNCT = re.compile(r"[，,；;。、：:]")
_STRUCTURAL = re.compile(
    r"^\s*(?:附\s*件|抄送|抄报|分送|主送|印发|\(此件|（此件|\(信息公开|（信息公开|\(共印|（共印)"
)
_DATE_LINE = re.compile(
    r"^\s*[(（]?\s*(?:\d{4}|[〇○零一二三四五六七八九]{4})\s*年[\s\d一二三四五六七八九十]{1,4}月[\s\d一二三四五六七八九十]{1,5}日\s*[)）]?\s*$"
)
_RESP_BRACKET_LINE = re.compile(
    r"^\s*[(（〔\[［【][^。]{2,}(?:负责|牵头|参与|配合)[^)）〕\]］】]{0,6}[)）〕\]］】]\s*[。.]?\s*$"
)


def is_page_number(line: str) -> bool:
    return bool(_PAGE_NUMBER.match(line))


def is_date_line(line: str) -> bool:
    return bool(_DATE_LINE.match(line))


def clean_line(line: str) -> str:
    """Drop markdown emphasis and heading markers; keep the words."""
    line = line.replace("\u00a0", " ").replace("\ufeff", "")
    line = _MD_HEADING.sub("", line)
    line = line.replace("**", "").replace("__", "")
    return line.rstrip()


_DOC_NUMBER_LINE = re.compile(
    r"^\s*[\u4e00-\u9fff]{1,14}\s*[〔\[(]\s*(?:19|20)\d{2}\s*[〕\])]\s*第?\s*\d{1,4}\s*号\s*$"
)


# A labelled field line under a task: "牵头单位：…", "完成时限：…", "办结时限：…".
FIELD_LINE = re.compile(
    r"^\s*(?:(?:牵头|配合|责任|协办|参与|主责|承办|协同)(?:单位|部门|处室|领导)"
    r"|(?:完成|办结|整改|时间)(?:时限|时间|节点|期限)|进度安排|时间安排|目标值|预期目标|工作目标)\s*[:：]"
)


def _starts_structure(line: str) -> bool:
    folded = fold(line)
    return bool(
        LABEL_START.match(folded)
        or _STRUCTURAL.match(folded)
        or FIELD_LINE.match(folded)
        or is_date_line(line)
        or _DOC_NUMBER_LINE.match(folded)
    )


def _should_join(prev: str, nxt: str, prev_was_heading: bool, wrapped: bool) -> bool:
    """Whether ``nxt`` continues the sentence that ``prev`` left unfinished."""
    if prev_was_heading or not prev or not nxt:
        return False
    if _starts_structure(nxt):
        return False
    if _RESP_BRACKET_LINE.match(nxt):
        # A responsibility bracket pushed onto its own line by a page break.
        return True
    tail = prev.rstrip()
    if tail[-1] in _TERMINAL:
        return False
    if is_date_line(prev) or prev.endswith("文件") or _DOC_NUMBER_LINE.match(fold(prev)):
        return False
    fprev = fold(prev)
    label = LABEL_START.match(fprev)
    body = fprev[label.end() :] if label else fprev
    if not _INNER_PUNCT.search(body):
        # Titles, headlines and signatures carry no inner punctuation; wrapped PDF body
        # lines without any are rare but do happen when the line is long.
        return wrapped and len(body) >= 24
    if label and "。" not in body:
        if wrapped and len(body) >= 20:
            # A PDF line this long with inner punctuation is a task's first line, not a heading.
            return True
        # A labelled heading: join only if the next line visibly finishes its phrase.
        first = re.split(r"[，,。；;：:]", fold(nxt), maxsplit=1)[0]
        return len(first) <= 8 and len(first) < len(nxt)
    return True


def _joiner(prev: str, nxt: str) -> str:
    if prev and nxt and prev[-1].isascii() and prev[-1].isalnum() and nxt[0].isascii() and nxt[0].isalnum():
        return " "
    return ""


# "南平市医改办        2023年6月16日": a signature and a right-aligned date on one line.
_TRAILING_DATE = re.compile(
    r"^(\S.{1,40}?)(?:\s{4,}|\u3000{2,})((?:\d{4}|[〇○零一二三四五六七八九]{4})\s*年.{1,4}月.{1,5}日)\s*$"
)


def _split_layout(blocks: list) -> list:
    """Undo layout artefacts of text copied out of a paginated document.

    * a date right-aligned on the same line as the issuer becomes its own line;
    * a running header or footer (a short line repeated next to the page numbers) is dropped
      where it stands next to a page number, so it cannot end up inside a sentence.
    """
    out: list = []
    for block in blocks:
        if isinstance(block, str):
            m = _TRAILING_DATE.match(block)
            if m and is_date_line(m.group(2)):
                out.extend([m.group(1), m.group(2)])
                continue
        out.append(block)
    pages = [i for i, b in enumerate(out) if isinstance(b, str) and is_page_number(b)]
    if len(pages) < 2:
        return out
    near: dict[int, str] = {}
    for idx in pages:
        for step in (1, -1):
            j = idx + step
            while 0 <= j < len(out) and isinstance(out[j], str) and not out[j].strip():
                j += step
            if 0 <= j < len(out) and isinstance(out[j], str) and not is_page_number(out[j]):
                near[j] = strip_all_space(out[j])
    counts: dict[str, int] = {}
    for key in set(near.items()):
        counts[key[1]] = counts.get(key[1], 0) + 1
    running = {k for k, n in counts.items() if n >= 2 and 2 <= len(k) <= 40}
    if not running:
        return out
    return [b for i, b in enumerate(out) if not (i in near and near[i] in running)]


def build_paragraphs(blocks: list, wrapped: bool = False) -> list:
    """Lines (and tables) -> paragraphs (and tables), repairing broken sentences."""
    blocks = _split_layout(blocks)
    out: list = []
    prev_heading = False
    last_text_idx: int | None = None
    for block in blocks:
        if isinstance(block, TableBlock):
            out.append(block)
            last_text_idx = None
            continue
        raw = block
        if not raw.strip() or is_page_number(raw) or _MD_RULE.match(raw):
            continue
        if wrapped and _BARE_PAGE_NUMBER.match(raw):
            continue  # a PDF page's bare folio ("3") between two halves of a sentence
        heading = bool(_MD_HEADING.match(raw))
        line = clean_line(raw).strip()
        if not line:
            continue
        if (
            last_text_idx is not None
            and not heading
            and _should_join(out[last_text_idx], line, prev_heading, wrapped)
        ):
            prev = out[last_text_idx]
            out[last_text_idx] = prev + _joiner(prev, line) + line
            continue
        out.append(line)
        last_text_idx = len(out) - 1
        prev_heading = heading
    return out
