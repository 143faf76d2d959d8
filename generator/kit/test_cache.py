"""The user cached in the session: S12, no service call within the TTL, one refresh after it.

The refresh tests need to know the TTL the app was started with
(``--session-ttl``; ``authgen kit`` sets it); without it they are skipped.
"""

from __future__ import annotations

import time

from generator.kit.checks import assert_json, assert_json_error
from generator.kit.client import TTL_MARGIN, AppClient, FakeControl, FixtureUser

#: Requests made within the TTL; none of them may reach the service.
REQUESTS = 5


def test_s12_no_service_calls_within_the_ttl(
    signed_in: AppClient, fake: FakeControl, signs_in: str, fetches_user: str
) -> None:
    before = fake.calls()
    for _ in range(REQUESTS):
        assert_json(signed_in.me(), 200)
        assert_json(signed_in.get("/"), 200)
    after = fake.calls()
    assert (after[signs_in], after[fetches_user]) == (before[signs_in], before[fetches_user])


def test_s12_one_refresh_after_the_ttl(
    signed_in: AppClient, fake: FakeControl, session_ttl: float, fetches_user: str
) -> None:
    before = fake.count(fetches_user)
    time.sleep(session_ttl + TTL_MARGIN)
    for _ in range(REQUESTS):
        assert_json(signed_in.me(), 200)
    assert fake.count(fetches_user) == before + 1


def test_s12_user_disabled_at_the_service_is_signed_out_at_refresh(
    signed_in: AppClient, fake: FakeControl, plain_user: FixtureUser, session_ttl: float
) -> None:
    fake.disable(plain_user.key)
    time.sleep(session_ttl + TTL_MARGIN)
    assert_json_error(signed_in.me(), 401, "unauthorized")


def test_s12_user_deleted_at_the_service_is_signed_out_at_refresh(
    signed_in: AppClient, fake: FakeControl, plain_user: FixtureUser, session_ttl: float
) -> None:
    fake.delete(plain_user.key)
    time.sleep(session_ttl + TTL_MARGIN)
    assert_json_error(signed_in.me(), 401, "unauthorized")
