"""Every user-facing string reaches French and Spanish readers translated."""

from __future__ import annotations

import re

import polib
import pytest

from tests.support.services import ROOT

CATALOGUES = sorted((ROOT / "locale").glob("*/LC_MESSAGES/*.po"))
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")


def test_french_and_spanish_catalogues_exist():
    languages = {path.parts[-3] for path in CATALOGUES}
    assert {"fr", "es"} <= languages


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: "/".join(p.parts[-3:]))
def test_catalogue_is_complete_and_reviewed(path):
    catalogue = polib.pofile(str(path))
    untranslated = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    assert not untranslated, f"{len(untranslated)} untranslated, e.g. {untranslated[:5]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy, e.g. {fuzzy[:5]}"


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: "/".join(p.parts[-3:]))
def test_translations_keep_every_placeholder(path):
    broken = []
    for entry in polib.pofile(str(path)).translated_entries():
        expected = sorted(PLACEHOLDER.findall(entry.msgid))
        translations = [entry.msgstr] if entry.msgstr else list(entry.msgstr_plural.values())
        for text in translations:
            found = sorted(PLACEHOLDER.findall(text))
            if entry.msgid_plural:
                # A plural form may drop the count ("une discussion" for n == 1).
                if not set(found) <= set(expected) | set(PLACEHOLDER.findall(entry.msgid_plural)):
                    broken.append(entry.msgid)
            elif found != expected:
                broken.append(entry.msgid)
    assert not broken, f"placeholders differ in: {broken[:5]}"
