"""Test settings shared by every suite: fast password hashing, no real SMS, a clean scope cache."""

import pytest


@pytest.fixture(autouse=True)
def _fast_settings(settings):
    # Argon2 is the production hasher; tests hash hundreds of passwords and only need them to match.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SMS_SENDER = "gongzhi.accounts.testing.capture_sender"
