"""CSV of contacts: read an upload into checked rows, write the contacts of a filter as a stream.

Columns (headers are matched case-insensitively, in any order, unknown ones are ignored):
``name``, ``email``, ``phone``, ``company``, ``groups`` (names separated by ``;``).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from helpline.core.errors import DomainError

COLUMNS = ("name", "email", "phone", "company", "groups")
EXPORT_COLUMNS = ("id", "name", "email", "phone", "company", "groups", "created_at")
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 50_000
PREVIEW_ROWS = 20


@dataclass
class Row:
    number: int  # the line's row number in the file, the header being row 1
    name: str = ""
    email: str = ""
    phone: str = ""
    company: str = ""
    groups: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise DomainError(_("The file is larger than %(n)d MB.") % {"n": MAX_BYTES // 1024 // 1024})
    if b"\x00" in data:
        raise DomainError(_("This is not a CSV file (it holds binary data)."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _reader(text: str):
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return csv.reader(io.StringIO(text), dialect)


def header_columns(text: str) -> dict[str, int]:
    """{column: position} of the known columns in the header; a DomainError when the file cannot be imported."""
    try:
        header = next(_reader(text), None)
    except csv.Error as exc:
        raise DomainError(_("The file could not be read as CSV: %(error)s") % {"error": exc}) from exc
    if not header:
        raise DomainError(_("The file is empty."))
    positions = {}
    for index, title in enumerate(header):
        key = title.strip().lower()
        if key in COLUMNS and key not in positions:
            positions[key] = index
    if "name" not in positions and "email" not in positions:
        raise DomainError(_("The first row must name the columns, with at least 'name' or 'email'."))
    return positions


def read_rows(text: str, *, limit: int | None = None) -> Iterator[Row]:
    """The data rows, each checked on its own (format only; the import checks against the database)."""
    positions = header_columns(text)
    reader = _reader(text)
    next(reader)
    for number, cells in enumerate(reader, start=2):
        if limit is not None and number - 1 > limit:
            return
        if number - 1 > MAX_ROWS:
            raise DomainError(_("The file has more than %(n)d rows; split it.") % {"n": MAX_ROWS})
        if not any(cell.strip() for cell in cells):
            continue
        yield _row(number, cells, positions)


def _row(number: int, cells: list[str], positions: dict[str, int]) -> Row:
    def cell(key):
        index = positions.get(key)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    row = Row(
        number=number,
        name=cell("name"),
        email=cell("email").lower(),
        phone=cell("phone"),
        company=cell("company"),
        groups=[g.strip() for g in cell("groups").split(";") if g.strip()],
    )
    if not row.name and not row.email:
        row.errors.append(_("Give a name or an email address."))
    if row.email:
        try:
            validate_email(row.email)
        except ValidationError:
            row.errors.append(_("%(email)s is not a valid email address.") % {"email": row.email})
    for value, limit, label in (
        (row.name, 200, _("name")),
        (row.company, 200, _("company")),
        (row.phone, 64, _("phone")),
    ):
        if len(value) > limit:
            row.errors.append(_("The %(column)s is longer than %(n)d characters.") % {"column": label, "n": limit})
    return row


_NUMBER_LIKE = re.compile(r"[+\-]?[\d\s().+\-]*")  # a phone number: a spreadsheet can compute it, not run it


def _safe(value) -> str:
    """A cell a spreadsheet will not run as a formula."""
    value = "" if value is None else str(value)
    if value[:1] in ("=", "+", "-", "@", "\t", "\r") and not _NUMBER_LIKE.fullmatch(value):
        return "'" + value
    return value


class _Echo:
    def write(self, value):
        return value


def write_rows(rows: Iterable[Iterable]) -> Iterator[str]:
    """CSV lines for a streaming response: the header, then one line per row."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(EXPORT_COLUMNS)  # the BOM makes spreadsheets read UTF-8
    for row in rows:
        yield writer.writerow([_safe(value) for value in row])
