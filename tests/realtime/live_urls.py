"""Test-only routes served by ``tests.realtime.live_settings``."""

from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from config.urls import urlpatterns as site_urlpatterns
from realtime.models import StreamCursor
from realtime.services import emit


@csrf_exempt
def emit_view(request: HttpRequest) -> JsonResponse:
    with transaction.atomic():
        record = emit(
            stream=request.POST["stream"],
            event=request.POST.get("event", "post_created"),
            data={"html": request.POST.get("html", ""), "n": request.POST.get("n")},
        )
    return JsonResponse({"seq": record.seq})


def room_view(request: HttpRequest, key: str):  # type: ignore[no-untyped-def]
    stream = f"testroom:{key}"
    seq = StreamCursor.objects.filter(stream=stream).values_list("last_seq", flat=True).first()
    return render(request, "realtime/test_room.html", {"stream": stream, "seq": seq or 0})


urlpatterns = [
    path("__live__/emit/", emit_view),
    path("__live__/room/<slug:key>/", room_view),
    *site_urlpatterns,
]
