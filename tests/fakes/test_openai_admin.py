"""The fake's Admin API answers as the real one: shapes the SDK parses, pages, errors."""

from __future__ import annotations

import openai
import pytest

from tests.fakes.openai_admin import DAY
from tests.fakes.openai_server import FakeOpenAI

NOW = 1_790_000_000


def _client(fake: FakeOpenAI, admin_key: str) -> openai.OpenAI:
    return openai.OpenAI(
        api_key=None, admin_api_key=admin_key, base_url=fake.base_url, max_retries=0, timeout=5
    )


def test_projects_and_their_keys_page_through_the_sdk(fake_openai: FakeOpenAI) -> None:
    organization = fake_openai.admin
    for number in range(3):
        organization.add_project(f"proj_{number}", f"Project {number}", created_at=NOW)
    organization.add_key(
        "proj_1", name="ci", value="sk-proj-" + "a" * 40 + "WXYZ", created_at=NOW, last_used_at=None
    )
    client = _client(fake_openai, organization.admin_key())

    projects = list(client.admin.organization.projects.list(limit=2))
    keys = list(client.admin.organization.projects.api_keys.list("proj_1"))

    assert [project.id for project in projects] == ["proj_0", "proj_1", "proj_2"]
    assert len(fake_openai.requests_to("/v1/organization/projects")) == 2  # two pages
    assert keys[0].redacted_value == "sk-pro...WXYZ" and keys[0].last_used_at is None
    assert keys[0].owner.type == "user" and keys[0].owner.user is not None


def test_service_account_key_is_shown_once_works_and_can_be_deleted(
    fake_openai: FakeOpenAI,
) -> None:
    organization = fake_openai.admin
    organization.add_project("proj_a", "A")
    client = _client(fake_openai, organization.admin_key())

    created = client.admin.organization.projects.service_accounts.create("proj_a", name="rotation")
    assert created.api_key is not None and created.api_key.value.startswith("sk-svcacct-")
    listed = list(client.admin.organization.projects.api_keys.list("proj_a"))
    assert created.api_key.value not in str([key.model_dump() for key in listed])
    assert (
        openai.OpenAI(api_key=created.api_key.value, base_url=fake_openai.base_url, max_retries=0)
        .models.list()
        .data
    )

    deleted = client.admin.organization.projects.api_keys.delete(
        created.api_key.id, project_id="proj_a"
    )
    assert deleted.deleted is True
    with pytest.raises(openai.AuthenticationError):
        openai.OpenAI(
            api_key=created.api_key.value, base_url=fake_openai.base_url, max_retries=0
        ).models.list()


def test_costs_come_in_day_buckets_grouped_by_project_with_pages(fake_openai: FakeOpenAI) -> None:
    organization = fake_openai.admin
    organization.clock = lambda: NOW
    start = NOW - NOW % DAY - 10 * DAY
    organization.add_cost("proj_a", start + 2 * DAY, 1.25)
    organization.add_cost("proj_b", start + 2 * DAY + 60, 0.5)
    client = _client(fake_openai, organization.admin_key())

    first = client.admin.organization.usage.costs(
        start_time=start, bucket_width="1d", group_by=["project_id"], limit=7
    )
    second = client.admin.organization.usage.costs(
        start_time=start,
        bucket_width="1d",
        group_by=["project_id"],
        limit=7,
        page=first.next_page or "",
    )

    assert first.has_more and not second.has_more
    assert len(first.data) + len(second.data) == 11
    results = first.data[2].results
    assert {(r.project_id, r.amount.value) for r in results} == {("proj_a", 1.25), ("proj_b", 0.5)}


@pytest.mark.parametrize("path", ["projects", "costs"])
def test_a_project_key_on_an_admin_endpoint_is_refused_with_missing_scopes(
    fake_openai: FakeOpenAI, path: str
) -> None:
    client = _client(fake_openai, FakeOpenAI.key_for("valid"))
    with pytest.raises(openai.PermissionDeniedError) as caught:
        if path == "projects":
            list(client.admin.organization.projects.list())
        else:
            client.admin.organization.usage.costs(start_time=NOW)
    assert "Missing scopes: api." in str(caught.value.body)


def test_an_admin_key_without_the_write_scope_cannot_create_keys(fake_openai: FakeOpenAI) -> None:
    organization = fake_openai.admin
    organization.add_project("proj_a", "A")
    read_only = organization.admin_key(frozenset({"api.management.read", "api.usage.read"}))
    client = _client(fake_openai, read_only)
    assert list(client.admin.organization.projects.list())
    with pytest.raises(openai.PermissionDeniedError) as caught:
        client.admin.organization.projects.service_accounts.create("proj_a", name="x")
    assert "api.management.write" in str(caught.value.body)


def test_an_unknown_admin_key_is_invalid(fake_openai: FakeOpenAI) -> None:
    client = _client(fake_openai, "sk-admin-" + "q" * 40)
    with pytest.raises(openai.AuthenticationError) as caught:
        list(client.admin.organization.projects.list())
    assert caught.value.code == "invalid_api_key"
    assert "q" * 30 not in str(caught.value.body)
