"""The conversation stream on the websocket hub: same rule as the page."""

from __future__ import annotations

import json

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from mentoring import services
from realtime.models import StreamEvent
from tests.factories import UserFactory, make_mentee_request, make_offer
from tests.support.services import ws_headers

pytestmark = pytest.mark.django_db(transaction=True)


def make_mentorship():  # type: ignore[no-untyped-def]
    mentee, mentor = UserFactory(), UserFactory(parliamentarian=True)
    make_mentee_request(mentee)
    ask = services.send_request(mentee=mentee, offer=make_offer(mentor), message="Hi")
    return services.accept_request(request_id=ask.pk)


async def subscribe(user, stream):  # type: ignore[no-untyped-def]
    from config.asgi import application

    headers = await database_sync_to_async(ws_headers)(user=user)
    communicator = WebsocketCommunicator(application, "/ws/", headers=headers)
    connected, _ = await communicator.connect()
    assert connected
    await communicator.send_to(text_data=json.dumps({"type": "subscribe", "stream": stream}))
    return communicator, json.loads(await communicator.receive_from(timeout=3))


async def test_participants_follow_the_conversation_live_and_outsiders_cannot():
    mentorship = await database_sync_to_async(make_mentorship)()
    mentee = await database_sync_to_async(lambda: mentorship.mentee)()
    outsider = await database_sync_to_async(UserFactory)()
    stream = f"conversation:{mentorship.pk}"

    live, frame = await subscribe(mentee, stream)
    assert frame["type"] == "subscribed" and frame["stream"] == stream
    spy, refused = await subscribe(outsider, stream)
    assert refused["type"] == "error" and refused["code"] == "forbidden"

    mentor = await database_sync_to_async(lambda: mentorship.mentor)()
    await database_sync_to_async(services.post_message)(
        author=mentor, mentorship=mentorship, body="<script>x</script> hello"
    )
    event = json.loads(await live.receive_from(timeout=3))
    assert event["stream"] == stream and event["event"] == "message"
    assert "&lt;script&gt;" in event["data"]["html"] and "<script>" not in event["data"]["html"]
    assert await spy.receive_nothing(timeout=0.3)
    await live.disconnect()
    await spy.disconnect()


def test_a_rolled_back_message_records_no_event():
    from django.db import transaction

    mentorship = make_mentorship()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.post_message(author=mentorship.mentee, mentorship=mentorship, body="oops")
        raise RuntimeError
    assert not StreamEvent.objects.filter(stream=f"conversation:{mentorship.pk}").exists()


def test_a_retried_post_with_the_same_key_shows_once():
    mentorship = make_mentorship()
    for _ in range(2):
        services.post_message(
            author=mentorship.mentee, mentorship=mentorship, body="hi", client_key="k1"
        )
    assert mentorship.messages.count() == 1
