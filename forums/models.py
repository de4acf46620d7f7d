"""Forum data: categories with audiences, threads, posts, reading state, notifications, moderation.

Counters (reply counts, reaction counts, participants) are denormalised and maintained by
``forums.services`` only, so list and thread pages run a fixed number of queries whatever the
size of the forum. Post bodies are stored twice: the Markdown the member wrote (``body``) and
the sanitised HTML rendered at write time (``body_html``); reads and live pushes never render.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def _translated(obj: models.Model, field: str) -> str:
    language = (get_language() or "en")[:2]
    if language != "en":
        value = getattr(obj, f"{field}_{language}", "")
        if value:
            return value
    return getattr(obj, field)


class Audience(models.TextChoices):
    PUBLIC = "public", _("Everyone, including visitors")
    MEMBERS = "members", _("Signed-in members")
    YOUNG_LEADERS = "young_leaders", _("Young leaders")
    PARLIAMENTARIANS = "parliamentarians", _("Verified parliamentarians")
    STAFF = "staff", _("Alliance staff")
    MODERATORS = "moderators", _("Moderators")


class WatchLevel(models.TextChoices):
    WATCHING = "watching", _("Watching")
    NORMAL = "normal", _("Normal")
    MUTED = "muted", _("Muted")


class Category(models.Model):
    class Kind(models.TextChoices):
        TOPIC = "topic", _("Topic board")
        REGION = "region", _("Regional board")
        PRIVATE = "private", _("Private board")

    name = models.CharField(_("name (English)"), max_length=100)
    name_fr = models.CharField(_("name (French)"), max_length=100, blank=True)
    name_es = models.CharField(_("name (Spanish)"), max_length=100, blank=True)
    description = models.TextField(_("description (English)"), blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_es = models.TextField(_("description (Spanish)"), blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.TOPIC)
    topic = models.ForeignKey(
        "network.Topic", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    region = models.ForeignKey(
        "network.Region", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    read_audience = models.CharField(
        _("who can read"), max_length=20, choices=Audience.choices, default=Audience.MEMBERS
    )
    post_audience = models.CharField(
        _("who can post"), max_length=20, choices=Audience.choices, default=Audience.MEMBERS
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    thread_count = models.PositiveIntegerField(default=0, editable=False)
    post_count = models.PositiveIntegerField(default=0, editable=False)
    last_activity_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("forum category")
        verbose_name_plural = _("forum categories")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("forums:category", kwargs={"slug": self.slug})

    @property
    def label(self) -> str:
        return _translated(self, "name")

    @property
    def description_label(self) -> str:
        return _translated(self, "description")


class Thread(models.Model):
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="threads")
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(max_length=80, allow_unicode=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="forum_threads"
    )
    topics = models.ManyToManyField("network.Topic", blank=True, related_name="forum_threads")
    is_pinned = models.BooleanField(_("pinned"), default=False)
    is_locked = models.BooleanField(_("locked"), default=False)
    is_deleted = models.BooleanField(default=False)
    solved_post = models.ForeignKey(
        "Post", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_activity_at = models.DateTimeField(db_index=True)
    last_post_author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Highest post number given out so far (numbers are never reused: permalinks are stable).
    last_number = models.PositiveIntegerField(default=0)
    reply_count = models.PositiveIntegerField(default=0)
    participant_count = models.PositiveIntegerField(default=0)
    # Set when a thread is merged into another: its URL then redirects there.
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolution_page = models.OneToOneField(
        "wagtailcore.Page",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="forum_thread",
        verbose_name=_("resolution page"),
    )

    class Meta:
        ordering = ["-is_pinned", "-last_activity_at"]
        indexes = [
            models.Index(fields=["category", "-is_pinned", "-last_activity_at"], name="thread_list")
        ]
        verbose_name = _("thread")
        verbose_name_plural = _("threads")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("forums:thread", kwargs={"pk": self.pk, "slug": self.slug or "-"})


class Post(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    number = models.PositiveIntegerField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="forum_posts"
    )
    reply_to = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    body = models.TextField(_("message"))
    body_html = models.TextField(editable=False)
    plain_text = models.TextField(editable=False, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    edit_count = models.PositiveIntegerField(default=0)
    is_hidden = models.BooleanField(default=False)
    # True while hidden automatically by member flags, awaiting a moderator.
    pending_review = models.BooleanField(default=False)
    hidden_reason = models.CharField(max_length=300, blank=True)
    is_deleted = models.BooleanField(default=False)
    deleted_at = models.DateTimeField(null=True, blank=True)
    # {"like": 3, "thanks": 1}: kept by services.react so pages need no aggregate.
    reaction_counts = models.JSONField(default=dict, blank=True)
    idempotency_key = models.UUIDField(null=True, blank=True)

    class Meta:
        ordering = ["thread", "number"]
        constraints = [
            models.UniqueConstraint(fields=["thread", "number"], name="post_unique_number"),
            models.UniqueConstraint(
                fields=["author", "idempotency_key"], name="post_unique_idempotency_key"
            ),
        ]
        verbose_name = _("post")
        verbose_name_plural = _("posts")

    def __str__(self) -> str:
        return f"#{self.pk} in {self.thread_id}"

    def get_absolute_url(self) -> str:
        return reverse("forums:post", kwargs={"pk": self.pk})

    @property
    def is_visible(self) -> bool:
        return not (self.is_hidden or self.is_deleted)


class PostRevision(models.Model):
    """The body before each edit, shown to moderators as the edit history."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    editor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"revision of post {self.post_id}"


