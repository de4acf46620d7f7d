"""Staff screens in the Wagtail admin: dashboard + CSV, matching settings with preview, rounds.

Every view checks ``permissions.can_manage_mentoring`` (staff role with two-factor): the admin
prefix alone (any editor) is not enough to see mentoring data.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from mentoring import permissions, rounds, scoring, selectors
from mentoring.forms import MatchingSettingsForm, PairForm, RoundForm
from mentoring.models import CohortRound, MatchingSettings
from mentoring.services import MentoringError


def staff_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not permissions.can_manage_mentoring(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    return wrapped


@staff_only
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "mentoring/admin/dashboard.html",
        {"figures": selectors.dashboard(), "rounds": CohortRound.objects.all()[:10]},
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


@staff_only
def export_csv(request: HttpRequest) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())
    rows = [selectors.EXPORT_HEADER, *selectors.export_rows()]
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="mentorships.csv"'
    return response


@staff_only
def matching_settings(request: HttpRequest) -> HttpResponse:
    """Edit weights and constraints; "Preview" shows how suggestions change without saving."""
    current = MatchingSettings.load()
    form = MatchingSettingsForm(request.POST or None, instance=MatchingSettings.load())
    preview = None
    if request.method == "POST" and form.is_valid():
        if "preview" in request.POST:
            candidate = form.save(commit=False)
            preview = selectors.preview_weights(
                scoring.weights_from(candidate), current=scoring.weights_from(current)
            )
        else:
            saved = form.save(commit=False)
            saved.updated_by = request.user
            saved.save()
            messages.success(request, _("Matching settings saved."))
            return redirect("mentoring_admin:settings")
    return render(request, "mentoring/admin/settings.html", {"form": form, "preview": preview})


@staff_only
def round_list(request: HttpRequest) -> HttpResponse:
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        cohort_round = rounds.open_round(staff=request.user, **form.cleaned_data)
        messages.success(request, _("Round opened."))
        return redirect("mentoring_admin:round", pk=cohort_round.pk)
    return render(
        request,
        "mentoring/admin/rounds.html",
        {"form": form, "rounds": CohortRound.objects.all()},
    )


@staff_only
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cohort_round = get_object_or_404(CohortRound, pk=pk)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "run":
                rounds.run_round(cohort_round=cohort_round)
                messages.success(request, _("Round solved. Compare the results below."))
            elif action == "publish":
                created = rounds.publish_round(cohort_round=cohort_round)
                messages.success(
                    request,
                    _("Published {n} proposals; both sides were notified.").format(n=len(created)),
                )
            elif action == "pair":
                form = PairForm(request.POST)
                if form.is_valid():
                    rounds.set_pair(cohort_round=cohort_round, **form.cleaned_data)
                    messages.success(request, _("Pair updated."))
        except MentoringError as error:
            messages.error(request, str(error))
        return redirect("mentoring_admin:round", pk=pk)
    context = selectors.round_detail(cohort_round)
    context.update(
        {
            "round": cohort_round,
            "comparison": cohort_round.comparison,
            "current": rounds.draft_summary(cohort_round),
        }
    )
    return render(request, "mentoring/admin/round.html", context)
