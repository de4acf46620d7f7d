"""Thin views of mentoring: form -> permissions -> service -> redirect; selectors -> template."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mentoring import permissions, rounds, selectors, services
from mentoring.forms import (
    AnswerForm,
    CheckInForm,
    EndForm,
    FeedbackForm,
    GoalForm,
    GoalProgressForm,
    GoodFitForm,
    MenteeRequestForm,
    MessageForm,
    OfferForm,
    SendRequestForm,
)
from mentoring.models import (
    CohortRound,
    MenteeRequest,
    MentorOffer,
    Mentorship,
)
from mentoring.services import MentoringError


def _fail(request: HttpRequest, error: MentoringError) -> None:
    messages.error(request, str(error))


def index(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "mentoring/intro.html")
    return render(
        request,
        "mentoring/index.html",
        {
            "overview": selectors.overview(request.user),
            "can_offer": permissions.can_offer_mentoring(request.user),
            "can_seek": permissions.can_seek_mentor(request.user),
        },
    )


@login_required
def offer_edit(request: HttpRequest) -> HttpResponse:
    permissions.check_offer_mentoring(request.user)
    offer = MentorOffer.objects.filter(mentor=request.user).first()
    initial = None if offer else selectors.offer_initial(request.user)
    form = OfferForm(request.POST or None, instance=offer, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.save_offer(mentor=request.user, data=form.cleaned_data)
        messages.success(request, _("Your mentoring offer is saved."))
        return redirect("mentoring:index")
    return render(request, "mentoring/offer_form.html", {"form": form, "offer": offer})


@login_required
@require_POST
def offer_pause(request: HttpRequest) -> HttpResponse:
    permissions.check_offer_mentoring(request.user)
    offer = get_object_or_404(MentorOffer, mentor=request.user)
    paused = request.POST.get("paused") == "1"
    services.set_offer_paused(offer=offer, paused=paused)
    messages.success(
        request, _("Your offer is paused.") if paused else _("Your offer is open again.")
    )
    return redirect("mentoring:index")


@login_required
def request_edit(request: HttpRequest) -> HttpResponse:
    permissions.check_seek_mentor(request.user)
    mentee_request = MenteeRequest.objects.filter(mentee=request.user).first()
    initial = None if mentee_request else selectors.request_initial(request.user)
    form = MenteeRequestForm(request.POST or None, instance=mentee_request, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.save_mentee_request(mentee=request.user, data=form.cleaned_data)
        messages.success(request, _("Saved. Here are the mentors who fit you best."))
        return redirect("mentoring:suggestions")
    return render(
        request, "mentoring/request_form.html", {"form": form, "mentee_request": mentee_request}
    )


@login_required
def suggestions(request: HttpRequest) -> HttpResponse:
    permissions.check_seek_mentor(request.user)
    if not MenteeRequest.objects.filter(mentee=request.user, is_open=True).exists():
        return redirect("mentoring:request_edit")
    return render(
        request,
        "mentoring/suggestions.html",
        {"suggestions": selectors.suggestions(request.user)},
    )


@login_required
def ask(request: HttpRequest, offer_id: int) -> HttpResponse:
    permissions.check_seek_mentor(request.user)
    offer = get_object_or_404(
        MentorOffer.objects.select_related("mentor__profile"), pk=offer_id, is_paused=False
    )
    form = SendRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.send_request(
                mentee=request.user, offer=offer, message=form.cleaned_data["message"]
            )
        except MentoringError as error:
            _fail(request, error)
        else:
            messages.success(request, _("Request sent to {name}.").format(name=offer.mentor))
            return redirect("mentoring:index")
    return render(request, "mentoring/ask.html", {"form": form, "offer": offer})


@login_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ask_request = selectors.request_for_mentor(request.user, pk)
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        note = form.cleaned_data["note"]
        try:
            if request.POST.get("answer") == "accept":
                mentorship = services.accept_request(request_id=ask_request.pk, note=note)
                messages.success(request, _("Accepted. Your mentorship has started."))
                return redirect("mentoring:mentorship_detail", pk=mentorship.pk)
            services.decline_request(request_id=ask_request.pk, note=note)
            messages.success(request, _("Declined. Thank you for answering."))
            return redirect("mentoring:index")
        except MentoringError as error:
            _fail(request, error)
            return redirect("mentoring:request_detail", pk=pk)
    from mentoring import scoring

    return render(
        request,
        "mentoring/request_detail.html",
        {
            "ask": ask_request,
            "form": form,
            "reasons": scoring.describe(ask_request.reasons or []),
        },
    )


@login_required
@require_POST
def request_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    from mentoring.models import MentorshipRequest

    ask_request = get_object_or_404(MentorshipRequest, pk=pk)
    permissions.check_withdraw_request(request.user, ask_request)
    try:
        services.withdraw_request(request_id=pk)
        messages.success(request, _("Request withdrawn."))
    except MentoringError as error:
        _fail(request, error)
    return redirect("mentoring:index")


# --------------------------------------------------------------------------------------------
# A mentorship: every endpoint 404s for anyone but the two participants (staff: read-only,
# audited, on the detail page only).
# --------------------------------------------------------------------------------------------


def _members_only_404(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Anonymous visitors get the same 404 as everyone else who is not a participant (its page
    offers to sign in), so a mentorship's existence never shows, not even as a login redirect."""

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            raise Http404
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _participant_view(
    handler: Callable[[HttpRequest, Mentorship], HttpResponse],
) -> Callable[..., HttpResponse]:
    @_members_only_404
    @require_POST
    def view(request: HttpRequest, pk: int, **kwargs: Any) -> HttpResponse:
        mentorship = get_object_or_404(Mentorship, pk=pk)
        permissions.check_participant(request.user, mentorship)
        try:
            response = handler(request, mentorship, **kwargs)
        except MentoringError as error:
            _fail(request, error)
            response = None
        return response or redirect("mentoring:mentorship_detail", pk=mentorship.pk)

    view.__name__ = handler.__name__
    return view


