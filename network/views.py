from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render


def django_admin_redirect(request: HttpRequest) -> HttpResponse:
    # Staff work in Wagtail's admin; Django's stays off so there is one place to audit.
    return HttpResponseRedirect("/admin/")


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/403.html", {"reason": str(exception or "")}, status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    return render(request, "errors/500.html", status=500)


def network_home(request: HttpRequest) -> HttpResponse:
    return render(request, "network/home.html")
