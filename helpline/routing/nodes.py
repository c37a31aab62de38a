"""Which web process holds a socket, and whether that process is still alive.

Every ``helpline serve`` process is a node with an id of its own (``HELPLINE_NODE_ID``, else host, pid and a random
part). It writes a heartbeat (routing.WebNode) when it starts and every ``HEARTBEAT_SECONDS`` after; what it
counts of its sockets (agent connections, visitors present in a chat) carries its id. A node whose heartbeat is
older than ``DEAD_AFTER`` died without closing its sockets (killed, its machine lost): the sweep
(routing.tasks.sweep_dead_nodes, chat.tasks) clears what it counted, as if each socket had closed.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
from datetime import timedelta

log = logging.getLogger(__name__)
HEARTBEAT_SECONDS = 20
DEAD_AFTER = timedelta(seconds=90)

_node_id = (os.environ.get("HELPLINE_NODE_ID") or f"{socket.gethostname()[:40]}-{os.getpid()}-{secrets.token_hex(3)}")[
    :64
]
_started = threading.Event()


def current_node() -> str:
    """This process's node id."""
    return _node_id


def start_heartbeat() -> None:
    """Beat once now (before the first socket is accepted), then every HEARTBEAT_SECONDS in a daemon thread."""
    from helpline.routing.actions.nodes import beat

    if _started.is_set():
        return
    _started.set()
    beat(node=_node_id)

    def run():
        from django.db import connection

        while True:
            threading.Event().wait(HEARTBEAT_SECONDS)
            try:
                beat(node=_node_id)
            except Exception:  # the database is away for a moment: the next beat tries again
                log.exception("node heartbeat failed")
            finally:
                connection.close()

    threading.Thread(target=run, name="helpline-node-heartbeat", daemon=True).start()
