"""The parser never raises on readable text, and only ParseError on unreadable bytes."""

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tasks.parsing import ParsedDocument, ParseError, parse_document

GENRE = list(
    "一二三四五六七八九十（）()〔〕[]【】、，。；：:;.1234567890年月日底前后各市省县区局委办负责牵头配合参与要是方面%个以上以下“”《》\n\t #*—－　"
)


# Readable text: any characters but C0/C1 controls (a file full of those is binary, refused on purpose).
READABLE = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(READABLE)
@example("BM")  # once taken for a bitmap's signature
@example("BMI指数达标率达到90%以上。")
@example("GIF8 RAR! II* 文本")
def test_arbitrary_text_never_raises(text):
    doc = parse_document(text.encode("utf-8"), "x.txt") if text.strip() else None
    if doc is not None:
        assert isinstance(doc, ParsedDocument)
        doc.to_dict()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(GENRE), min_size=1, max_size=400).map("".join))
def test_genre_like_text_never_raises(text):
    doc = parse_document(text.encode("utf-8"), "x.md")
    assert isinstance(doc.to_dict(), dict)


@settings(max_examples=200, deadline=None)
@given(
    st.binary(min_size=1, max_size=2000),
    st.sampled_from(["a.txt", "a.docx", "a.pdf", "a.xlsx", "a", "a.bin"]),
)
def test_arbitrary_bytes_give_document_or_parse_error(data, name):
    message = None
    try:
        parse_document(data, name).to_dict()
    except ParseError as exc:
        message = str(exc)
    if message is not None:  # a message in Chinese saying what is wrong
        assert any("\u4e00" <= ch <= "\u9fff" for ch in message)
