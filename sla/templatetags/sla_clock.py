"""`{% sla_clock due warn_at state %}`: one clock as staff see it — green while running, amber near the
deadline, red when late (DOMAIN §1: "a queue with a visible clock … go red when late"). The page
renders the state; static/js/sla-clock.js keeps live clocks ticking (CSP: no inline script)."""

import datetime as dt

from django import template
from django.utils import timezone

register = template.Library()

LIVE_STATES = {"running", "warning", "breached"}
COLOURS = {"running": "ok", "warning": "amber", "breached": "red", "late": "red", "met": "done", "paused": "done"}


def duration_text(seconds: int) -> str:
    seconds = abs(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    return (f"{days}天 " if days else "") + f"{hours:02d}:{minutes:02d}:{seconds:02d}"


def clock_text(state: str, seconds: int) -> str:
    if state == "met":
        return "按时完成"
    if state == "late":
        return f"超时完成（{duration_text(seconds)}）"
    if state == "paused":
        return "已暂停（等待客户）"
    return f"超时 {duration_text(seconds)}" if seconds < 0 else f"剩余 {duration_text(seconds)}"


@register.inclusion_tag("sla/_clock.html")
def sla_clock(due: dt.datetime | None, warn_at: dt.datetime | None = None, state: str = "running", done_at=None, now=None):
    if due is None:
        return {"due": None}
    now = now or timezone.now()
    if done_at is not None:
        state = "met" if done_at <= due else "late"
    elif state in LIVE_STATES:
        state = "breached" if due <= now else "warning" if warn_at and warn_at <= now else "running"
    seconds = int((due - (done_at or now)).total_seconds())
    return {
        "due": due,
        "warn_at": warn_at,
        "state": state,
        "live": state in LIVE_STATES,
        "colour": COLOURS.get(state, "ok"),
        "text": clock_text(state, seconds),
    }
