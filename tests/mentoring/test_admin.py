"""Staff screens: dashboard with CSV export, matching settings with a preview."""

from __future__ import annotations

import pytest
from django.test import Client

from mentoring import services
from mentoring.models import MatchingSettings
from tests.factories import make_mentee_request, make_offer

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(comms_staff):  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(comms_staff)
    return client


def test_dashboard_shows_requests_mentorships_and_coverage(staff_client, young_leader):
    make_mentee_request(young_leader)
    request = services.send_request(mentee=young_leader, offer=make_offer(), message="Hi")
    services.accept_request(request_id=request.pk)
    response = staff_client.get("/admin/mentoring/")
    assert response.status_code == 200
    figures = response.context["figures"]
    assert figures["status_counts"]["Active"] == 1
    region = figures["breakdowns"]["region"][0]
    assert region["coverage"] == 100.0 and region["mean_score"] > 0


def test_csv_export_lists_every_mentorship(staff_client, young_leader):
    make_mentee_request(young_leader)
    request = services.send_request(mentee=young_leader, offer=make_offer(), message="Hi")
    services.accept_request(request_id=request.pk)
    response = staff_client.get("/admin/mentoring/export.csv")
    lines = b"".join(response.streaming_content).decode().strip().splitlines()
    assert lines[0].startswith("id,status,mentor")
    assert len(lines) == 2 and young_leader.email in lines[1]


def test_previewing_weights_shows_the_change_without_saving(staff_client, young_leader):
    make_mentee_request(young_leader, topics=("climate",))
    make_offer(topics=("climate",), years=1)
    make_offer(topics=("elections",), years=30)
    data = {
        "weight_topic": 0,
        "weight_language": 10,
        "weight_format": 0,
        "weight_region": 0,
        "weight_experience": 90,
        "weight_capacity": 0,
        "suggestions_shown": 8,
        "request_deadline_days": 14,
        "reminder_days_before": 3,
        "check_in_interval_days": 30,
        "min_women_share": 40,
        "every_region_represented": "on",
        "candidates_per_mentee": 50,
    }
    response = staff_client.post("/admin/mentoring/settings/", {**data, "preview": "1"})
    assert response.status_code == 200
    assert response.context["preview"]["changed"] == 1
    assert MatchingSettings.load().weight_topic == 40

    staff_client.post("/admin/mentoring/settings/", {**data, "save": "1"})
    assert MatchingSettings.load().weight_topic == 0


def test_staff_without_two_factor_and_members_cannot_see_the_dashboard(
    staff_without_2fa, young_leader
):
    for user in (staff_without_2fa, young_leader):
        client = Client()
        client.force_login(user)
        assert client.get("/admin/mentoring/").status_code in (302, 403)
        assert client.get("/admin/mentoring/export.csv").status_code in (302, 403)
