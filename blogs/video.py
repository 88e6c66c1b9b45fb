"""Videos embedded by URL, from a short list of players, without asking anyone's server.

A video block stores the address someone pasted. We recognise YouTube and Vimeo addresses and
build the player's address ourselves (YouTube's privacy-enhanced domain, Vimeo with "do not
track"), so rendering a post never calls a third party (no oEmbed), no provider-supplied HTML
is marked safe, and the Content-Security-Policy only has to allow those two players in frames
(`frame-src`, in the settings' Blogs section).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from django.utils.translation import gettext_lazy as _

_YOUTUBE_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com", "youtube-nocookie.com",
                  "www.youtube-nocookie.com"}  # fmt: skip
_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
_VIMEO_HOSTS = {"vimeo.com", "www.vimeo.com", "player.vimeo.com"}
_VIMEO_ID = re.compile(r"^[0-9]{1,12}$")

SUPPORTED = _("YouTube or Vimeo")


@dataclass(frozen=True)
class Video:
    provider: str
    video_id: str

    @property
    def player_url(self) -> str:
        if self.provider == "YouTube":
            return f"https://www.youtube-nocookie.com/embed/{self.video_id}"
        return f"https://player.vimeo.com/video/{self.video_id}?dnt=1"

    @property
    def watch_url(self) -> str:
        if self.provider == "YouTube":
            return f"https://www.youtube.com/watch?v={self.video_id}"
        return f"https://vimeo.com/{self.video_id}"


def _youtube_id(host: str, path: str, query: str) -> str | None:
    if host == "youtu.be":
        candidate = path.strip("/").split("/")[0]
    elif host in _YOUTUBE_HOSTS:
        parts = [p for p in path.split("/") if p]
        if parts[:1] == ["watch"]:
            candidate = (parse_qs(query).get("v") or [""])[0]
        elif len(parts) >= 2 and parts[0] in {"embed", "shorts", "live", "v"}:
            candidate = parts[1]
        else:
            return None
    else:
        return None
    return candidate if _YOUTUBE_ID.match(candidate) else None


def _vimeo_id(host: str, path: str) -> str | None:
    if host not in _VIMEO_HOSTS:
        return None
    parts = [p for p in path.split("/") if p]
    if host == "player.vimeo.com" and parts[:1] == ["video"]:
        parts = parts[1:]
    candidate = parts[0] if parts else ""
    return candidate if _VIMEO_ID.match(candidate) else None


def parse_video_url(url: str) -> Video | None:
    """The video an address points to, or None if it is not a YouTube or Vimeo video."""
    try:
        parts = urlsplit((url or "").strip())
    except ValueError:
        return None
    if parts.scheme not in {"http", "https"}:
        return None
    host = (parts.hostname or "").lower()
    youtube = _youtube_id(host, parts.path, parts.query)
    if youtube:
        return Video("YouTube", youtube)
    vimeo = _vimeo_id(host, parts.path)
    if vimeo:
        return Video("Vimeo", vimeo)
    return None
