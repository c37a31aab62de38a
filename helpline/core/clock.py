"""One place to ask for the time, so tests can control it."""

from django.utils import timezone


def now():
    return timezone.now()
