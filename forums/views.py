"""Thin HTTP views: parse, check, call a service or selector, render or redirect.

Every page works without JavaScript: forms post over HTTP and redirect. ``static/js/forums.js``
only adds live updates, previews in place and mention autocomplete on top.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.syndication.views import Feed
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from forums import notifications, permissions, selectors, services
from forums.forms import (
    EditPostForm,
    FlagForm,
    MergeForm,
    MoveForm,
    PostForm,
    PreferencesForm,
    ResolutionThreadForm,
    SearchForm,
    SilenceForm,
    ThreadForm,
)
from forums.models import Category, NotificationPreference, Post, Reaction, Thread, WatchLevel
from network.models import User


def _page(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", 1)))
    except ValueError:
        return 1


def _errors(form: Any, exc: ValidationError) -> None:
    for message in exc.messages:
        form.add_error(None, message)


def post_url(post: Post) -> str:
    thread = post.thread
    url = reverse("forums:thread", kwargs={"pk": thread.pk, "slug": thread.slug or "-"})
    page = selectors.page_of(post.number)
    suffix = f"?page={page}" if page > 1 else ""
    return f"{url}{suffix}#post-{post.pk}"


# --- reading ------------------------------------------------------------------------------


def index(request: HttpRequest) -> HttpResponse:
    categories = selectors.category_list(request.user)
    return render(request, "forums/index.html", {"categories": categories})


def category(request: HttpRequest, slug: str) -> HttpResponse:
    cat = selectors.get_category(request.user, slug)
    listing = selectors.thread_list(request.user, cat, page=_page(request))
    return render(
        request,
        "forums/category.html",
        {
            "category": cat,
            "listing": listing,
            "can_post": permissions.can_post_in_category(request.user, cat),
            "watch_levels": WatchLevel.choices,
        },
    )


def thread(request: HttpRequest, pk: int, slug: str = "-") -> HttpResponse:
    obj = selectors.get_thread(request.user, pk)
    if obj.merged_into_id:
        return redirect(obj.merged_into.get_absolute_url())  # type: ignore[union-attr]
    data = selectors.thread_page(request.user, obj, page=_page(request))
    form = PostForm()
    quote = request.GET.get("quote")
    if quote and quote.isdigit():
        quoted = Post.objects.select_related("author").filter(pk=int(quote), thread=obj).first()
        if quoted is not None and quoted.is_visible and quoted.author.handle:
            from forums.rendering import quote_markdown

            form.initial["body"] = quote_markdown(quoted.author.handle, quoted.pk, quoted.body)
            form.initial["reply_to"] = quoted.pk
    if request.user.is_authenticated and data.posts:
        services.mark_read(
            user=request.user,
            thread=obj,
            number=data.posts[-1].number,
            previous=data.last_read_number,
        )
        services.mark_thread_notifications_read(user=request.user, thread=obj)
    return render(
        request,
        "forums/thread.html",
        {
            "thread": obj,
            "data": data,
            "form": form,
            "can_reply": permissions.can_reply(request.user, obj),
            "is_moderator": permissions.is_moderator(request.user),
            "can_solve": permissions.can_mark_solved(request.user, obj),
            "reaction_kinds": Reaction.Kind.choices,
            "watch_levels": WatchLevel.choices,
            "page_range": range(1, data.pages + 1),
        },
    )


def thread_unread(request: HttpRequest, pk: int) -> HttpResponse:
    """Jump to the first unread post."""
    obj = selectors.get_thread(request.user, pk)
    number = selectors.first_unread_number(request.user, obj)
    post = selectors.post_for_number(request.user, obj, number)
    if post is None:
        return redirect(obj.get_absolute_url())
    post.thread = obj
    return redirect(post_url(post))


def post_permalink(request: HttpRequest, pk: int) -> HttpResponse:
    post = selectors.get_post(request.user, pk)
    return redirect(post_url(post))


# --- writing ------------------------------------------------------------------------------


@login_required
def new_thread(request: HttpRequest, slug: str) -> HttpResponse:
    cat = selectors.get_category(request.user, slug)
    permissions.check_post_in_category(request.user, cat)
    preview = None
    form = ThreadForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if "preview" in request.POST:
                preview = services.preview_post(
                    author=request.user, category=cat, body=data["body"]
                )
            else:
                created = services.create_thread(
                    author=request.user,
                    category=cat,
                    title=data["title"],
                    body=data["body"],
                    topics=data["topics"],
                    idempotency_key=data["idempotency_key"],
                )
                return redirect(created.get_absolute_url())
        except ValidationError as exc:
            _errors(form, exc)
    return render(
        request,
        "forums/new_thread.html",
        {"category": cat, "form": form, "preview": preview},
    )


@login_required
def reply(request: HttpRequest, pk: int) -> HttpResponse:
    obj = selectors.get_thread(request.user, pk)
    permissions.check_reply(request.user, obj)
    form = PostForm(request.POST or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        reply_to = None
        if data.get("reply_to"):
            reply_to = Post.objects.filter(pk=data["reply_to"], thread=obj).first()
        try:
            if "preview" in request.POST:
                preview = services.preview_post(
                    author=request.user, category=obj.category, body=data["body"]
                )
            else:
                post = services.create_post(
                    author=request.user,
                    thread=obj,
                    body=data["body"],
                    reply_to=reply_to,
                    idempotency_key=data["idempotency_key"],
                )
                if request.headers.get("Accept") == "application/json":
                    return JsonResponse({"post_id": post.pk, "url": post_url(post)}, status=201)
                return redirect(post_url(post))
        except ValidationError as exc:
            if request.headers.get("Accept") == "application/json":
                return JsonResponse({"errors": exc.messages}, status=400)
            _errors(form, exc)
    return render(request, "forums/reply.html", {"thread": obj, "form": form, "preview": preview})


@login_required
@require_POST
def preview(request: HttpRequest) -> JsonResponse:
    """In-place preview for the editor (JS); the no-JS path posts with a "preview" button."""
    cat = None
    if request.POST.get("thread", "").isdigit():
        cat = selectors.get_thread(request.user, int(request.POST["thread"])).category
    elif request.POST.get("category"):
        cat = selectors.get_category(request.user, request.POST["category"])
    if cat is None:
        raise Http404
    try:
        html = services.preview_post(
            author=request.user, category=cat, body=request.POST.get("body", "")
        )
    except ValidationError as exc:
        return JsonResponse({"errors": exc.messages}, status=400)
    return JsonResponse({"html": html})


@login_required
def post_edit(request: HttpRequest, pk: int) -> HttpResponse:
    post = selectors.get_post(request.user, pk)
    permissions.check_edit_post(request.user, post)
    initial = {"body": post.body, "title": post.thread.title if post.number == 1 else ""}
    form = EditPostForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_post(
                editor=request.user,
                post=post,
                body=form.cleaned_data["body"],
                title=form.cleaned_data["title"] if post.number == 1 else None,
            )
            return redirect(post_url(post))
        except ValidationError as exc:
            _errors(form, exc)
    return render(request, "forums/post_edit.html", {"post": post, "form": form})


@login_required
def post_history(request: HttpRequest, pk: int) -> HttpResponse:
    post = selectors.get_post(request.user, pk)
    permissions.check_moderate(request.user)
    revisions = post.revisions.select_related("editor")
    return render(request, "forums/post_history.html", {"post": post, "revisions": revisions})


@login_required
@require_POST
def post_react(request: HttpRequest, pk: int) -> HttpResponse:
    post = selectors.get_post(request.user, pk)
    try:
        on = services.react(user=request.user, post=post, kind=request.POST.get("kind", ""))
    except ValidationError as exc:
        return JsonResponse({"errors": exc.messages}, status=400)
    if request.headers.get("Accept") == "application/json":
        return JsonResponse({"on": on, "counts": post.reaction_counts})
    return redirect(post_url(post))


@login_required
def post_flag(request: HttpRequest, pk: int) -> HttpResponse:
    post = selectors.get_post(request.user, pk)
    if not permissions.can_flag(request.user, post):
        raise PermissionDenied
    form = FlagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.flag_post(reporter=request.user, post=post, **form.cleaned_data)
            messages.success(request, _("Thank you. Moderators will review this post."))
            return redirect(post_url(post))
        except ValidationError as exc:
            _errors(form, exc)
    return render(request, "forums/flag.html", {"post": post, "form": form})


@login_required
@require_POST
def post_delete(request: HttpRequest, pk: int) -> HttpResponse:
    post = selectors.get_post(request.user, pk)
    services.delete_post(actor=request.user, post=post, reason=request.POST.get("reason", ""))
    messages.success(request, _("The post was deleted."))
    if post.number == 1 and not permissions.is_moderator(request.user):
        return redirect(post.thread.category.get_absolute_url())
    return redirect(post_url(post))


@login_required
@require_POST
def post_moderate(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    post = selectors.get_post(request.user, pk)
    reason = request.POST.get("reason", "")
    if action == "hide":
        services.hide_post(moderator=request.user, post=post, reason=reason)
        messages.success(request, _("The post is hidden."))
    elif action == "restore":
        services.restore_post(moderator=request.user, post=post, reason=reason)
        messages.success(request, _("The post is visible again."))
    elif action == "dismiss":
        services.dismiss_flags(moderator=request.user, post=post)
        messages.success(request, _("The flags were dismissed."))
    else:
        raise Http404
    if request.POST.get("next") == "queue":
        return redirect("forums:queue")
    return redirect(post_url(post))


@login_required
@require_POST
def post_solve(request: HttpRequest, pk: int) -> HttpResponse:
    post = selectors.get_post(request.user, pk)
    clear = request.POST.get("clear") == "1"
    services.mark_solved(actor=request.user, thread=post.thread, post=None if clear else post)
    return redirect(post_url(post))


@login_required
@require_POST
def thread_moderate(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    obj = selectors.get_thread(request.user, pk)
    actions = {
        "lock": lambda: services.lock_thread(moderator=request.user, thread=obj, locked=True),
        "unlock": lambda: services.lock_thread(moderator=request.user, thread=obj, locked=False),
        "pin": lambda: services.pin_thread(moderator=request.user, thread=obj, pinned=True),
        "unpin": lambda: services.pin_thread(moderator=request.user, thread=obj, pinned=False),
    }
    if action not in actions:
        raise Http404
    actions[action]()
    return redirect(obj.get_absolute_url())


@login_required
def thread_move(request: HttpRequest, pk: int) -> HttpResponse:
    obj = selectors.get_thread(request.user, pk)
    permissions.check_moderate(request.user)
    form = MoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.move_thread(
                moderator=request.user,
                thread=obj,
                category=form.cleaned_data["category"],
                reason=form.cleaned_data["reason"],
            )
            return redirect(obj.get_absolute_url())
        except ValidationError as exc:
            _errors(form, exc)
    return render(
        request,
        "forums/moderate_form.html",
        {"thread": obj, "form": form, "title": _("Move thread")},
    )


@login_required
def thread_merge(request: HttpRequest, pk: int) -> HttpResponse:
    obj = selectors.get_thread(request.user, pk)
    permissions.check_moderate(request.user)
    form = MergeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        target = selectors.get_thread(request.user, form.cleaned_data["target"])
        try:
            merged = services.merge_threads(
                moderator=request.user,
                source=obj,
                target=target,
                reason=form.cleaned_data["reason"],
            )
            return redirect(merged.get_absolute_url())
        except ValidationError as exc:
            _errors(form, exc)
    return render(
        request,
        "forums/moderate_form.html",
        {"thread": obj, "form": form, "title": _("Merge thread")},
    )


@login_required
@require_POST
def thread_watch(request: HttpRequest, pk: int) -> HttpResponse:
    obj = selectors.get_thread(request.user, pk)
    try:
        services.set_watch_level(user=request.user, thread=obj, level=request.POST.get("level", ""))
    except ValidationError:
        raise Http404 from None
    return redirect(obj.get_absolute_url())


@login_required
@require_POST
def category_watch(request: HttpRequest, slug: str) -> HttpResponse:
    cat = selectors.get_category(request.user, slug)
    try:
        services.set_watch_level(
            user=request.user, category=cat, level=request.POST.get("level", "")
        )
    except ValidationError:
        raise Http404 from None
    return redirect(cat.get_absolute_url())


# --- notifications, mentions, search, members ---------------------------------------------


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    items = selectors.notifications_for(request.user)
    return render(request, "forums/notifications.html", {"items": items})


@login_required
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    services.mark_notifications_read(user=request.user)
    return redirect("forums:notifications")


@login_required
def notification_count(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"count": notifications.unread_count(request.user)})


@login_required
def mentions(request: HttpRequest) -> JsonResponse:
    """Members the writer may mention where they write (``thread`` or ``category``)."""
    thread_id = request.GET.get("thread", "")
    if thread_id.isdigit():
        cat = selectors.get_thread(request.user, int(thread_id)).category
    elif request.GET.get("category"):
        cat = selectors.get_category(request.user, request.GET["category"])
    else:
        raise Http404
    members = selectors.mention_candidates(request.user, cat, request.GET.get("q", ""))
    return JsonResponse({"results": [{"handle": m.handle, "name": str(m)} for m in members]})


def search(request: HttpRequest) -> HttpResponse:
    categories = selectors.readable_categories(request.user)
    form = SearchForm(request.GET or None, categories=categories)
    results: list[Post] = []
    searched = False
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        author = None
        if data["author"]:
            author = User.objects.filter(handle__iexact=data["author"].lstrip("@")).first()
        filters = selectors.SearchFilters(
            q=data["q"],
            category=data["category"],
            author=author,
            topic=data["topic"],
            since=data["since"],
            until=data["until"],
        )
        searched = bool(data["q"]) or selectors._has_filter(filters)
        if data["author"] and author is None:
            results = []
        else:
            results = selectors.search_posts(request.user, filters)
    return render(
        request, "forums/search.html", {"form": form, "results": results, "searched": searched}
    )


def member(request: HttpRequest, handle: str) -> HttpResponse:
    person = selectors.member_by_handle(handle)
    posts = selectors.member_recent_posts(request.user, person)
    return render(request, "forums/member.html", {"member": person, "posts": posts})


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    pref = NotificationPreference.objects.filter(
        user=request.user
    ).first() or NotificationPreference(user=request.user)
    form = PreferencesForm(request.POST or None, instance=pref)
    if request.method == "POST" and form.is_valid():
        services.update_preferences(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your notification preferences are saved."))
        return redirect("forums:preferences")
    return render(request, "forums/preferences.html", {"form": form})


# --- moderation ---------------------------------------------------------------------------


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    permissions.check_moderate(request.user)
    return render(
        request,
        "forums/queue.html",
        {"posts": selectors.moderation_queue(), "actions": selectors.recent_moderation_actions()},
    )


@login_required
def silence(request: HttpRequest, handle: str) -> HttpResponse:
    permissions.check_moderate(request.user)
    person = selectors.member_by_handle(handle)
    form = SilenceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        days = form.cleaned_data["days"]
        until = timezone.now() + timedelta(days=days) if days else None
        services.silence_member(
            moderator=request.user, member=person, until=until, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("Saved."))
        return redirect("forums:member", handle=person.handle)
    return render(
        request,
        "forums/moderate_form.html",
        {"member": person, "form": form, "title": _("Silence member")},
    )


def resolution(request: HttpRequest, page_id: int) -> HttpResponse:
    """The discussion of a resolution page: redirects to its thread; staff can open one."""
    from wagtail.models import Page

    page = Page.objects.filter(pk=page_id).first()
    if page is None:
        raise Http404
    existing = Thread.objects.select_related("category").filter(resolution_page=page).first()
    if existing is not None and permissions.can_read_thread(request.user, existing):
        return redirect(existing.get_absolute_url())
    if not permissions.can_open_resolution_thread(request.user) or existing is not None:
        raise Http404
    permissions.check_open_resolution_thread(request.user)
    form = ResolutionThreadForm(
        request.POST or None,
        initial={"category": Category.objects.filter(read_audience="members").first()},
    )
    form.fields["category"].queryset = selectors.readable_categories(request.user)
    if request.method == "POST" and form.is_valid():
        created = services.open_resolution_thread(
            actor=request.user, page=page.specific, category=form.cleaned_data["category"]
        )
        return redirect(created.get_absolute_url())
    return render(request, "forums/resolution.html", {"page": page, "form": form})


# --- feeds --------------------------------------------------------------------------------


class LatestThreadsFeed(Feed):
    """Atom-compatible RSS of the newest threads the requester may read."""

    description_template = None

    def get_object(self, request: HttpRequest, slug: str | None = None) -> Any:
        self.request = request
        if slug is None:
            return None
        return selectors.get_category(request.user, slug)

    def title(self, obj: Category | None) -> str:
        return _("Forums: %(name)s") % {"name": obj.label} if obj else _("Forums: latest threads")

    def link(self, obj: Category | None) -> str:
        return obj.get_absolute_url() if obj else reverse("forums:index")

    def description(self, obj: Category | None) -> str:
        return obj.description_label if obj else _("The newest discussions in the network.")

    def items(self, obj: Category | None) -> list[Thread]:
        return selectors.latest_threads(self.request.user, category=obj)

    def item_title(self, item: Thread) -> str:
        return item.title

    def item_description(self, item: Thread) -> str:
        return _("In %(category)s, by %(author)s") % {
            "category": item.category.label,
            "author": item.author,
        }

    def item_pubdate(self, item: Thread) -> Any:
        return item.created_at
