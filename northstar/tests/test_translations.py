"""Every user-visible string is marked for translation and has a Swedish translation."""

import gettext
import os
import shutil
import subprocess
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.core.management import call_command

PACKAGE = Path(__file__).resolve().parents[1]
PO = PACKAGE / "locale" / "sv" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def untranslated(catalog):
    return [
        m.id
        for m in catalog
        if m.id and (not m.string or (isinstance(m.string, tuple) and not all(m.string)))
    ]


def test_swedish_catalogue_is_complete_and_not_fuzzy():
    with PO.open("rb") as f:
        catalog = read_po(f)
    assert len(catalog) > 100
    assert untranslated(catalog) == []
    assert [m.id for m in catalog if m.id and m.fuzzy] == []


def test_compiled_catalogue_matches_the_source():
    with PO.open("rb") as f:
        catalog = read_po(f)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    fresh = gettext.GNUTranslations(buffer)
    with MO.open("rb") as f:
        shipped = gettext.GNUTranslations(f)
    # The header ("" entry) carries timestamps; the translations are what must match.
    translations = {k: v for k, v in fresh._catalog.items() if k != ""}  # type: ignore[attr-defined]
    assert {k: v for k, v in shipped._catalog.items() if k != ""} == translations, "run `make messages`"  # type: ignore[attr-defined]


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is needed to extract strings")
def test_every_marked_string_is_in_the_swedish_catalogue(tmp_path, settings):
    # makemessages writes into any `locale` folder beside the sources it reads, so it runs on a copy of the
    # package without one: the real catalogue is never touched by the test.
    source = tmp_path / "northstar"
    shutil.copytree(
        PACKAGE, source, ignore=shutil.ignore_patterns("locale", "static", "__pycache__", "node_modules")
    )
    locale = tmp_path / "locale"
    (locale / "sv" / "LC_MESSAGES").mkdir(parents=True)
    shutil.copy(PO, locale / "sv" / "LC_MESSAGES" / "django.po")
    settings.LOCALE_PATHS = [locale]
    before = PO.read_bytes()
    cwd = os.getcwd()
    os.chdir(source)
    try:
        call_command("makemessages", locale=["sv"], no_obsolete=True, no_location=True, verbosity=0)
    finally:
        os.chdir(cwd)
    assert PO.read_bytes() == before
    with (locale / "sv" / "LC_MESSAGES" / "django.po").open("rb") as f:
        extracted = read_po(f)
    missing = [m.id for m in extracted if m.id and (m.fuzzy or not m.string or m.string == ("", ""))]
    assert missing == [], (
        f"{len(missing)} strings lack a Swedish translation; run `make messages` and translate them"
    )


def test_msgfmt_accepts_the_catalogue():
    if shutil.which("msgfmt") is None:
        pytest.skip("GNU gettext is not installed")
    result = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(PO)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
