"""Thin views for the published site: page serving, site search, calendar files."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from wagtail.models import Locale
from wagtail.views import serve as wagtail_serve

from cms import calendars, routing, selectors
from cms.models import EventPage

SEARCH_RESULTS_PER_PAGE = 10


def serve(request: HttpRequest, path: str) -> HttpResponse:
    routing.route(request, path)
    return wagtail_serve(request, path)


def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    results_page = None
    if query:
        locale = Locale.objects.filter(language_code=get_language()).first()
        results = selectors.search_pages(
            query=query, locale_id=locale.pk if locale else None, language=get_language()
        )
        results_page = Paginator(results, SEARCH_RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "cms/search.html", {"query": query, "results_page": results_page})


def event_ical(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.public(EventPage.objects.filter(pk=pk)).first()
    if event is None:
        raise Http404
    body = calendars.calendar_for([event], request=request, name=event.title)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{event.slug}.ics"'
    return response


def event_calendar(request: HttpRequest) -> HttpResponse:
    events = selectors.calendar_events(language=get_language())
    body = calendars.calendar_for(events, request=request, name=None)
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")


def bench_bare(request: HttpRequest) -> HttpResponse:
    """The benchmark's baseline: a Django view doing no work, behind the same middleware."""
    return HttpResponse("ok", content_type="text/plain")
