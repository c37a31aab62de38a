"""One ASGI app: Django for HTTP, Channels for websockets under /ws/."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpline.config.settings")

from channels.routing import ProtocolTypeRouter  # noqa: E402
from django.core.asgi import get_asgi_application  # noqa: E402

django_asgi = get_asgi_application()

from helpline.realtime.origin import SameOriginValidator  # noqa: E402
from helpline.realtime.routing import websocket_application  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi,
        "websocket": SameOriginValidator(websocket_application()),  # visitors skip the auth middleware
    }
)