@_members_only_404
def mentorship_detail(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = selectors.mentorship_for(request.user, pk)
    participant = permissions.is_participant(request.user, mentorship)
    if not participant:
        # Staff reading a private conversation: every read is recorded.
        services.record_conversation_read(
            staff=request.user, mentorship=mentorship, reason=request.GET.get("reason", "")
        )
    context = selectors.mentorship_detail(mentorship, user=request.user)
    context.update(
        {
            "mentorship": mentorship,
            "participant": participant,
            "can_post": participant and permissions.can_post_message(request.user, mentorship),
            "message_form": MessageForm(),
            "goal_form": GoalForm(),
            "check_in_form": CheckInForm(initial={"met_on": timezone.localdate()}),
            "good_fit_form": GoodFitForm(),
            "end_form": EndForm(),
            "feedback_form": FeedbackForm(),
            "Status": Mentorship.Status,
        }
    )
    return render(request, "mentoring/mentorship_detail.html", context)


@_members_only_404
def conversation(request: HttpRequest, pk: int) -> HttpResponse:
    """The messages as JSON (catch-up for the live conversation), participants only."""
    mentorship = get_object_or_404(Mentorship, pk=pk)
    if not permissions.can_read_conversation(request.user, mentorship):
        raise Http404
    from django.template.loader import render_to_string

    context = selectors.mentorship_detail(mentorship, user=request.user)
    html = render_to_string(
        "mentoring/_messages.html", {"conversation_messages": context["conversation_messages"]}
    )
    return JsonResponse({"html": html, "last_seq": context["last_seq"]})


@_participant_view
def post_message(request: HttpRequest, mentorship: Mentorship) -> HttpResponse | None:
    if not permissions.can_post_message(request.user, mentorship):
        raise Http404
    form = MessageForm(request.POST)
    if not form.is_valid():
        raise MentoringError(services.EMPTY_MESSAGE)
    message = services.post_message(
        author=request.user,
        mentorship=mentorship,
        body=form.cleaned_data["body"],
        client_key=form.cleaned_data["client_key"],
    )
    if request.headers.get("x-requested-with") == "fetch":
        return JsonResponse({"id": message.pk})
    return redirect(reverse("mentoring:mentorship_detail", args=[mentorship.pk]) + "#conversation")


@_participant_view
def add_goal(request: HttpRequest, mentorship: Mentorship) -> HttpResponse | None:
    form = GoalForm(request.POST)
    if form.is_valid():
        services.add_goal(mentorship=mentorship, title=form.cleaned_data["title"])
    return None


@_participant_view
def update_goal(request: HttpRequest, mentorship: Mentorship, goal_id: int) -> HttpResponse | None:
    goal = get_object_or_404(mentorship.goals, pk=goal_id)
    form = GoalProgressForm(request.POST)
    if form.is_valid():
        services.update_goal(goal=goal, progress=form.cleaned_data["progress"])
    return None


@_participant_view
def add_check_in(request: HttpRequest, mentorship: Mentorship) -> HttpResponse | None:
    form = CheckInForm(request.POST)
    if form.is_valid():
        services.add_check_in(mentorship=mentorship, author=request.user, **form.cleaned_data)
        messages.success(request, _("Check-in saved."))
    else:
        messages.error(request, _("Add a date and some notes to save a check-in."))
    return None


@_participant_view
def good_fit(request: HttpRequest, mentorship: Mentorship) -> HttpResponse | None:
    form = GoodFitForm(request.POST)
    if form.is_valid():
        services.answer_good_fit(
            user=request.user, mentorship=mentorship, good_fit=form.cleaned_data["good_fit"]
        )
        messages.success(request, _("Thank you for telling us."))
    return None


@_participant_view
def end(request: HttpRequest, mentorship: Mentorship) -> HttpResponse | None:
    form = EndForm(request.POST)
    if form.is_valid():
        services.end_mentorship(
            user=request.user,
            mentorship=mentorship,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
        )
        messages.success(request, _("The mentorship has ended."))
    return None


@_participant_view
def feedback(request: HttpRequest, mentorship: Mentorship) -> HttpResponse | None:
    form = FeedbackForm(request.POST)
    if form.is_valid():
        services.leave_feedback(user=request.user, mentorship=mentorship, **form.cleaned_data)
        messages.success(request, _("Thank you for your feedback."))
    return None


@_participant_view
def confirm(request: HttpRequest, mentorship: Mentorship) -> HttpResponse | None:
    if request.POST.get("answer") == "decline":
        services.decline_proposal(user=request.user, mentorship_id=mentorship.pk)
        messages.success(request, _("You declined the proposal."))
        return redirect("mentoring:index")
    updated = services.confirm_proposal(user=request.user, mentorship_id=mentorship.pk)
    if updated.status == Mentorship.Status.ACTIVE:
        messages.success(request, _("Confirmed: the mentorship is active."))
    else:
        messages.success(request, _("Confirmed. We are waiting for the other side."))
    return None


# --------------------------------------------------------------------------------------------
# Rounds and notifications
# --------------------------------------------------------------------------------------------


@login_required
@require_POST
def round_join(request: HttpRequest, pk: int) -> HttpResponse:
    permissions.check_seek_mentor(request.user)
    cohort_round = get_object_or_404(CohortRound, pk=pk)
    try:
        if request.POST.get("leave"):
            rounds.leave_round(mentee=request.user, cohort_round=cohort_round)
            messages.success(request, _("You left the round."))
        else:
            rounds.join_round(mentee=request.user, cohort_round=cohort_round)
            messages.success(request, _("You joined the round."))
    except MentoringError as error:
        _fail(request, error)
    return redirect("mentoring:index")


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        services.mark_notifications_read(user=request.user)
        return redirect("mentoring:notifications")
    return render(
        request,
        "mentoring/notifications.html",
        {"notifications": selectors.notifications_for(request.user)},
    )
