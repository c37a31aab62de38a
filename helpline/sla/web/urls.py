"""SLA pages, included by helpline.web.urls (names in the ``web`` namespace)."""

from django.urls import path

from helpline.sla.web import settings, ticket

settings_urls = [
    path("sla-levels/", settings.levels, name="settings-sla-levels"),
    path("sla-levels/new/", settings.create_level, name="settings-sla-levels-create"),
    path("sla-levels/<str:public_id>/", settings.edit_level, name="settings-sla-level"),
    path("sla-levels/<str:public_id>/delete/", settings.delete_level, name="settings-sla-level-delete"),
    path("sla-rules/", settings.rules, name="settings-sla-rules"),
    path("sla-rules/new/", settings.create_rule, name="settings-sla-rules-create"),
    path("sla-rules/<str:public_id>/", settings.edit_rule, name="settings-sla-rule"),
    path("sla-rules/<str:public_id>/move/", settings.move_rule, name="settings-sla-rule-move"),
    path("sla-rules/<str:public_id>/delete/", settings.delete_rule, name="settings-sla-rule-delete"),
]

ticket_urls = [
    path("sla/", ticket.ticket_card, name="ticket-sla"),
]
