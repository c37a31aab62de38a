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
