"""Bring the sentences of our libraries that have no Welsh into a catalogue of our own.

allauth ships no Welsh at all, and Django's Welsh catalogue leaves some sentences people read
untranslated (password rules, form errors). This keeps, from allauth's English catalogue, the
messages of the parts Copsite uses (sign-in, sign-up, e-mail addresses, passwords,
authenticator apps, single sign-on), and from Django's Welsh catalogues the entries it leaves
empty, and merges them into `locale_vendor/cy/LC_MESSAGES/django.po`, keeping every
translation already written there. Run it after upgrading either (`make messages` does), then
translate what is new. Our catalogue comes first in LOCALE_PATHS, so its Welsh is used.
"""

from __future__ import annotations

from pathlib import Path

import allauth

import django
from django.conf import settings
from django.core.management.base import BaseCommand

ALLAUTH_USED = (
    "account/",
    "mfa/adapter",
    "mfa/base",
    "mfa/models",
    "mfa/totp",
    "socialaccount/adapter",
    "socialaccount/models",
    "socialaccount/providers",
    "templates/account/",
    "templates/allauth/",
    "templates/mfa/",
    "templates/socialaccount/",
)
ALLAUTH_UNUSED = ("webauthn", "phone", "account/admin", "account/apps", "login_code", "passkey")
# Django's catalogues whose sentences people read here (form errors, dates, password rules).
DJANGO_LOCALES = (
    Path(django.__file__).parent / "conf/locale",
    Path(django.__file__).parent / "contrib/auth/locale",
    Path(django.__file__).parent / "contrib/humanize/locale",
)
CATALOGUE = Path(settings.BASE_DIR) / "locale_vendor" / "cy" / "LC_MESSAGES" / "django.po"
HEADER_SOURCE = Path(settings.BASE_DIR) / "locale" / "cy" / "LC_MESSAGES" / "django.po"


def allauth_uses(entry) -> bool:
    places = [path for path, _line in entry.occurrences]
    return any(
        any(part in place for part in ALLAUTH_USED)
        and not any(unused in place for unused in ALLAUTH_UNUSED)
        for place in places
    )


def django_untranslated(locale: Path) -> list:
    """Django's current English messages that its Welsh catalogue does not translate (some of
    its Welsh entries are for older wordings, such as a straight apostrophe)."""
    import polib

    welsh = polib.pofile(locale / "cy/LC_MESSAGES/django.po")
    translated = {(e.msgctxt, e.msgid) for e in welsh.translated_entries()}
    return [
        entry
        for entry in polib.pofile(locale / "en/LC_MESSAGES/django.po")
        if not entry.obsolete and (entry.msgctxt, entry.msgid) not in translated
    ]


class Command(BaseCommand):
    help = "Merge allauth's messages and Django's untranslated Welsh into locale_vendor/cy."

    def handle(self, *args, **options) -> None:
        import polib

        wanted = [
            entry
            for entry in polib.pofile(
                Path(allauth.__file__).parent / "locale/en/LC_MESSAGES/django.po"
            )
            if not entry.obsolete and allauth_uses(entry)
        ]
        for locale in DJANGO_LOCALES:
            wanted += django_untranslated(locale)
        existing = polib.pofile(CATALOGUE) if CATALOGUE.exists() else None
        catalogue = polib.POFile(wrapwidth=0)
        header = polib.pofile(HEADER_SOURCE) if HEADER_SOURCE.exists() else None
        catalogue.metadata = dict(header.metadata) if header is not None else {}
        catalogue.header = (
            "Copsite's Welsh for django-allauth's messages and for what Django's own Welsh "
            "leaves untranslated. Awaits review by a Welsh speaker."
        )
        kept, seen = 0, set()
        for entry in wanted:
            if (entry.msgctxt, entry.msgid) in seen:
                continue
            seen.add((entry.msgctxt, entry.msgid))
            old = (
                existing.find(entry.msgid, msgctxt=entry.msgctxt) if existing is not None else None
            )
            new = polib.POEntry(
                msgid=entry.msgid,
                msgid_plural=entry.msgid_plural,
                msgctxt=entry.msgctxt,
                occurrences=entry.occurrences,
                flags=[flag for flag in entry.flags if flag != "fuzzy"],
                comment=entry.comment,
            )
            if old is not None:
                new.msgstr, new.msgstr_plural = old.msgstr, dict(old.msgstr_plural)
                kept += bool(old.translated())
            elif entry.msgid_plural:
                new.msgstr_plural = dict.fromkeys(range(4), "")
            catalogue.append(new)
        CATALOGUE.parent.mkdir(parents=True, exist_ok=True)
        catalogue.save(str(CATALOGUE))
        self.stdout.write(f"{len(catalogue)} messages, {kept} already translated.")
