"""Every word people read is translatable, and the Welsh catalogues translate all of it."""

from pathlib import Path

import polib
import pytest

from django.conf import settings

from tests.i18n_scan import leftovers_in, templates_under

BASE = Path(settings.BASE_DIR)
WELSH_CATALOGUES = sorted(
    [*BASE.glob("locale/cy/LC_MESSAGES/*.po"), *BASE.glob("locale_vendor/cy/LC_MESSAGES/*.po")]
)
# Django's own Welsh catalogue (django/conf/locale/cy): four forms: 1, 2, 8 and 11, the rest.
DJANGO_WELSH_PLURALS = "nplurals=4; plural=(n==1) ? 0 : (n==2) ? 1 : (n != 8 && n != 11) ? 2 : 3;"

# Template text that reads the same in Welsh, each with its reason. Keep it short.
ALLOWED_LEFTOVERS: dict[tuple[str, str], str] = {}


def test_templates_hold_no_text_outside_translation_tags():
    found = [
        str(leftover)
        for leftover in leftovers_in_all_templates()
        if (leftover.path.relative_to(BASE).as_posix(), leftover.text) not in ALLOWED_LEFTOVERS
    ]
    assert found == [], "Mark these for translation:\n" + "\n".join(found)


def leftovers_in_all_templates():
    for path in templates_under(BASE / "templates"):
        yield from leftovers_in(path)


def test_the_scanner_finds_english_outside_tags(tmp_path):
    template = tmp_path / "page.html"
    template.write_text(
        "{% load i18n %}<h1>{% translate 'Welcome' %}</h1>\n"
        "<p>{% blocktranslate %}Hello {{ name }}{% endblocktranslate %}</p>\n"
        "<a href='{{ url }}' aria-label='Close'>{{ title }} replies</a>\n"
        "{# a comment #}<button type='submit'>{% if x %}Send{% endif %}</button>"
    )
    texts = [leftover.text for leftover in leftovers_in(template)]
    assert texts == ["aria-label=Close", "… replies", "…Send…"]


@pytest.mark.parametrize(
    "catalogue", WELSH_CATALOGUES, ids=lambda path: path.parent.parent.parent.name + "/" + path.name
)
def test_the_welsh_catalogue_translates_everything(catalogue):
    po = polib.pofile(str(catalogue))
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert (untranslated, fuzzy) == ([], []), (
        f"{catalogue}: {len(untranslated)} untranslated, {len(fuzzy)} fuzzy"
    )
    assert po.metadata["Plural-Forms"] == DJANGO_WELSH_PLURALS
    assert "review by a Welsh speaker" in (po.header + po.metadata.get("Language-Team", ""))


def test_there_are_welsh_catalogues():
    names = {path.relative_to(BASE).as_posix() for path in WELSH_CATALOGUES}
    assert {
        "locale/cy/LC_MESSAGES/django.po",
        "locale/cy/LC_MESSAGES/djangojs.po",
        "locale_vendor/cy/LC_MESSAGES/django.po",
    } <= names
