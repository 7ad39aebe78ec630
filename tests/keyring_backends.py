"""Keyring backends for tests, chosen with PYTHON_KEYRING_BACKEND=keyring_backends.<Name>."""

from __future__ import annotations

import time

from keyring.backend import KeyringBackend
from keyring.errors import KeyringError, PasswordDeleteError

STORE: dict[tuple[str, str], str] = {}


class MemoryKeyring(KeyringBackend):
    """A working keyring that lives in the test process."""

    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        return STORE.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        STORE[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if STORE.pop((service, username), None) is None:
            raise PasswordDeleteError("not found")


class FailingKeyring(KeyringBackend):
    """A backend whose every call fails, like a locked or broken Secret Service."""

    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringError("the keyring is locked")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringError("the keyring is locked")

    def delete_password(self, service: str, username: str) -> None:
        raise KeyringError("the keyring is locked")


class HangingKeyring(KeyringBackend):
    """A backend that never answers, like D-Bus waiting for an absent session."""

    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        time.sleep(60)
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        time.sleep(60)

    def delete_password(self, service: str, username: str) -> None:
        time.sleep(60)


class PlaintextKeyring(KeyringBackend):
    """Named like keyrings.alt's plaintext file backend, which avictl must refuse."""

    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        return "plaintext-secret"

    def set_password(self, service: str, username: str, password: str) -> None:
        pass

    def delete_password(self, service: str, username: str) -> None:
        pass
