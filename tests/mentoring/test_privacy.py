"""A mentorship's conversation is private: the two participants, and audited staff, only.

Everyone else gets 404 on every endpoint, whether the mentorship exists or not.
"""

from __future__ import annotations

import pytest
from django.test import Client

from mentoring import services
from mentoring.models import ConversationAudit, Message
from tests.factories import UserFactory, make_mentee_request, make_offer

pytestmark = pytest.mark.django_db

GET_ENDPOINTS = ["", "conversation/"]
POST_ENDPOINTS = [
    ("messages/", {"body": "sneaky"}),
    ("goals/", {"title": "sneaky"}),
    ("goals/{goal}/", {"progress": 99}),
    ("check-ins/", {"met_on": "2026-01-01", "notes": "sneaky"}),
    ("good-fit/", {"good_fit": "no"}),
    ("end/", {"reason": "conduct"}),
    ("feedback/", {"rating": 1}),
    ("confirm/", {"answer": "decline"}),
]


@pytest.fixture
def mentorship(young_leader, parliamentarian):  # type: ignore[no-untyped-def]
    make_mentee_request(young_leader)
    offer = make_offer(parliamentarian)
    ask = services.send_request(mentee=young_leader, offer=offer, message="Hi")
    mentorship = services.accept_request(request_id=ask.pk)
    services.post_message(author=young_leader, mentorship=mentorship, body="Secret plan")
    services.add_goal(mentorship=mentorship, title="Goal")
    return mentorship


@pytest.fixture
def outsiders(party_staff, staff_without_2fa):  # type: ignore[no-untyped-def]
    other_mentor = UserFactory(parliamentarian=True)
    make_offer(other_mentor)
    return {
        "another young leader": UserFactory(),
        "another parliamentarian": other_mentor,
        "party staff": party_staff,
        "staff without two-factor": staff_without_2fa,
    }


def url(mentorship, path: str) -> str:  # type: ignore[no-untyped-def]
    return f"/en/mentoring/m/{mentorship.pk}/" + path.format(goal=mentorship.goals.get().pk)


@pytest.mark.parametrize(
    "who",
    ["another young leader", "another parliamentarian", "party staff", "staff without two-factor"],
)
def test_outsiders_get_404_on_every_mentorship_endpoint(who, mentorship, outsiders):
    client = Client()
    client.force_login(outsiders[who])
    for path in GET_ENDPOINTS:
        assert client.get(url(mentorship, path)).status_code == 404, path
    for path, data in POST_ENDPOINTS:
        assert client.post(url(mentorship, path), data).status_code == 404, path
    # Nothing changed, and a mentorship that does not exist looks the same.
    assert Message.objects.count() == 1
    assert mentorship.goals.get().progress == 0
    assert client.get("/en/mentoring/m/999999/").status_code == 404
    assert "Secret plan" not in client.get("/en/mentoring/").content.decode()


def test_anonymous_visitors_get_the_same_404_whether_or_not_it_exists(mentorship):
    client = Client()
    for pk in (mentorship.pk, 999999):
        response = client.get(f"/en/mentoring/m/{pk}/")
        assert response.status_code == 404
        # The 404 page still lets a participant whose session ended sign in and come back.
        assert f"/en/accounts/login/?next=/en/mentoring/m/{pk}/" in response.content.decode()
        assert client.get(f"/en/mentoring/m/{pk}/conversation/").status_code == 404
        assert client.post(f"/en/mentoring/m/{pk}/messages/", {"body": "x"}).status_code == 404
    assert Message.objects.count() == 1


@pytest.mark.parametrize("side", ["mentor", "mentee"])
def test_both_participants_read_and_write_the_conversation(side, mentorship):
    client = Client()
    client.force_login(getattr(mentorship, side))
    assert "Secret plan" in client.get(url(mentorship, "")).content.decode()
    assert "Secret plan" in client.get(url(mentorship, "conversation/")).json()["html"]
    client.post(url(mentorship, "messages/"), {"body": f"from the {side}"})
    assert Message.objects.filter(body=f"from the {side}").exists()


def test_staff_reads_are_audited_and_staff_cannot_write(mentorship, comms_staff):
    client = Client()
    client.force_login(comms_staff)
    response = client.get(url(mentorship, "") + "?reason=complaint+42")
    assert response.status_code == 200 and "Secret plan" in response.content.decode()
    client.get(url(mentorship, ""))
    audits = ConversationAudit.objects.filter(mentorship=mentorship, staff=comms_staff)
    assert audits.count() == 2
    assert {a.reason for a in audits} == {"complaint 42", ""}
    assert client.post(url(mentorship, "messages/"), {"body": "staff"}).status_code == 404
    assert client.get(url(mentorship, "conversation/")).status_code == 404


def test_only_the_mentor_asked_can_see_or_answer_a_request(young_leader, parliamentarian):
    make_mentee_request(young_leader)
    ask = services.send_request(
        mentee=young_leader, offer=make_offer(parliamentarian), message="Hi"
    )
    client = Client()
    for outsider in (young_leader, UserFactory(parliamentarian=True)):
        client.force_login(outsider)
        assert client.get(f"/en/mentoring/requests/{ask.pk}/").status_code == 404
        assert (
            client.post(f"/en/mentoring/requests/{ask.pk}/", {"answer": "accept"}).status_code
            == 404
        )
    ask.refresh_from_db()
    assert ask.status == ask.Status.PENDING
