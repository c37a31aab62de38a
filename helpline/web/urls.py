"""The agent workspace: sign-in, inbox, tickets, files and settings."""

from django.urls import include, path
from django.views.generic import RedirectView

from helpline.web.views import auth, files, inbox, ticket_updates, tickets
from helpline.web.views.settings import account, agents, api_keys, brands, departments, plan, roles, sections

app_name = "web"

ticket_urls = [
    path("", tickets.ticket_page, name="ticket"),
    path("thread/", tickets.thread_partial, name="ticket-thread"),
    path("panel/", tickets.panel_partial, name="ticket-panel"),
    path("reply/", tickets.post_reply, name="ticket-reply"),
    path("note/", tickets.post_note, name="ticket-note"),
    path("assign/", ticket_updates.assign, name="ticket-assign"),
    path("transfer/", ticket_updates.transfer, name="ticket-transfer"),
    path("status/", ticket_updates.set_status, name="ticket-status"),
    path("priority/", ticket_updates.set_priority, name="ticket-priority"),
    path("tags/", ticket_updates.update_tags, name="ticket-tags"),
]

settings_urls = [
    path("", sections.settings_home, name="settings"),
    path("account/", account.account_settings, name="settings-account"),
    path("agents/", agents.agents, name="settings-agents"),
    path("agents/invite/", agents.invite, name="settings-agents-invite"),
    path("agents/<str:public_id>/role/", agents.set_role, name="settings-agents-role"),
    path("agents/<str:public_id>/deactivate/", agents.deactivate, name="settings-agents-deactivate"),
    path("departments/", departments.departments, name="settings-departments"),
    path("departments/new/", departments.create, name="settings-departments-create"),
    path("departments/<str:public_id>/", departments.rename, name="settings-departments-rename"),
    path("departments/<str:public_id>/members/", departments.set_members, name="settings-departments-members"),
    path("roles/", roles.roles, name="settings-roles"),
    path("roles/new/", roles.create, name="settings-roles-create"),
    path("brands/", brands.brands, name="settings-brands"),
    path("brands/new/", brands.create, name="settings-brands-create"),
    path("brands/<str:public_id>/", brands.update, name="settings-brands-update"),
    path("api-keys/", api_keys.api_keys, name="settings-api-keys"),
    path("api-keys/new/", api_keys.create, name="settings-api-keys-create"),
    path("api-keys/<str:public_id>/revoke/", api_keys.revoke, name="settings-api-keys-revoke"),
    path("plan/", plan.plan, name="settings-plan"),
]

urlpatterns = [
    path("", RedirectView.as_view(url="/agent/", permanent=False)),
    path("login/", auth.SignInView.as_view(), name="login"),
    path("logout/", auth.SignOutView.as_view(), name="logout"),
    path("invite/<str:token>/", auth.accept_invite, name="invite"),
    path("agent/", inbox.inbox, name="inbox"),
    path("agent/switch/", auth.switch_account, name="switch-account"),
    path("agent/files/<str:public_id>/", files.download_attachment, name="file"),
    path("agent/tickets/<str:public_id>/", include(ticket_urls)),
    path("agent/settings/", include(settings_urls)),
]
