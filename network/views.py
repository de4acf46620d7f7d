from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from network import privacy, selectors, services
from network.forms import DeleteAccountForm, OnboardingForm, ProfileForm
from network.models import Audience, MemberProfile


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
    # Kept for old links and the foundation's nav: the directory is the network's front door.
    return redirect("network:directory")


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


def _query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("partial", None)
    return params.urlencode()


@vary_on_headers("X-Requested-With")
def directory(request: HttpRequest) -> HttpResponse:
    """The member directory. Plain GET form; the script asks for just the results region."""
    page = selectors.search_directory(
        viewer=request.user, filters=request.GET, page=_page_number(request)
    )
    context = {
        "page": page,
        "count_label": selectors.count_label(page),
        "querystring": _query_without_page(request),
    }
    if request.headers.get("X-Requested-With") == "fetch":
        return render(request, "network/_directory_results.html", context)
    return render(request, "network/directory.html", context)


def directory_json(request: HttpRequest) -> JsonResponse:
    page = selectors.search_directory(
        viewer=request.user, filters=request.GET, page=_page_number(request)
    )
    return JsonResponse(
        {
            "count": page.count,
            "count_capped": page.count_capped,
            "page": page.page,
            "has_next": page.has_next,
            "results": page.members,
            "errors": page.errors,
        },
        json_dumps_params={"ensure_ascii": False},
    )


def profile(request: HttpRequest, handle: str) -> HttpResponse:
    member = selectors.get_visible_member(viewer=request.user, handle=handle)
    context = {
        "member": member,
        "data": selectors.member_detail(request.user, member),
        "is_own": privacy.is_self(request.user, member),
    }
    return render(request, "network/profile.html", context)


def profile_json(request: HttpRequest, handle: str) -> JsonResponse:
    member = selectors.get_visible_member(viewer=request.user, handle=handle)
    return JsonResponse(
        selectors.member_detail(request.user, member), json_dumps_params={"ensure_ascii": False}
    )


def parties(request: HttpRequest) -> HttpResponse:
    listing = selectors.list_parties(viewer=request.user, filters=request.GET)
    return render(
        request,
        "network/parties.html",
        {"filterset": listing.filterset, "parties": listing.parties},
    )


def party(request: HttpRequest, slug: str) -> HttpResponse:
    party = selectors.get_party(slug=slug)
    filters = request.GET.copy()
    filters["party"] = party.slug
    page = selectors.search_directory(
        viewer=request.user, filters=filters, page=_page_number(request)
    )
    context = {
        "party": party,
        "page": page,
        "count_label": selectors.count_label(page),
        "querystring": _query_without_page(request),
    }
    return render(request, "network/party.html", context)


# --- The member's own pages ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def onboarding(request: HttpRequest) -> HttpResponse:
    member = request.user
    profile = services.ensure_profile(member=member)
    if request.method == "POST":
        form = OnboardingForm(request.POST)
        if form.is_valid():
            services.complete_onboarding(member=member, **form.cleaned_data)
            messages.success(request, _("Welcome! Your profile is ready; add more any time."))
            return redirect("network:edit_profile")
    else:
        form = OnboardingForm(
            initial={
                "role": member.role,
                "country": member.country,
                "party": member.party,
                "languages": profile.languages.all(),
                "expertise": profile.expertise.all(),
                "interests": profile.interests.all(),
                "open_to_mentor": profile.open_to_mentor,
                "open_to_mentee": profile.open_to_mentee,
            }
        )
    return render(request, "network/onboarding.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def edit_profile(request: HttpRequest) -> HttpResponse:
    member = request.user
    profile = services.ensure_profile(member=member)
    initial = {
        "display_name": member.display_name,
        "country": member.country,
        "party": member.party,
    }
    if request.method == "POST":
        form = ProfileForm(request.POST, request.FILES, instance=profile, initial=initial)
        if form.is_valid():
            edited: MemberProfile = form.save(commit=False)
            services.save_profile(
                member=member,
                profile=edited,
                user_fields={
                    "display_name": form.cleaned_data["display_name"],
                    "country": form.cleaned_data["country"],
                    "party": form.cleaned_data["party"],
                },
                languages=form.cleaned_data["languages"],
                expertise=form.cleaned_data["expertise"],
                interests=form.cleaned_data["interests"],
            )
            messages.success(request, _("Your profile has been saved."))
            return redirect("network:edit_profile")
    else:
        form = ProfileForm(instance=profile, initial=initial)
    return render(
        request,
        "network/edit_profile.html",
        {"form": form, "member": member, "profile_url": selectors.profile_url(member)},
    )


PREVIEW_AUDIENCES = {
    "public": (Audience.PUBLIC, _("as the public sees it")),
    "members": (Audience.MEMBERS, _("as a member sees it")),
    "parliamentarians": (Audience.PARLIAMENTARIANS, _("as a parliamentarian sees it")),
}


@login_required
def preview_profile(request: HttpRequest) -> HttpResponse:
    member = request.user
    services.ensure_profile(member=member)
    key = request.GET.get("as", "public")
    tier, label = PREVIEW_AUDIENCES.get(key, PREVIEW_AUDIENCES["public"])
    context = {
        "member": member,
        "data": selectors.member_detail(member, member, as_tier=tier),
        "preview_label": label,
        "preview_key": key,
        # An audience below the listing audience cannot open the profile at all.
        "preview_hidden": tier < privacy.listing_audience(member.profile, member.country),
        "previews": [(k, v[1]) for k, v in PREVIEW_AUDIENCES.items()],
    }
    return render(request, "network/preview.html", context)


@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    return render(request, "network/my_data.html", {"form": DeleteAccountForm(member=request.user)})


@login_required
def download_my_data(request: HttpRequest) -> HttpResponse:
    data = services.export_member_data(member=request.user)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="alliance-network-my-data.json"'
    return response


@login_required
@require_POST
def delete_my_account(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST, member=request.user)
    if not form.is_valid():
        return render(request, "network/my_data.html", {"form": form}, status=400)
    services.delete_account(member=request.user)
    logout(request)
    messages.success(request, _("Your account has been deleted. Thank you for being with us."))
    return redirect(reverse("network:directory"))
