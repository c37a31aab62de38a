"""Group commit for visitor lines: the lines that arrive while one group is being stored are stored together next.

Every socket of the process hands its visitor's line to the one writer of its event loop and waits for its own
result. While the database thread stores a group (``actions.post_visitor_messages``: one transaction, shared
lookups), the lines that arrive meanwhile queue up; when it is done they go as the next group. One line alone
waits for nothing; under load a group holds what arrived during the previous commit, so the cost of a line falls
as the rate grows instead of the queue growing. A group that fails as a whole (not a refusal of one of its lines,
which is that line's answer) is stored again line by line, so one bad line never fails its neighbours.
"""

from __future__ import annotations

import asyncio
import logging
import weakref

from channels.db import database_sync_to_async

from helpline.channels.chat.actions.messages import VisitorLine, post_visitor_messages
from helpline.channels.chat.models import ChatLine
from helpline.core.errors import DomainError

log = logging.getLogger(__name__)
MAX_GROUP = 100


class LineWriter:
    def __init__(self):
        self.waiting: list[tuple[VisitorLine, asyncio.Future]] = []
        self.running = False

    async def post(self, line: VisitorLine) -> ChatLine:
        """Store one line (with whatever else is waiting); returns it stored, or raises why it was refused."""
        future = asyncio.get_running_loop().create_future()
        self.waiting.append((line, future))
        if not self.running:
            self.running = True
            asyncio.ensure_future(self._drain())
        return await future

    async def _drain(self) -> None:
        try:
            while self.waiting:
                group, self.waiting = self.waiting[:MAX_GROUP], self.waiting[MAX_GROUP:]
                await self._store([line for line, _future in group], [future for _line, future in group])
        finally:
            self.running = False

    async def _store(self, lines: list[VisitorLine], futures: list[asyncio.Future]) -> None:
        try:
            results = await database_sync_to_async(post_visitor_messages)(lines)
        except Exception as exc:
            if len(lines) > 1:  # one line may be the cause: each alone
                log.warning("a group of %s chat lines failed (%r); storing them one by one", len(lines), exc)
                for line, future in zip(lines, futures, strict=True):
                    await self._store([line], [future])
                return
            results = [exc]
        for future, result in zip(futures, results, strict=True):
            if future.done():  # the socket went away meanwhile
                continue
            if isinstance(result, (DomainError, Exception)):
                future.set_exception(result)
            else:
                future.set_result(result)


_writers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, LineWriter] = weakref.WeakKeyDictionary()


def writer() -> LineWriter:
    """The writer of the running event loop (one per server process)."""
    loop = asyncio.get_running_loop()
    found = _writers.get(loop)
    if found is None:
        found = _writers[loop] = LineWriter()
    return found
