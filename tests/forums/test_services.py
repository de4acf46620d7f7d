"""The forum's write paths, from the services (the HTTP layer calls exactly these)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from forums import notifications, services
from forums.models import (
    Audience,
    Flag,
    ModerationAction,
    Notification,
    Post,
    Thread,
    ThreadWatch,
    WatchLevel,
)
from network.models import User
from realtime.models import StreamEvent
from tests.factories import CategoryFactory, UserFactory, make_thread

pytestmark = pytest.mark.django_db


@pytest.fixture
def category(db):  # type: ignore[no-untyped-def]
    return CategoryFactory(slug="campaigns", name="Campaigns", read_audience=Audience.MEMBERS)


def test_a_retried_post_with_the_same_idempotency_key_is_stored_once(young_leader, category):
    thread = make_thread(author=young_leader, category=category)
    key = uuid.uuid4()
    first = services.create_post(author=young_leader, thread=thread, body="Hi", idempotency_key=key)
    again = services.create_post(author=young_leader, thread=thread, body="Hi", idempotency_key=key)
    assert first.pk == again.pk
    assert Post.objects.filter(thread=thread).count() == 2


def test_a_new_member_waits_longer_between_posts_than_an_established_one(
    settings, young_leader, category
):
    settings.FORUMS_LIMITS = {"INTERVAL": 0, "NEW_MEMBER_INTERVAL": 60}
    veteran = UserFactory(date_joined=timezone.now() - timedelta(days=400))
    thread = make_thread(author=veteran, category=category)
    services.create_post(author=veteran, thread=thread, body="one")
    services.create_post(author=veteran, thread=thread, body="two")
    services.create_post(author=young_leader, thread=thread, body="first")
    with pytest.raises(ValidationError) as exc:
        services.create_post(author=young_leader, thread=thread, body="second")
    assert exc.value.code == "rate"


def test_the_same_body_twice_within_five_minutes_is_rejected(settings, young_leader, category):
    settings.FORUMS_LIMITS = {"INTERVAL": 0, "NEW_MEMBER_INTERVAL": 0}
    thread = make_thread(author=young_leader, category=category)
    services.create_post(author=young_leader, thread=thread, body="Same words")
    with pytest.raises(ValidationError) as exc:
        services.create_post(author=young_leader, thread=thread, body="Same words")
    assert exc.value.code == "duplicate"


def test_new_members_have_a_daily_cap(settings, young_leader, category):
    settings.FORUMS_LIMITS = {"INTERVAL": 0, "NEW_MEMBER_INTERVAL": 0, "NEW_MEMBER_DAILY_CAP": 2}
    thread = make_thread(author=young_leader, category=category)  # post 1 (unlimited)
    services.create_post(author=young_leader, thread=thread, body="two")
    with pytest.raises(ValidationError) as exc:
        services.create_post(author=young_leader, thread=thread, body="three")
    assert exc.value.code == "cap"


def test_a_mention_notifies_only_members_who_can_read_the_thread(
    young_leader, parliamentarian, author
):
    private = CategoryFactory(slug="mps", read_audience=Audience.PARLIAMENTARIANS)
    thread = make_thread(
        author=author, category=private, body="Thoughts @ana and @amina on the care bill?"
    )
    first = thread.posts.get()
    assert Notification.objects.filter(recipient=parliamentarian, kind="mention").exists()
    assert not Notification.objects.filter(recipient=young_leader).exists()
    # The unreachable member is not linked either.
    assert 'class="mention"' in first.body_html and "@amina" in first.body_html
    assert first.body_html.count('class="mention"') == 1


def test_replying_notifies_the_quoted_author_and_watchers_once_each(
    young_leader, parliamentarian, category
):
    thread = make_thread(author=young_leader, category=category, body="How did Ghana do it?")
    reply = services.create_post(
        author=parliamentarian,
        thread=thread,
        body=f"> @amina wrote in #post-{thread.posts.first().pk}:\n>\n> How?\n\nLike this.",
    )
    items = Notification.objects.filter(recipient=young_leader)
    assert [(n.kind, n.post_id) for n in items] == [("reply", reply.pk)]
    assert 'class="post-quote"' in reply.body_html


def test_muting_a_thread_stops_its_notifications(young_leader, parliamentarian, category):
    thread = make_thread(author=young_leader, category=category)
    services.set_watch_level(user=young_leader, thread=thread, level=WatchLevel.MUTED)
    services.create_post(author=parliamentarian, thread=thread, body="Hello @amina")
    assert not Notification.objects.filter(recipient=young_leader).exists()


def test_watching_a_category_notifies_new_threads(young_leader, parliamentarian, category):
    services.set_watch_level(user=young_leader, category=category, level=WatchLevel.WATCHING)
    make_thread(author=parliamentarian, category=category)
    assert Notification.objects.filter(recipient=young_leader, kind="new_thread").count() == 1


def test_notification_fan_out_runs_a_fixed_number_of_queries_plus_one_event_per_recipient(
    young_leader, category
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def cost(watchers: int) -> int:
        thread = make_thread(author=young_leader, category=category, title=f"Fan out {watchers}")
        for _ in range(watchers):
            ThreadWatch.objects.create(user=UserFactory(), thread=thread, level=WatchLevel.WATCHING)
        with CaptureQueriesContext(connection) as ctx:
            services.create_post(author=young_leader, thread=thread, body=f"news {watchers}")
        return len(ctx)

    small, large = cost(2), cost(12)
    # realtime's emit() stores one sequenced event per recipient stream (4 queries, 7 when
    # the member's stream cursor is new); everything else (who to notify, preferences,
    # counts, bulk insert) is constant.
    assert large - small <= 10 * 7


def test_moderation_requires_two_factor(staff_without_2fa, young_leader, category):
    staff_without_2fa.role = User.Role.MODERATOR
    staff_without_2fa.save()
    thread = make_thread(author=young_leader, category=category)
    with pytest.raises(PermissionDenied):
        services.hide_post(moderator=staff_without_2fa, post=thread.posts.first())


def test_members_cannot_moderate(young_leader, parliamentarian, category):
    thread = make_thread(author=young_leader, category=category)
    for verb in (
        lambda: services.hide_post(moderator=parliamentarian, post=thread.posts.first()),
        lambda: services.lock_thread(moderator=parliamentarian, thread=thread),
        lambda: services.silence_member(
            moderator=parliamentarian, member=young_leader, until=timezone.now()
        ),
    ):
        with pytest.raises(PermissionDenied):
            verb()


def test_hiding_a_post_is_audited_notifies_the_author_and_pushes_no_body(
    moderator, young_leader, category
):
    thread = make_thread(author=young_leader, category=category, body="Secret words here")
    post = thread.posts.first()
    services.hide_post(moderator=moderator, post=post, reason="off topic")
    action = ModerationAction.objects.get(action="hide")
    assert (action.actor, action.post, action.reason) == (moderator, post, "off topic")
    assert Notification.objects.filter(recipient=young_leader, kind="moderation").exists()
    event = StreamEvent.objects.get(stream=f"thread:{thread.pk}", event="post.hidden")
    assert event.data == {"post_id": post.pk}


def test_three_flags_hide_a_new_members_post_pending_review(young_leader, category):
    thread = make_thread(author=young_leader, category=category)
    post = thread.posts.first()
    for _ in range(3):
        services.flag_post(reporter=UserFactory(), post=post, reason=Flag.Reason.SPAM)
    post.refresh_from_db()
    assert post.is_hidden and post.pending_review
    assert ModerationAction.objects.filter(action="auto_hide", post=post).exists()


def test_three_flags_do_not_hide_an_established_members_post(category):
    veteran = UserFactory(date_joined=timezone.now() - timedelta(days=400))
    thread = make_thread(author=veteran, category=category)
    post = thread.posts.first()
    for _ in range(3):
        services.flag_post(reporter=UserFactory(), post=post, reason=Flag.Reason.SPAM)
    post.refresh_from_db()
    assert not post.is_hidden


def test_a_silenced_member_cannot_post_until_the_silence_ends(moderator, young_leader, category):
    thread = make_thread(author=moderator, category=category)
    services.silence_member(
        moderator=moderator, member=young_leader, until=timezone.now() + timedelta(days=1)
    )
    member = User.objects.get(pk=young_leader.pk)
    with pytest.raises(PermissionDenied):
        services.create_post(author=member, thread=thread, body="Let me speak")
    services.silence_member(moderator=moderator, member=young_leader, until=None)
    member = User.objects.get(pk=young_leader.pk)
    services.create_post(author=member, thread=thread, body="Thanks")


def test_locked_threads_refuse_replies_from_members(moderator, young_leader, category):
    thread = make_thread(author=moderator, category=category)
    services.lock_thread(moderator=moderator, thread=thread)
    with pytest.raises(PermissionDenied):
        services.create_post(author=young_leader, thread=thread, body="Too late")


def test_moving_a_thread_out_of_reach_removes_its_notifications_and_stream_access(
    moderator, young_leader, parliamentarian, category
):
    from forums.permissions import authorise_thread_stream

    thread = make_thread(author=parliamentarian, category=category, body="Hi @amina")
    assert notifications.unread_count(young_leader) == 1
    assert authorise_thread_stream(young_leader, str(thread.pk))
    private = CategoryFactory(slug="mps-only", read_audience=Audience.PARLIAMENTARIANS)
    services.move_thread(moderator=moderator, thread=thread, category=private)
    assert notifications.unread_count(young_leader) == 0
    assert not authorise_thread_stream(young_leader, str(thread.pk))
    moved = StreamEvent.objects.get(stream=f"category:{category.pk}", event="thread.moved")
    assert set(moved.data) == {"thread_id", "category_id"}


def test_editing_rerenders_keeps_history_and_pushes_the_new_html(young_leader, category):
    thread = make_thread(author=young_leader, category=category, body="*old*")
    post = thread.posts.first()
    services.edit_post(editor=young_leader, post=post, body="**new**")
    post.refresh_from_db()
    assert "<strong>new</strong>" in post.body_html and post.edit_count == 1
    assert post.revisions.get().body == "*old*"
    event = StreamEvent.objects.get(stream=f"thread:{thread.pk}", event="post.edited")
    assert event.data["body_html"] == post.body_html


def test_merging_threads_appends_posts_and_redirects_the_old_thread(
    moderator, young_leader, category
):
    target = make_thread(author=young_leader, category=category, replies=[(moderator, "a")])
    source = make_thread(author=moderator, category=category, replies=[(young_leader, "b")])
    services.merge_threads(moderator=moderator, source=source, target=target)
    target.refresh_from_db()
    assert list(target.posts.values_list("number", flat=True)) == [1, 2, 3, 4]
    assert target.reply_count == 3
    assert Thread.objects.get(pk=source.pk).merged_into_id == target.pk


def test_reactions_toggle_and_keep_counts(young_leader, parliamentarian, category):
    thread = make_thread(author=young_leader, category=category)
    post = thread.posts.first()
    assert services.react(user=parliamentarian, post=post, kind="thanks") is True
    post.refresh_from_db()
    assert post.reaction_counts == {"thanks": 1}
    assert services.react(user=parliamentarian, post=post, kind="thanks") is False
    post.refresh_from_db()
    assert post.reaction_counts == {}
    with pytest.raises(PermissionDenied):
        services.react(user=young_leader, post=post, kind="like")  # own post


def test_the_thread_author_marks_a_solution(young_leader, parliamentarian, category):
    thread = make_thread(author=young_leader, category=category, replies=[(parliamentarian, "x")])
    answer = thread.posts.get(number=2)
    services.mark_solved(actor=young_leader, thread=thread, post=answer)
    assert Thread.objects.get(pk=thread.pk).solved_post == answer
    with pytest.raises(PermissionDenied):
        services.mark_solved(actor=parliamentarian, thread=thread, post=None)


def test_a_busy_thread_sends_one_email_in_the_recipients_language(
    young_leader, parliamentarian, category
):
    young_leader.preferred_language = "fr"
    young_leader.save()
    services.update_preferences(user=young_leader, email_watching=True)
    thread = make_thread(author=young_leader, category=category, title="Primaires de Ghana")
    for n in range(5):
        services.create_post(author=parliamentarian, thread=thread, body=f"Update {n} @amina")
    assert notifications.send_digests() == 1
    assert len(mail.outbox) == 1
    assert "Primaires de Ghana" in mail.outbox[0].subject
    assert mail.outbox[0].to == [young_leader.email]
    assert notifications.send_digests() == 0


def test_no_email_for_notifications_already_read_on_the_site(
    young_leader, parliamentarian, category
):
    thread = make_thread(author=young_leader, category=category)
    services.create_post(author=parliamentarian, thread=thread, body="@amina look")
    services.mark_notifications_read(user=young_leader)
    assert notifications.send_digests() == 0


def test_live_notification_events_carry_the_unread_count(young_leader, parliamentarian, category):
    thread = make_thread(author=parliamentarian, category=category)
    services.create_post(author=parliamentarian, thread=thread, body="ping @amina")
    event = StreamEvent.objects.filter(stream=f"user:{young_leader.pk}").last()
    assert event.event == "notification" and event.data["count"] == 1


def test_staff_open_one_discussion_thread_per_resolution_page(comms_staff, home_page, category):
    first = services.open_resolution_thread(actor=comms_staff, page=home_page, category=category)
    again = services.open_resolution_thread(actor=comms_staff, page=home_page, category=category)
    assert first.pk == again.pk and first.resolution_page_id == home_page.pk
