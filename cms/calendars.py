"""iCalendar (RFC 5545) files for events, with links back to each event's page."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event


def calendar_for(events: Iterable[Any], *, request: HttpRequest, name: str | None) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Alliance Network//Events//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name or _("Alliance Network events"))
    for event in events:
        url = request.build_absolute_uri(event.get_url(request))
        entry = Event()
        # Stable across edits and languages' own pages: one UID per page.
        entry.add("uid", f"event-{event.pk}@{request.get_host()}")
        entry.add("dtstamp", event.last_published_at or timezone.now())
        entry.add("dtstart", event.start.astimezone(event.tz))
        entry.add("dtend", event.end.astimezone(event.tz))
        entry.add("summary", event.title)
        entry.add("description", f"{event.summary}\n\n{url}")
        entry.add("url", url)
        if event.is_online:
            entry.add("location", event.online_url or url)
        else:
            entry.add("location", ", ".join(p for p in (event.venue_name, event.address) if p))
        calendar.add_component(entry)
    # Standard clients need the VTIMEZONE definitions of every TZID used above.
    calendar.add_missing_timezones()
    return calendar.to_ical()
