"""Zammad's expected parses (mailNNN.yml, Ruby-flavoured YAML) and how ours compares to them."""

from __future__ import annotations

import base64
import os
import re
from pathlib import Path

import yaml

from helpline.channels.email.parsing import ParsedEmail, parse_email
from helpline.channels.email.parsing.bodies import html_text
from helpline.conversations.html import html_to_text

CORPORA = Path(os.environ.get("HELPLINE_CORPORA_DIR") or Path(__file__).resolve().parents[6] / "shared" / "corpora")
MAIL = CORPORA / "mail"
CORPUS = MAIL / "zammad"
ZAMMAD_ONLY_ATTACHMENTS = {"message.html"}  # Zammad's copy of the HTML body, not a real attachment
NO_CONTENT = "no visible content"
HTML_TAG = re.compile(r"<(?:div|p|br|a|span)\b", re.IGNORECASE)


class RubyYamlLoader(yaml.SafeLoader):
    """Reads Ruby's YAML dumps: ``!ruby/…`` tags as plain mappings/sequences, ``!binary`` as base64 bytes."""


def _ruby(loader: RubyYamlLoader, _suffix: str, node: yaml.Node):
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node, deep=True)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    return loader.construct_scalar(node)


RubyYamlLoader.add_multi_constructor("!ruby/", _ruby)
RubyYamlLoader.add_constructor("!binary", lambda loader, node: base64.b64decode(loader.construct_scalar(node)))


def load_expected(path: Path) -> dict:
    with path.open("rb") as handle:
        return yaml.load(handle, Loader=RubyYamlLoader)  # noqa: S506 - SafeLoader subclass


def pairs() -> list[tuple[str, Path, Path]]:
    return [(box.stem, box, box.with_suffix(".yml")) for box in sorted(CORPUS.glob("*.box"))]


def words(text: str) -> str:
    return " ".join(text.split())


def _bytes(data) -> bytes:
    return data if isinstance(data, bytes) else str(data).encode("utf-8")


def _lines(data: bytes) -> bytes:
    return b"\n".join(line.rstrip() for line in data.replace(b"\r\n", b"\n").strip().split(b"\n"))


def compare(parsed: ParsedEmail, expected: dict) -> dict[str, tuple[object, object]]:
    """Per key: (ours, expected) in a comparable form. Equal values mean the key passes."""
    out: dict[str, tuple[object, object]] = {}
    if "from_email" in expected:
        out["from_email"] = (parsed.from_address, str(expected["from_email"]).lower())
    if "from_display_name" in expected:
        out["from_display_name"] = (parsed.from_name, str(expected["from_display_name"]))
    if "subject" in expected:
        out["subject"] = (parsed.subject, words(str(expected["subject"])))
    html_visible = words(html_text(parsed.html))
    if "content_type" in expected:
        out["content_type"] = ("text/html" if html_visible else "text/plain", expected["content_type"])
    wanted = [a for a in expected.get("attachments") or [] if a.get("filename") not in ZAMMAD_ONLY_ATTACHMENTS]
    if "attachments" in expected:
        out["attachment_names"] = ([a.name for a in parsed.attachments], [a["filename"] for a in wanted])
        ours = {a.name: _lines(a.content) for a in parsed.attachments}
        out["attachment_data"] = (
            [ours.get(a["filename"]) for a in wanted if a.get("data") is not None],
            [_lines(_bytes(a["data"])) for a in wanted if a.get("data") is not None],
        )
    if "body" in expected:
        body, kind = str(expected["body"]), expected.get("content_type")
        is_html = kind == "text/html" or (kind is None and HTML_TAG.search(body))
        visible = words(html_to_text(body) if is_html else body)
        mine = html_visible if is_html else words(parsed.text)
        if visible == NO_CONTENT:
            out["body"] = (mine, "")
        else:  # containment, blind to where whitespace falls (tag boundaries differ between converters)
            contained = visible.replace(" ", "") in mine.replace(" ", "")
            out["body"] = (visible if contained else mine, visible)
    return out


def compare_file(box: Path, yml: Path) -> dict[str, tuple[object, object]]:
    return compare(parse_email(box.read_bytes()), load_expected(yml))
