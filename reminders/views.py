"""提醒与关怀: what the store's plans send and call on a day."""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from reminders import selectors
from reminders.models import ReminderKind


@login_required
def reminder_list(request):
    today = timezone.localdate()
    try:
        day = dt.date.fromisoformat(request.GET.get("day", "")) if request.GET.get("day") else today
    except ValueError:
        day = today
    kind = request.GET.get("kind") if request.GET.get("kind") in ReminderKind.values else ""
    reminders = list(selectors.reminder_list(user=request.user, day=day, kind=kind or None)[:500])
    context = {
        "reminders": reminders,
        "day": day,
        "previous_day": day - dt.timedelta(days=1),
        "next_day": day + dt.timedelta(days=1),
        "kind": kind,
        "kinds": ReminderKind.choices,
        "calendar_warning": selectors.calendar_warning(day),
    }
    return render(request, "reminders/list.html", context)
