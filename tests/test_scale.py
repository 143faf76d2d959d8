"""The scale test's own pieces: its Redis, and the sessions nox registers for it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.kit.scale import SCALE_INSTALL, SCALE_TARGETS
from generator.kit.scale.harness import redis_keys, start_redis
from generator.targets import TARGETS

needs_redis = pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed")


@needs_redis
def test_its_redis_starts_on_a_loopback_port_and_is_stopped_by_pid(tmp_path: Path) -> None:
    redis, url = start_redis(tmp_path)
    try:
        assert url.startswith("redis://127.0.0.1:")
        assert redis_keys(url) == 0
    finally:
        redis.stop()
    assert not redis.running
    assert not list(tmp_path.iterdir()), "the Redis wrote to disk"


def test_every_scale_target_is_a_registered_target_with_its_install_commands() -> None:
    assert set(SCALE_TARGETS) <= set(TARGETS)
    assert set(SCALE_INSTALL) <= set(SCALE_TARGETS)
