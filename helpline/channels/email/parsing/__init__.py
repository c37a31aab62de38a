"""Pure email parsing: raw bytes → ParsedEmail, and quote folding for display. No Django models, no database."""

from helpline.channels.email.parsing.html_quotes import fold_quoted_html
from helpline.channels.email.parsing.message import parse_email
from helpline.channels.email.parsing.model import ParsedAttachment, ParsedEmail
from helpline.channels.email.parsing.quotes import FoldedText, fold_quoted

__all__ = ["FoldedText", "ParsedAttachment", "ParsedEmail", "fold_quoted", "fold_quoted_html", "parse_email"]
