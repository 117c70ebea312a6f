"""Vietnamese first, English second: complete catalogues, and pages in the chosen language."""
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def catalog(language: str):
    with open(ROOT / "translations" / language / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle, locale=language)


def strings(message) -> list[str]:
    return list(message.string) if isinstance(message.string, tuple) else [message.string]


@pytest.fixture(scope="module")
def source_messages(tmp_path_factory):
    """What the code and templates mark for translation today, extracted afresh."""
    pot = tmp_path_factory.mktemp("i18n") / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
         "-k", "_l", "-k", "lazy_gettext", "-k", "lazy_pgettext:1c,2", "-k", "pgettext:1c,2",
         "-o", str(pot), "."],
        cwd=ROOT, check=True, capture_output=True,
    )
    with open(pot, "rb") as handle:
        return {(m.id if isinstance(m.id, str) else m.id[0], m.context) for m in read_po(handle) if m.id}


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_marked_string_has_a_translation(language, source_messages):
    translated = {
        (m.id if isinstance(m.id, str) else m.id[0], m.context)
        for m in catalog(language) if m.id and all(strings(m)) and not m.fuzzy
    }
    missing = sorted(str(key) for key in source_messages - translated)
    assert not missing, f"{language}: run `make extract-messages` and translate: {missing[:20]}"


def test_vietnamese_translations_keep_their_placeholders():
    for message in catalog("vi"):
        if not message.id:
            continue
        source = message.id if isinstance(message.id, str) else message.id[0]
        for text in strings(message):
            assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(source)), source


def test_pages_speak_vietnamese_by_default_and_english_on_request(app, client):
    home = client.get("/").get_data(as_text=True)
    assert '<html lang="vi">' in home
    assert "Đăng nhập" in home
    client.get("/language/en?next=/")
    english = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in english
    assert "Log in" in english
    assert "Đăng nhập" not in english


def test_money_and_dates_follow_the_language(app):
    from datetime import date

    from flask_babel import force_locale

    from registry.formatting import money, short_date

    with app.test_request_context():
        with force_locale("vi"):
            assert money(1_500_000_000) == "1.500.000.000 ₫"
            assert short_date(date(2026, 3, 7)) == "07/03/2026"
        with force_locale("en"):
            assert money(1_500_000_000) == "1,500,000,000 ₫"


def test_translations_have_no_stray_percent_sign():
    """Templates format every message with %: a bare '%' in a translation breaks the page."""
    for language in ("vi", "en"):
        for message in catalog(language):
            for text in strings(message) if message.id else []:
                assert "%" not in re.sub(r"%\(\w+\)[sd]|%%", "", text), (language, text)