class Participant(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    post_count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["thread", "user"], name="participant_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.thread_id}"


class ReadState(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="+")
    last_read_number = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "thread"], name="readstate_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.thread_id} to {self.last_read_number}"


class ThreadWatch(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="watches")
    level = models.CharField(max_length=10, choices=WatchLevel.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "thread"], name="threadwatch_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.level} {self.thread_id}"


class CategoryWatch(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="watches")
    level = models.CharField(max_length=10, choices=WatchLevel.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "category"], name="categorywatch_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.level} {self.category_id}"


class Reaction(models.Model):
    class Kind(models.TextChoices):
        LIKE = "like", _("Like")
        THANKS = "thanks", _("Thanks")
        INSIGHTFUL = "insightful", _("Insightful")
        SOLIDARITY = "solidarity", _("Solidarity")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "user", "kind"], name="reaction_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind} on {self.post_id}"


class Flag(models.Model):
    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam or advertising")
        ABUSE = "abuse", _("Harassment or abuse")
        OFF_TOPIC = "off_topic", _("Off topic")
        PRIVACY = "privacy", _("Shares private information")
        OTHER = "other", _("Something else")

    class Outcome(models.TextChoices):
        OPEN = "open", _("Open")
        UPHELD = "upheld", _("Upheld")
        DISMISSED = "dismissed", _("Dismissed")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="flags")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices)
    note = models.CharField(_("details"), max_length=500, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "reporter"], name="flag_unique")]

    def __str__(self) -> str:
        return f"{self.reason} on {self.post_id}"


class Notification(models.Model):
    class Kind(models.TextChoices):
        MENTION = "mention", _("Mention")
        REPLY = "reply", _("Reply")
        WATCHED_POST = "watched_post", _("New post in a watched thread")
        NEW_THREAD = "new_thread", _("New thread in a watched category")
        MODERATION = "moderation", _("Moderation")

    class Email(models.TextChoices):
        NONE = "none", _("No email")
        PENDING = "pending", _("Waiting for the next digest")
        SENT = "sent", _("Sent")
        SKIPPED = "skipped", _("Skipped")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_notifications"
    )
    kind = models.CharField(max_length=14, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, related_name="+"
    )
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, null=True, related_name="+")
    # For moderation notices: which action (hidden, restored, deleted, moved...).
    verb = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    email = models.CharField(max_length=8, choices=Email.choices, default=Email.NONE)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["email", "recipient", "thread"], name="notification_email"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}"


class NotificationPreference(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_preferences"
    )
    email_mentions = models.BooleanField(_("Email me when someone mentions me"), default=True)
    email_replies = models.BooleanField(_("Email me when someone replies to me"), default=True)
    email_watching = models.BooleanField(
        _("Email me about new posts in threads and categories I watch"), default=False
    )
    watch_own_threads = models.BooleanField(_("Watch threads I start or reply to"), default=True)

    def __str__(self) -> str:
        return f"preferences of {self.user_id}"


class MemberStanding(models.Model):
    """A member's standing in the forums: silences set by moderators."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_standing"
    )
    silenced_until = models.DateTimeField(null=True, blank=True)
    silence_reason = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return f"standing of {self.user_id}"


class ModerationAction(models.Model):
    """The forums' audit log: every moderation action, who did it, to what, and why."""

    class Action(models.TextChoices):
        HIDE = "hide", _("Hid a post")
        AUTO_HIDE = "auto_hide", _("Post hidden by member flags")
        RESTORE = "restore", _("Restored a post")
        DELETE = "delete", _("Deleted a post")
        EDIT = "edit", _("Edited a member's post")
        LOCK = "lock", _("Locked a thread")
        UNLOCK = "unlock", _("Unlocked a thread")
        PIN = "pin", _("Pinned a thread")
        UNPIN = "unpin", _("Unpinned a thread")
        MOVE = "move", _("Moved a thread")
        MERGE = "merge", _("Merged threads")
        SILENCE = "silence", _("Silenced a member")
        UNSILENCE = "unsilence", _("Lifted a silence")
        DISMISS_FLAGS = "dismiss", _("Dismissed flags")
        SOLVE = "solve", _("Marked a solution")
        OPEN_RESOLUTION = "resolution", _("Opened a resolution discussion")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    action = models.CharField(max_length=12, choices=Action.choices)
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    thread = models.ForeignKey(Thread, on_delete=models.SET_NULL, null=True, related_name="+")
    post = models.ForeignKey(Post, on_delete=models.SET_NULL, null=True, related_name="+")
    reason = models.CharField(max_length=300, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("moderation action")
        verbose_name_plural = _("moderation actions")

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.created_at:%Y-%m-%d %H:%M})"
