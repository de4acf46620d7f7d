"""Self-service mentoring from the outside: a young leader asks, a parliamentarian answers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from mentoring import services
from mentoring.models import (
    MenteeRequest,
    MentoringNotification,
    MentorOffer,
    Mentorship,
    MentorshipRequest,
)
from network.models import MemberProfile
from tests.factories import UserFactory, make_mentee_request, make_offer
from tests.factories.mentoring import language, topic

pytestmark = pytest.mark.django_db


def client_for(client, user):  # type: ignore[no-untyped-def]
    client.force_login(user)
    return client


def test_offer_form_is_prefilled_from_the_parliamentarians_profile(client, parliamentarian):
    profile = MemberProfile.objects.create(user=parliamentarian)
    profile.languages.set([language("es")])
    profile.expertise.set([topic("climate")])
    response = client_for(client, parliamentarian).get("/en/mentoring/offer/")
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["languages"] == [language("es").pk]
    assert form.initial["topics"] == [topic("climate").pk]


def test_young_leader_cannot_offer_mentoring(client, young_leader):
    response = client_for(client, young_leader).get("/en/mentoring/offer/")
    assert response.status_code == 403


def test_parliamentarian_saves_an_offer(client, parliamentarian):
    response = client_for(client, parliamentarian).post(
        "/en/mentoring/offer/",
        {
            "capacity": 3,
            "topics": [topic("climate").pk],
            "languages": [language("en").pk],
            "formats": ["video", "messages"],
            "about": "Ask me about committees.",
        },
    )
    assert response.status_code == 302
    offer = MentorOffer.objects.get(mentor=parliamentarian)
    assert offer.capacity == 3 and offer.formats == ["video", "messages"]


def test_young_leader_describes_needs_then_sees_suggestions(client, young_leader):
    make_offer()
    client_for(client, young_leader)
    response = client.post(
        "/en/mentoring/looking/",
        {
            "goals": "Run for city council.",
            "topics": [topic("climate").pk],
            "languages": [language("en").pk],
            "formats": ["video"],
            "region_preference": "any",
            "duration_months": 6,
            "is_open": "on",
        },
    )
    assert response["Location"] == "/en/mentoring/suggestions/"
    page = client.get("/en/mentoring/suggestions/")
    assert page.status_code == 200
    assert "Both work on Climate" in page.content.decode()


def test_request_accept_and_both_see_the_active_mentorship(client, young_leader, parliamentarian):
    make_mentee_request(young_leader)
    offer = make_offer(parliamentarian)
    client_for(client, young_leader).post(
        f"/en/mentoring/ask/{offer.pk}/", {"message": "Would you mentor me?"}
    )
    ask = MentorshipRequest.objects.get()
    assert ask.status == ask.Status.PENDING
    assert ask.deadline.date() == (timezone.now() + timedelta(days=14)).date()
    assert MentoringNotification.objects.filter(recipient=parliamentarian, kind="request").exists()

    client_for(client, parliamentarian)
    page = client.get(f"/en/mentoring/requests/{ask.pk}/")
    assert "Would you mentor me?" in page.content.decode()
    response = client.post(
        f"/en/mentoring/requests/{ask.pk}/", {"answer": "accept", "note": "Gladly"}
    )
    mentorship = Mentorship.objects.get()
    assert response["Location"] == f"/en/mentoring/m/{mentorship.pk}/"
    assert mentorship.status == Mentorship.Status.ACTIVE
    assert not MenteeRequest.objects.get(mentee=young_leader).is_open

    for user in (young_leader, parliamentarian):
        client_for(client, user)
        assert client.get(f"/en/mentoring/m/{mentorship.pk}/").status_code == 200
        assert f"/en/mentoring/m/{mentorship.pk}/" in client.get("/en/mentoring/").content.decode()


def test_declined_request_lets_the_mentee_pick_the_next_suggestion(young_leader):
    make_mentee_request(young_leader)
    first, second = make_offer(), make_offer()
    ask = services.send_request(mentee=young_leader, offer=first, message="Hi")
    services.decline_request(request_id=ask.pk, note="My diary is full")
    notification = MentoringNotification.objects.get(recipient=young_leader)
    assert notification.kind == "declined" and notification.url == "/en/mentoring/suggestions/"
    assert services.send_request(mentee=young_leader, offer=second, message="Hi").pk


def test_asking_the_same_mentor_twice_is_refused(young_leader):
    make_mentee_request(young_leader)
    offer = make_offer()
    services.send_request(mentee=young_leader, offer=offer, message="Hi")
    with pytest.raises(services.MentoringError, match="already asked"):
        services.send_request(mentee=young_leader, offer=offer, message="Hi again")


def test_asking_a_mentor_without_a_shared_language_is_refused(young_leader):
    make_mentee_request(young_leader, languages=("en",))
    offer = make_offer(languages=("fr",))
    with pytest.raises(services.MentoringError, match="No shared working language"):
        services.send_request(mentee=young_leader, offer=offer, message="Hi")


def test_accepting_beyond_capacity_is_refused(young_leader):
    offer = make_offer(capacity=1)
    asks = []
    for mentee in (young_leader, UserFactory()):
        make_mentee_request(mentee)
        asks.append(services.send_request(mentee=mentee, offer=offer, message="Hi"))
    services.accept_request(request_id=asks[0].pk)
    with pytest.raises(services.MentoringError, match="no room"):
        services.accept_request(request_id=asks[1].pk)
    assert Mentorship.objects.filter(offer=offer, status="active").count() == 1


def test_notifications_are_emailed_in_the_recipients_language(
    young_leader, parliamentarian, django_capture_on_commit_callbacks
):
    parliamentarian.preferred_language = "es"
    parliamentarian.save()
    make_mentee_request(young_leader)
    offer = make_offer(parliamentarian)
    with django_capture_on_commit_callbacks(execute=True):
        services.send_request(mentee=young_leader, offer=offer, message="Hi")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [parliamentarian.email]
    # The link points at the Spanish site: the whole message was rendered under "es".
    assert "/es/mentoring/requests/" in mail.outbox[0].body


def test_a_notification_is_pushed_to_the_members_live_stream(young_leader):
    from realtime.models import StreamEvent

    make_mentee_request(young_leader)
    offer = make_offer()
    services.send_request(mentee=young_leader, offer=offer, message="Hi <b>")
    event = StreamEvent.objects.get(stream=f"user:{offer.mentor_id}")
    assert event.event == "notification" and "<b>" not in event.data["html"]


def test_goals_check_ins_good_fit_and_feedback(client, young_leader, parliamentarian):
    make_mentee_request(young_leader)
    ask = services.send_request(
        mentee=young_leader, offer=make_offer(parliamentarian), message="Hi"
    )
    mentorship = services.accept_request(request_id=ask.pk)
    base = f"/en/mentoring/m/{mentorship.pk}/"
    client_for(client, young_leader)
    client.post(base + "goals/", {"title": "Win the primary"})
    goal = mentorship.goals.get()
    client.post(base + f"goals/{goal.pk}/", {"progress": 55})
    client.post(base + "check-ins/", {"met_on": "2026-01-10", "notes": "Planned", "next_steps": ""})
    client.post(base + "good-fit/", {"good_fit": "yes"})
    goal.refresh_from_db()
    mentorship.refresh_from_db()
    assert goal.progress == 55 and mentorship.check_ins.count() == 1
    assert mentorship.mentee_good_fit is True

    client.post(base + "feedback/", {"rating": 5, "comment": "Great"})
    assert not mentorship.feedback.exists()  # only once it has ended
    client.post(base + "end/", {"reason": "goals_met"})
    client.post(base + "feedback/", {"rating": 5, "comment": "Great"})
    assert mentorship.feedback.get().rating == 5
    # Feedback is for staff only: the other side never sees it.
    client_for(client, parliamentarian)
    assert "Great" not in client.get(base).content.decode()


def test_mentoring_pages_render_for_every_role(client, young_leader, parliamentarian, party_staff):
    assert client.get("/en/mentoring/").status_code == 200
    for user in (young_leader, parliamentarian, party_staff):
        client_for(client, user)
        assert client.get("/en/mentoring/").status_code == 200
        assert client.get("/en/mentoring/notifications/").status_code == 200


def test_mentoring_home_queries_do_not_grow_with_mentorships(
    client, parliamentarian, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    offer = make_offer(parliamentarian, capacity=10)
    Mentorship.objects.create(mentor=parliamentarian, mentee=UserFactory(), offer=offer)
    client_for(client, parliamentarian)
    client.get("/en/mentoring/")
    with CaptureQueriesContext(connection) as few:
        client.get("/en/mentoring/")
    for _ in range(6):
        Mentorship.objects.create(mentor=parliamentarian, mentee=UserFactory(), offer=offer)
    with django_assert_num_queries(len(few)):
        client.get("/en/mentoring/")
