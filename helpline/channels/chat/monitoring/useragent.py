"""Device, browser and operating system from a User-Agent header: a few ordered patterns, no dependency. Good
enough for an agent's glance at the visitors list, not for statistics."""

from __future__ import annotations

import re
from typing import NamedTuple

MAX_USER_AGENT = 300

# Order matters: Edge and Opera say "Chrome", Chrome says "Safari".
_BROWSERS = [
    ("Edge", re.compile(r"Edg(?:e|A|iOS)?/(\d+)")),
    ("Opera", re.compile(r"(?:OPR|Opera)/(\d+)")),
    ("Samsung Internet", re.compile(r"SamsungBrowser/(\d+)")),
    ("Firefox", re.compile(r"(?:Firefox|FxiOS)/(\d+)")),
    ("Chrome", re.compile(r"(?:CriOS|Chrome)/(\d+)")),
    ("Safari", re.compile(r"Version/(\d+)[.\d]* (?:Mobile/\S+ )?Safari/")),
]
_OS = [
    ("iOS", re.compile(r"iPhone|iPad|iPod")),
    ("Android", re.compile(r"Android")),
    ("ChromeOS", re.compile(r"CrOS")),
    ("Windows", re.compile(r"Windows")),
    ("macOS", re.compile(r"Mac OS X|Macintosh")),
    ("Linux", re.compile(r"Linux")),
]
_BOT = re.compile(r"bot|crawl|spider|slurp|headless", re.IGNORECASE)
_TABLET = re.compile(r"iPad|Tablet|Kindle|Silk")
_MOBILE = re.compile(r"Mobi|iPhone|iPod|Android.*Mobile|Windows Phone")


class Client(NamedTuple):
    device: str  # desktop, mobile, tablet, bot ("" when unknown)
    browser: str  # "Firefox 128", "Chrome 126", "Other"
    os: str


def parse_user_agent(value: str) -> Client:
    value = (value or "")[:MAX_USER_AGENT]
    if not value.strip():
        return Client("", "", "")
    if _BOT.search(value):
        device = "bot"
    elif _TABLET.search(value) or ("Android" in value and "Mobile" not in value):
        device = "tablet"
    elif _MOBILE.search(value):
        device = "mobile"
    else:
        device = "desktop"
    browser = "Other"
    for name, pattern in _BROWSERS:
        match = pattern.search(value)
        if match:
            browser = f"{name} {match.group(1)}"
            break
    os = next((name for name, pattern in _OS if pattern.search(value)), "")
    return Client(device, browser, os)
