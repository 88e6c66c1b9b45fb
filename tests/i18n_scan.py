"""Find user-visible text in templates that is outside translation tags.

A template's Django tags and variables are replaced by a neutral placeholder, whatever sits
inside `{% blocktranslate %}…{% endblocktranslate %}` or `{% comment %}` is dropped, and what is
left is read as HTML: any text node, or any attribute people read (alt, title, aria-label,
placeholder, a button's value…), that still holds a letter was written in English only.
Plain-text templates (e-mail bodies) have no markup: all of their text is read.

Run it on a folder to list what is left: `python -m tests.i18n_scan templates/forums`.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from django.template.base import Lexer, TokenType

PLACEHOLDER = "\x00"
READ_ATTRIBUTES = {"alt", "title", "aria-label", "placeholder", "aria-description", "label"}
# Text that reads the same in every language, so it needs no translation.
LANGUAGE_NEUTRAL = re.compile(
    r"^(?:[\W\d_]*|"
    r"Cymraeg|English|"  # each language is named in its own language in the switch
    r"Markdown|RSS|Atom|iCalendar|GOV\.UK|URL|HTML|PNG|JPEG|GIF|WebP|PDF|CSV|"
    r"[a-z]+://\S+|\S+@\S+\.\S+|"  # addresses
    r"&[a-z]+;|"  # a lone HTML entity (&middot;, &times;…)
    r"(?:govuk|copsite)-[a-z0-9_-]+)$"  # a CSS class in a block that fills a class attribute
)
SKIPPED_ELEMENTS = {"script", "style"}


@dataclass(frozen=True)
class Leftover:
    path: Path
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.text!r}"


def _template_without_tags(source: str) -> str:
    """The template with its tags neutralised and its translated or commented blocks removed."""
    pieces: list[str] = []
    skipping_until: str | None = None
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0] if token.contents else ""
            if skipping_until:
                if name == skipping_until:
                    skipping_until = None
                    pieces.append(PLACEHOLDER)
                else:
                    pieces.append("\n" * token.contents.count("\n"))
                continue
            if name in {"blocktranslate", "blocktrans"}:
                skipping_until = "end" + name
            elif name == "comment":
                skipping_until = "endcomment"
            pieces.append(PLACEHOLDER + "\n" * token.contents.count("\n"))
        elif token.token_type == TokenType.TEXT and not skipping_until:
            pieces.append(token.contents)
        elif token.token_type == TokenType.TEXT:
            pieces.append("\n" * token.contents.count("\n"))
        elif token.token_type == TokenType.VAR and not skipping_until:
            pieces.append(PLACEHOLDER)
        else:  # a comment, or a variable inside a skipped block
            pieces.append("\n" * token.contents.count("\n"))
    return "".join(pieces)


def _is_user_visible_words(text: str) -> bool:
    words = " ".join(part.strip() for part in text.split(PLACEHOLDER) if part.strip())
    if not words:
        return False
    return not all(LANGUAGE_NEUTRAL.match(part) for part in words.split())


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.found: list[tuple[int, str]] = []
        self._skipping: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED_ELEMENTS:
            self._skipping.append(tag)
        attributes = dict(attrs)
        for name, value in attrs:
            if value is None:
                continue
            readable = name in READ_ATTRIBUTES or (  # a button's value is data; an input's is read
                name == "value"
                and tag == "input"
                and attributes.get("type") in {"submit", "button", "reset"}
            )
            if readable and _is_user_visible_words(value):
                self.found.append((self.getpos()[0], f"{name}={value.strip()}"))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in SKIPPED_ELEMENTS:
            self._skipping.pop()

    def handle_endtag(self, tag: str) -> None:
        if self._skipping and self._skipping[-1] == tag:
            self._skipping.pop()

    def handle_data(self, data: str) -> None:
        if not self._skipping and _is_user_visible_words(data):
            self.found.append((self.getpos()[0], data.strip()))


def leftovers_in(path: Path) -> list[Leftover]:
    """The English-only text in one template."""
    stripped = _template_without_tags(path.read_text())
    if path.suffix == ".txt":
        return [
            Leftover(path, number, line.strip().replace(PLACEHOLDER, "…"))
            for number, line in enumerate(stripped.splitlines(), start=1)
            if _is_user_visible_words(line)
        ]
    parser = _VisibleText()
    parser.feed(stripped)
    parser.close()
    return [
        Leftover(path, line, text.replace(PLACEHOLDER, "…")[:120]) for line, text in parser.found
    ]


def templates_under(root: Path) -> list[Path]:
    if root.is_file():
        return [root]
    return sorted(p for p in root.rglob("*") if p.suffix in {".html", ".txt"} and p.is_file())


def main(arguments: list[str]) -> int:
    import django
    from django.conf import settings

    if not settings.configured:
        settings.configure()
    django.setup()
    found = [
        leftover
        for argument in arguments or ["templates"]
        for path in templates_under(Path(argument))
        for leftover in leftovers_in(path)
    ]
    for leftover in found:
        print(leftover)
    print(f"{len(found)} pieces of text outside translation tags", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
