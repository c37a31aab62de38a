from channels.auth import AuthMiddlewareStack
from channels.routing import URLRouter
from django.urls import path

from helpline.channels.chat.consumers import AgentChatConsumer, VisitorConsumer
from helpline.channels.chat.monitoring.consumers import VisitorsListConsumer
from helpline.realtime.consumers import AgentConsumer

websocket_urlpatterns = [
    path("ws/agent/", AgentConsumer.as_asgi()),
    path("ws/agent/chats/", AgentChatConsumer.as_asgi()),
    path("ws/agent/visitors/", VisitorsListConsumer.as_asgi()),
    path("ws/visitor/<str:key>/", VisitorConsumer.as_asgi()),
]

VISITOR_PREFIX = "/ws/visitor/"


def websocket_application():
    """The agents' sockets behind the session and auth middleware; the widget's (a visitor has neither session nor
    login) straight to their router: each idle visitor socket holds no session wrapper, lazy user, cookie dict or
    copied scopes of those middleware layers for its whole life (docs/benchmarks.md, live chat)."""
    agents = AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
    visitors = URLRouter([p for p in websocket_urlpatterns if str(p.pattern).startswith(VISITOR_PREFIX[1:])])

    async def route(scope, receive, send):
        app = visitors if scope.get("path", "").startswith(VISITOR_PREFIX) else agents
        return await app(scope, receive, send)

    return route
