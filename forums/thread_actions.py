"""What other apps offer to do with a forum thread ("Discuss this page" links back to a wiki page;
"Start a wiki page from this thread"; "Add to an event"…). Each app registers its actions in its
AppConfig.ready():

    thread_actions.register(ThreadAction("wiki.page-from-thread", "Start a wiki page from this
        thread", url=lambda thread: ..., shown=lambda user, thread: ..., order=10))

The thread page lists the actions `shown` allows for the person (`actions_for`), so the forum
never imports the apps that build on it. `shown` runs for every thread page view: it must use the
access module's cached answers (no query per action) and decide from what it is given.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from copsite.registry import Registry

from .models import Thread


@dataclass(frozen=True)
class ThreadAction:
    key: str
    label: str
    url: Callable[[Thread], str]
    shown: Callable[[object, Thread], bool]
    order: int = 100


thread_actions: Registry[ThreadAction] = Registry("thread action")


def actions_for(user, thread: Thread) -> list[dict]:
    """The actions this person may take on the thread, each {"key", "label", "url"}."""
    return [
        {"key": action.key, "label": action.label, "url": action.url(thread)}
        for action in thread_actions
        if action.shown(user, thread)
    ]
