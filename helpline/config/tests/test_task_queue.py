"""The embedded task queue wakes a waiting worker when this process enqueues, instead of letting
it sleep out Huey's polling backoff."""

from __future__ import annotations

import threading

from helpline.config.task_queue import DoorbellSqliteStorage


def _storage(tmp_path, poll_interval):
    return DoorbellSqliteStorage(name="t", filename=str(tmp_path / "tasks.sqlite3"), poll_interval=poll_interval)


def test_an_enqueue_wakes_a_dequeue_that_waits(tmp_path):
    storage = _storage(tmp_path, poll_interval=60)
    received = []
    waiting = threading.Thread(target=lambda: received.append(storage.dequeue()))
    waiting.start()
    storage.enqueue(b"send-reply")
    waiting.join(timeout=10)  # far below the 60 s poll interval: only the bell can end the wait
    assert not waiting.is_alive()
    assert received == [b"send-reply"]
    assert storage.queue_size() == 0


def test_an_empty_queue_returns_nothing_after_the_poll_interval(tmp_path):
    storage = _storage(tmp_path, poll_interval=0.05)
    assert storage.dequeue() is None
    assert storage.blocking is True


def test_an_enqueue_by_another_process_is_found_by_the_next_poll(tmp_path):
    storage = _storage(tmp_path, poll_interval=0.05)
    other_process = _storage(tmp_path, poll_interval=0.05)  # its own bell: this one never rings
    other_process.enqueue(b"fetch-mailbox")
    assert storage.dequeue() == b"fetch-mailbox"
    assert storage.dequeue() is None


def test_tasks_come_out_by_priority_then_order(tmp_path):
    storage = _storage(tmp_path, poll_interval=0.05)
    storage.enqueue(b"first")
    storage.enqueue(b"urgent", priority=10)
    storage.enqueue(b"second")
    assert [storage.dequeue() for _ in range(4)] == [b"urgent", b"first", b"second", None]
