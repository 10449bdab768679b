"""Test settings shared by every suite: fast password hashing, no real SMS, a clean scope cache."""

import pytest


@pytest.fixture(autouse=True)
def _fast_settings(settings, tmp_path):
    # Argon2 is the production hasher; tests hash hundreds of passwords and only need them to match.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SMS_SENDER = "gongzhi.testing.sms.capture_sender"
    # Uploaded photos of a test land in its own temporary folder, never in var/media.
    settings.MEDIA_ROOT = str(tmp_path / "media")
