"""The interface is Chinese: every message has a translation and the compiled catalogue is current."""

import gettext
import importlib.util
from pathlib import Path

from django.conf import settings
from django.test import Client
from django.utils import translation

from tasks.models import TaskStatus

PO = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
SCRIPT = Path(settings.BASE_DIR) / "scripts" / "check_translations.py"


def _checker():
    spec = importlib.util.spec_from_file_location("check_translations", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _po_entries() -> dict[str, str]:
    """msgid -> msgstr (first plural form), with the .po escapes decoded as gettext does."""

    def decode(text: str) -> str:
        return text.encode().decode("unicode_escape").encode("latin-1").decode()

    return {decode(m): decode(t) for m, t, _fuzzy in _checker().entries(PO.read_text(encoding="utf-8"))}


def test_every_message_has_a_chinese_translation():
    assert _checker().untranslated(PO.read_text(encoding="utf-8")) == []


def test_compiled_catalogue_matches_the_po_file():
    with MO.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    entries = _po_entries()
    assert entries
    # Plural entries are looked up by their singular msgid with n=1.
    stale = [
        msgid
        for msgid, msgstr in entries.items()
        if catalogue.gettext(msgid) != msgstr and catalogue.ngettext(msgid, msgid, 1) != msgstr
    ]
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
