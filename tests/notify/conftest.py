"""Notification tests use the complaint and visit factories of those domains."""
from tests.complaints.conftest import make_complaint  # noqa: F401
