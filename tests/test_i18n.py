"""The interface is Chinese: every message has a translation and the compiled catalogue is current."""

import gettext
import re
from pathlib import Path

from django.conf import settings
from django.test import Client
from django.utils import translation

from tasks.models import TaskStatus

PO = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def _po_entries() -> dict[str, str]:
    entries = {}
    for block in PO.read_text(encoding="utf-8").split("\n\n"):
        if "#, fuzzy" in block:
            raise AssertionError(f"fuzzy translation left in django.po:\n{block}")
        match = re.search(r'^msgid ((?:".*"\n)+)msgstr ((?:".*"\n?)+)', block + "\n", re.M)
        if match:
            msgid = "".join(re.findall(r'"(.*)"', match.group(1)))
            msgstr = "".join(re.findall(r'"(.*)"', match.group(2)))
            if msgid:
                entries[msgid.encode().decode("unicode_escape").encode("latin-1").decode()] = msgstr
    return entries


def test_every_message_has_a_chinese_translation():
    untranslated = [msgid for msgid, msgstr in _po_entries().items() if not msgstr]
    assert untranslated == []


def test_compiled_catalogue_matches_the_po_file():
    with MO.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    entries = _po_entries()
    assert entries
    stale = [msgid for msgid, msgstr in entries.items() if catalogue.gettext(msgid) != msgstr]
    assert stale == [], "run: manage.py compilemessages -l zh_Hans"


def test_chinese_is_the_default_language_and_english_is_available():
    assert settings.LANGUAGE_CODE == "zh-hans"
    with translation.override("zh-hans"):
        assert str(TaskStatus.PENDING_VERIFICATION.label) == "待审核销号"
    with translation.override("en"):
        assert str(TaskStatus.PENDING_VERIFICATION.label) == "Pending verification"


def test_login_page_is_in_chinese(db):
    response = Client().get("/accounts/login/")
    assert response.status_code == 200
    assert "登录" in response.content.decode()
    assert "医改任务台账" in response.content.decode()


def test_pages_stay_chinese_whatever_the_browser_asks_for(db):
    response = Client(headers={"accept-language": "en-US,en;q=0.9"}).get("/accounts/login/")
    assert "登录" in response.content.decode()
    assert response.headers["Content-Language"] == "zh-hans"


def test_english_is_shown_after_choosing_it(db):
    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    response = client.get("/accounts/login/")
    assert "Log in" in response.content.decode()
    assert response.headers["Content-Language"] == "en"
