"""Capacity under concurrency, with real threads and real row locks (PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from mentoring import services
from mentoring.models import Mentorship, MentorshipRequest
from tests.factories import UserFactory, make_mentee_request, make_offer
from tests.support.services import requires_postgres

pytestmark = pytest.mark.django_db(transaction=True)


def test_20_simultaneous_accepts_on_an_offer_with_capacity_2_produce_exactly_2_mentorships():
    requires_postgres("row locks need PostgreSQL")
    offer = make_offer(capacity=2)
    asks = []
    for _ in range(20):
        mentee = UserFactory()
        make_mentee_request(mentee)
        asks.append(services.send_request(mentee=mentee, offer=offer, message="Hi"))

    barrier = threading.Barrier(20)
    outcomes: list[str] = []
    lock = threading.Lock()

    def accept(request_id: int) -> None:
        try:
            barrier.wait(timeout=10)
            services.accept_request(request_id=request_id)
            result = "accepted"
        except services.MentoringError:
            result = "refused"
        except Exception as exc:  # pragma: no cover - reported in the assertion below
            result = repr(exc)
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=accept, args=(a.pk,)) for a in asks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["accepted"] * 2 + ["refused"] * 18, outcomes
    assert Mentorship.objects.filter(offer=offer, status="active").count() == 2
    assert MentorshipRequest.objects.filter(offer=offer, status="accepted").count() == 2
