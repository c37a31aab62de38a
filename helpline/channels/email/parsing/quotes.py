"""Fold the quoted history and signature at the end of a plain-text reply, never deleting a line.

``fold_quoted(text)`` splits the text once: ``visible`` is everything before the first line from which the
rest is "foldable", ``quoted`` is that rest, so ``visible`` + ``quoted`` hold every line. Foldable are
">" quotes, reply headers ("On … wrote:" in several languages, wrapped over up to 4 lines), Outlook
"From: … Sent: …" blocks and "-----Original Message-----" separators, signatures ("-- ", a line of dashes or
underscores, "-Name", "Sent from my iPhone"). Quoted lines followed by new text (inline replies) stay visible,
as does everything when nothing would remain visible. Each line is matched on its own with anchored
patterns, so the work is linear in the text length (no backtracking across lines).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_VERBS = (
    r"wrote|writes|schrieb|schreibt|a [ée]crit|escribi[óo]|ha scritto|scrisse|schreef|escreveu|pisze|napisa[łl]"
    r"|skrev|skriver|kirjoitti|napsal|napsala|nap[íi]sal|[íi]rta|написал|написала|написав|έγραψε|yazd[ıi]"
    r"|menulis|a scris|va escriure|kirjutas"
)
VERB = re.compile(rf"(?:\b(?:{_VERBS})\b|写道|寫道|のメッセージ|님이 작성)", re.IGNORECASE)
HEADER_START = {"On", "Am", "Le", "El", "Il", "Op", "Em", "W", "Den", "Dne", "Dňa", "Pada", "Vào", "В", "На", "Στις"}
HEADER_START |= {"Às", "Da", "På", "在", "於", "Le,"}
_EMAIL = re.compile(r"\S@\S")
_TIME = re.compile(r"\d{1,2}[:.]\d{2}")
_FROM = (
    r"From|Von|De|Da|Van|Från|Fra|Od|От|Lähettäjä|Feladó|Kimden|Από|发件人|寄件者|差出人"
    r"|Remitente|Mittente|Afzender"
)
_SENT = (
    r"Sent|Date|Gesendet|Datum|Envoyé|Enviado|Inviato|Verzonden|Skickat|Sendt|Wysłano|Отправлено|Lähetetty"
    r"|Elküldve|Gönderildi|Ημερομηνία|发送时间|日期|寄件日期|送信日時|Fecha|Data"
)
OUTLOOK_FROM = re.compile(rf"^\s*\*?(?:{_FROM})\s*:\s*\*?\s*\S", re.IGNORECASE)
OUTLOOK_SENT = re.compile(rf"^\s*\*?(?:{_SENT})\s*:\s*\*?\s*\S", re.IGNORECASE)
_ORIGINAL = (
    r"Original Message|Ursprüngliche Nachricht|Message d'origine|Mensaje original|Messaggio originale"
    r"|Oorspronkelijk bericht|Originalmeddelande|Oprindelig meddelelse|Opprinnelig melding|Wiadomość oryginalna"
    r"|Původní zpráva|Исходное сообщение|Alkuperäinen viesti|Eredeti üzenet|原始邮件|原始郵件|Mensagem original"
)
ORIGINAL = re.compile(rf"^\s*-{{2,}}\s*(?:{_ORIGINAL})\s*-{{2,}}\s*$", re.IGNORECASE)
FORWARD = re.compile(
    r"^\s*(?:-{2,}\s*(?:Forwarded message|Weitergeleitete Nachricht|Message transféré|Mensaje reenviado"
    r"|Messaggio inoltrato|Doorgestuurd bericht|Mensagem encaminhada)\s*-{2,}|Begin forwarded message:)\s*$",
    re.IGNORECASE,
)
SENT_FROM = re.compile(
    r"^\s*(?:Sent from my \w+(?:[ \t]+\w+){0,2}|Sent from (?:Yahoo Mail|Mail|Outlook)(?: for| on)? ?\w*(?: \w+)?"
    r"|Get Outlook for \w+|Von meinem \w+(?: \w+)? gesendet|Envoyé de mon \w+(?: \w+)?|Enviado desde mi \w+(?: \w+)?"
    r"|Enviado do meu \w+(?: \w+)?|Inviato da(?:l mio)? \w+(?: \w+)?|Verzonden (?:met|vanaf) (?:mijn )?\w+(?: \w+)?"
    r"|Skickat från min \w+|Sendt fra min \w+|Wysłane z (?:mojego )?\w+)[.!]?\s*$"
)
DASH_NAME = re.compile(r"^-\w[^\s]*(?: \S+){0,3}\s*$")  # "-Abhishek Kona", "-Martin"
RULE = re.compile(r"^\s*(?:-{3,}|_{3,})\s*$")
SIG_DASHES = re.compile(r"^--\s*$")
SIG_DASH_NAME = re.compile(r"^--\s?\w")
MAX_HEADER_LINES = 4
MAX_HEADER_CHARS = 500
MAX_MARKER_CHARS = 1000
WEAK_LIMIT = 6  # a weak marker ("-Name", a rule, "Sent from my …") folds at most this many lines below it

BLANK, CONTENT, QUOTE, STRONG, WEAK = range(5)


@dataclass(frozen=True)
class FoldedText:
    visible: str
    quoted: str


def _is_quoted(line: str) -> bool:
    return line.startswith(">")


def _header_end(lines: list[str], start: int) -> int:
    """Index of the last line of a reply header beginning at ``start``, or -1 when there is none."""
    first = lines[start].strip()
    if not first or len(first) > MAX_HEADER_CHARS:
        return -1
    word = first.split(None, 1)[0]
    if word not in HEADER_START and not first[0].isdigit() and not VERB.search(first):
        return -1
    joined = ""
    for end in range(start, min(start + MAX_HEADER_LINES, len(lines))):
        line = lines[end].strip()
        if not line or _is_quoted(line) or len(joined) + len(line) > MAX_HEADER_CHARS:
            return -1
        joined = f"{joined} {line}"
        if line.endswith((":", "：")):
            is_header = VERB.search(joined) or (_EMAIL.search(joined) and _TIME.search(joined))
            return end if is_header else -1
    return -1


def is_quote_header(text: str) -> bool:
    """Whether ``text`` (one header, possibly wrapped) reads as "On <date>, <name> wrote:"."""
    lines = [line for line in text.strip().split("\n") if line.strip()]
    return bool(lines) and _header_end(lines, 0) == len(lines) - 1


def _outlook_block(lines: list[str], start: int) -> bool:
    if not OUTLOOK_FROM.match(lines[start]):
        return False
    following = [line for line in lines[start + 1 : start + 6] if line.strip()][:4]
    return any(OUTLOOK_SENT.match(line) for line in following)


def _weak_marker(line: str, previous_blank: bool) -> bool:
    weak = RULE.match(line) or SENT_FROM.match(line) or SIG_DASH_NAME.match(line)
    return bool(weak or (previous_blank and DASH_NAME.match(line)))


def _classify(lines: list[str]) -> list[int]:
    kinds = [CONTENT] * len(lines)
    index = 0
    while index < len(lines):
        line = lines[index]
        previous_blank = index == 0 or not lines[index - 1].strip()
        if not line.strip():
            kinds[index] = BLANK
        elif _is_quoted(line):
            kinds[index] = QUOTE
        elif len(line) > MAX_MARKER_CHARS:
            kinds[index] = CONTENT
        elif SIG_DASHES.match(line) or ORIGINAL.match(line) or _outlook_block(lines, index):
            kinds[index] = STRONG
        elif _weak_marker(line, previous_blank):
            kinds[index] = WEAK
        else:
            end = _header_end(lines, index)
            if end >= 0:
                kinds[index : end + 1] = [QUOTE] * (end + 1 - index)
                index = end
        index += 1
    return kinds


def _split_index(lines: list[str], kinds: list[int]) -> int:
    foldable = [False] * (len(lines) + 1)
    foldable[len(lines)] = True
    pending = 0  # lines below that are not foldable by themselves (signature text, say)
    for index in range(len(lines) - 1, -1, -1):
        kind = kinds[index]
        if kind == BLANK:
            foldable[index] = foldable[index + 1]
            continue
        if kind == STRONG:
            foldable[index] = True
        elif kind == WEAK:
            foldable[index] = pending <= WEAK_LIMIT
        elif kind == QUOTE:
            foldable[index] = foldable[index + 1]
        pending = 0 if foldable[index] else pending + 1
    for index, kind in enumerate(kinds):
        if kind != BLANK and foldable[index]:
            return index
    return len(lines)


def fold_quoted(text: str) -> FoldedText:
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    split = _split_index(lines, _classify(lines))
    new_text = [line for line in lines[:split] if line.strip() and not FORWARD.match(line)]
    if split >= len(lines) or not new_text:
        return FoldedText(visible=text, quoted="")
    return FoldedText(visible="\n".join(lines[:split]).rstrip(), quoted="\n".join(lines[split:]))
