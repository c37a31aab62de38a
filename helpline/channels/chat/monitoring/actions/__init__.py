"""Every write of visitor monitoring goes through these functions."""

from helpline.channels.chat.monitoring.actions.invitations import (
    answer_invitation,
    create_invitation_rule,
    delete_invitation_rule,
    invite_visitor,
    record_rule_invitation_shown,
    update_invitation_rule,
)
from helpline.channels.chat.monitoring.actions.privacy import purge_old_visits, update_tracking_settings
from helpline.channels.chat.monitoring.actions.tracking import (
    PageReport,
    TooManyPageViews,
    clean_page_report,
    disconnect_visit,
    record_page_view,
    record_time_on_page,
    touch_visit,
    tracking_refused,
)

__all__ = [
    "PageReport",
    "TooManyPageViews",
    "answer_invitation",
    "clean_page_report",
    "create_invitation_rule",
    "delete_invitation_rule",
    "disconnect_visit",
    "invite_visitor",
    "purge_old_visits",
    "record_page_view",
    "record_rule_invitation_shown",
    "record_time_on_page",
    "touch_visit",
    "tracking_refused",
    "update_invitation_rule",
    "update_tracking_settings",
]
