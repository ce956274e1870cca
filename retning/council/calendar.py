"""iCalendar feeds: one public feed per body, and a private one per user for their bodies.

The public feed holds only what the public site shows. A personal feed is reached through a
signed token in its address (django.core.signing), so a calendar program can fetch it without
signing in; the token names the user and nothing else.
"""

import datetime
from collections.abc import Iterable
from typing import Any

from django.core import signing
from django.utils import timezone
from icalendar import Calendar, Event

from .models import Body, Case, Meeting
from .selectors import agenda_for

FEED_SALT = "retning.council.calendar"


def token_for(user: Any) -> str:
    return signing.Signer(salt=FEED_SALT).sign_object({"u": user.pk})


def user_id_from_token(token: str) -> int | None:
    try:
        data = signing.Signer(salt=FEED_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    user_id = data.get("u") if isinstance(data, dict) else None
    return user_id if isinstance(user_id, int) else None


def build_calendar(
    *, name: str, meetings: Iterable[Meeting], user: Any, url_for: Any, domain: str
) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Retning//Rådsmodellen//NO")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    stamp = timezone.now()
    for meeting in meetings:
        event = Event()
        event.add("uid", f"council-meeting-{meeting.pk}@{domain}")
        event.add("dtstamp", stamp)
        event.add("dtstart", meeting.date)
        event.add("dtend", meeting.date + datetime.timedelta(days=1))
        event.add("summary", f"{meeting.body.short_name} {meeting.label}")
        if meeting.place:
            event.add("location", meeting.place)
        url = url_for(meeting)
        event.add("url", url)
        lines = [f"{meeting.body.name}, {meeting.label} ({meeting.get_status_display()})"]
        if meeting.video_link:
            lines.append(f"Video: {meeting.video_link}")
        cases = [item for item in agenda_for(meeting, user) if isinstance(item, Case)]
        if cases:
            lines.append("Saksliste:")
            lines.extend(f"{case.label} {case.title}" for case in cases)
        lines.append(url)
        event.add("description", "\n".join(lines))
        calendar.add_component(event)
    return calendar.to_ical()


def meetings_of(bodies: Iterable[Body]) -> Any:
    return Meeting.objects.filter(body__in=list(bodies)).select_related("body").order_by("date")
