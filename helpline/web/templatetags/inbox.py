"""Tags of the inbox page, in Python because they render many elements per request.

{% ticket_rows tickets %}: the list's rows (helpline.web.ticket_rows).
{% select_options choices selected %}: <option> elements for (value, label) pairs, the selected one marked.
"""

from __future__ import annotations

from html import escape

from django import template
from django.utils.safestring import SafeString

from helpline.web.ticket_rows import render_ticket_rows

register = template.Library()


@register.simple_tag
def ticket_rows(tickets, selectable=False):
    return render_ticket_rows(tickets, selectable=selectable)


@register.simple_tag
def select_options(choices, selected):
    """Like {% for value, label in choices %}<option value="…" {% if selected == value %}selected{% endif %}>…"""
    selected = str(selected)
    return SafeString(
        "".join(
            [
                f'<option value="{escape(str(value))}" {"selected" if str(value) == selected else ""}>'
                f"{escape(str(label))}</option>"
                for value, label in choices
            ]
        )
    )
