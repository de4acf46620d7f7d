"""Helpers around real services: Redis, daphne processes, Chromium, the websocket hub."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def missing_service(reason: str) -> None:
    """Skip with the reason printed, but fail under CI where every service must be present."""
    if in_ci():
        pytest.fail(f"{reason} (required under CI)")
    pytest.skip(reason)


def requires_postgres(reason: str) -> None:
    """Skip, with the reason printed, on the embedded SQLite database.

    CI runs the suite a second time on PostgreSQL (``.ci/run``), where these tests run; so unlike
    ``missing_service`` this skips under CI too, but only when no ``DATABASE_URL`` is set.
    """
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    if in_ci() and os.environ.get("DATABASE_URL"):
        pytest.fail(f"{reason} (DATABASE_URL is set but the database is not PostgreSQL)")
    pytest.skip(f"{reason}; runs in CI's PostgreSQL pass")


def redis_url() -> str:
    return (
        os.environ.get("REDIS_URL")
        or os.environ.get("TEST_REDIS_URL")
        or ("redis://127.0.0.1:6379/0")
    )


def redis_available(url: str) -> bool:
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5)
        client.ping()
        client.close()
    except Exception:
        return False
    return True


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def grant_admin_access(user: Any) -> None:
    from django.contrib.auth.models import Group, Permission

    group, _ = Group.objects.get_or_create(name="Communications")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    user.groups.add(group)


def totp_code(secret: str = TEST_TOTP_SECRET) -> str:
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time() // 30)))


def ws_headers(*, user: Any = None, origin: str = "http://localhost") -> list[tuple[bytes, bytes]]:
    """Headers for a WebsocketCommunicator: an allowed Origin and, for a member, a session."""
    headers = [(b"origin", origin.encode()), (b"host", b"localhost")]
    if user is not None:
        from django.test import Client

        client = Client()
        client.force_login(user)
        cookie = client.cookies["sessionid"].value
        headers.append((b"cookie", f"sessionid={cookie}".encode()))
    return headers


class DaphneServer:
    """A daphne subprocess on a free port, on the test database, with a file outbox."""

    def __init__(self, *, mail_dir: Path, extra_env: dict[str, str] | None = None) -> None:
        from django.db import connection

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.mail_dir = mail_dir
        self.mail_dir.mkdir(parents=True, exist_ok=True)
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "LIVE_SERVER_DB_NAME": str(connection.settings_dict["NAME"]),
            "EMAIL_FILE_PATH": str(self.mail_dir),
            **(extra_env or {}),
        }
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 20) -> None:
        self.log = open(self.mail_dir.parent / f"daphne-{self.port}.log", "wb")  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "daphne",
                "-b",
                "127.0.0.1",
                "-p",
                str(self.port),
                "config.asgi:application",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"daphne exited: {self.read_log()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"daphne did not start: {self.read_log()}")

    def read_log(self) -> str:
        self.log.flush()
        return (self.mail_dir.parent / f"daphne-{self.port}.log").read_text(errors="replace")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log.close()

    def sent_mail(self) -> list[str]:
        return [p.read_text() for p in sorted(self.mail_dir.glob("*.log"))]
