"""Navigation and home-dashboard registries that each app fills in its `ready()`.

Sections are fixed (Inventory, Lineage, Governance, Risk, Monitoring); a section shows the
entries its user may open, and is hidden when there are none.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.urls import reverse

SECTIONS = ("Inventory", "Lineage", "Governance", "Risk", "Monitoring")


@dataclass(frozen=True)
class MenuItem:
    section: str
    label: str
    url_name: str
    permission: str  # `app_label.codename`; "" means any signed-in user
    description: str = ""

    @property
    def url(self) -> str:
        return reverse(self.url_name)


@dataclass(frozen=True)
class Counter:
    """A live count on the home dashboard that links to the filtered list behind it."""

    label: str
    queryset: Callable[[object], QuerySet]  # user -> rows the user may see
    url: Callable[[], str]
    permission: str
    help_text: str = ""
    attention: bool = False  # a non-zero value needs someone's action


@dataclass(frozen=True)
class Alert:
    """A red banner on the home dashboard, shown while `message(user)` returns text."""

    key: str
    message: Callable[[object], str | None]  # user -> what is wrong, or None
    url: Callable[[], str]
    link_text: str
    permission: str


_menu: list[MenuItem] = []
_counters: list[Counter] = []
_alerts: list[Alert] = []


def register_menu_item(item: MenuItem) -> None:
    assert item.section in SECTIONS, item.section
    if item not in _menu:
        _menu.append(item)


def register_counter(counter: Counter) -> None:
    if counter not in _counters:
        _counters.append(counter)


def register_alert(alert: Alert) -> None:
    if all(existing.key != alert.key for existing in _alerts):
        _alerts.append(alert)


def _allowed(user, permission: str) -> bool:
    return not permission or user.has_perm(permission)


def menu_for(user) -> list[tuple[str, list[MenuItem]]]:
    sections = []
    for section in SECTIONS:
        items = [item for item in _menu if item.section == section and _allowed(user, item.permission)]
        if items:
            sections.append((section, items))
    return sections


def counters_for(user) -> list[dict]:
    return [
        {"label": c.label, "value": c.queryset(user).count(), "url": c.url(),
         "help_text": c.help_text, "attention": c.attention}
        for c in _counters if _allowed(user, c.permission)
    ]


def alerts_for(user) -> list[dict]:
    shown = []
    for alert in _alerts:
        if _allowed(user, alert.permission):
            message = alert.message(user)
            if message:
                shown.append({"key": alert.key, "message": message, "url": alert.url(),
                              "link_text": alert.link_text})
    return shown
