"""The editorial workflow from the outside: who may publish what in Wagtail's admin."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from cms.editorial import COMMUNICATIONS_LEADS, WORKFLOW_NAME
from cms.models import NewsIndexPage, NewsPage
from tests.factories import cms as pages

pytestmark = pytest.mark.django_db


def _news_form(title: str, slug: str, action: str) -> dict[str, str]:
    return {
        "title": title,
        "slug": slug,
        "date": "2030-01-15",
        "summary": "Written by the communications team.",
        "author": "",
        "author_name": "",
        "featured_image": "",
        "body-count": "0",
        "tags": "",
        "related_links-TOTAL_FORMS": "0",
        "related_links-INITIAL_FORMS": "0",
        "related_links-MIN_NUM_FORMS": "0",
        "related_links-MAX_NUM_FORMS": "1000",
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
        "comments-MIN_NUM_FORMS": "0",
        "comments-MAX_NUM_FORMS": "1000",
        "seo_title": "",
        "search_description": "",
        action: "1",
    }


def test_communications_member_can_publish_news_from_the_admin(client, comms_staff):
    client.force_login(comms_staff)
    index = pages.section(NewsIndexPage)
    response = client.post(
        f"/admin/pages/add/cms/newspage/{index.pk}/",
        _news_form("Published by comms", "published-by-comms", "action-publish"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    page = NewsPage.objects.get(slug="published-by-comms")
    assert page.live
    assert "Published by comms" in client.get("/en/news/published-by-comms/").content.decode()


@pytest.mark.parametrize(
    "url", ["/admin/users/", "/admin/groups/", "/admin/sites/", "/admin/locales/"]
)
def test_communications_member_gets_403_on_users_and_settings(client, comms_staff, url):
    client.force_login(comms_staff)
    assert client.get(url).status_code == 403


def test_communications_member_cannot_edit_the_home_page(client, comms_staff):
    client.force_login(comms_staff)
    home = pages.home()
    assert not home.permissions_for_user(comms_staff).can_edit()
    assert client.get(f"/admin/pages/{home.pk}/edit/").status_code in (302, 403)


def test_communications_member_can_edit_news_in_every_language(comms_staff):
    for language in ("en", "fr", "es"):
        index = pages.section(NewsIndexPage, language)
        assert index.permissions_for_user(comms_staff).can_add_subpage()
        assert index.permissions_for_user(comms_staff).can_publish_subpage()


def test_submitting_for_moderation_waits_for_a_communications_lead(client, comms_staff):
    from tests.factories import UserFactory

    lead = UserFactory(staff=True)
    lead.groups.add(Group.objects.get(name=COMMUNICATIONS_LEADS))
    client.force_login(comms_staff)
    index = pages.section(NewsIndexPage)
    client.post(
        f"/admin/pages/add/cms/newspage/{index.pk}/",
        _news_form("Needs review", "needs-review", "action-submit"),
    )
    page = NewsPage.objects.get(slug="needs-review")
    state = page.current_workflow_state
    assert not page.live and state is not None and state.workflow.name == WORKFLOW_NAME
    task_state = state.current_task_state
    assert task_state.task.specific.user_can_access_editor(page, lead)
    assert not task_state.task.specific.user_can_access_editor(page, comms_staff) or (
        comms_staff not in task_state.task.specific.groups.first().user_set.all()
    )


def test_ensure_site_is_idempotent():
    from wagtail.models import GroupPagePermission, Page

    from cms.services import ensure_site

    counts = (Page.objects.count(), GroupPagePermission.objects.count(), Group.objects.count())
    ensure_site()
    assert (
        Page.objects.count(),
        GroupPagePermission.objects.count(),
        Group.objects.count(),
    ) == counts
