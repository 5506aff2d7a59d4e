"""SQLite with a writers' queue (写入排队): Django's SQLite backend, where a transaction
first takes an advisory lock on a file beside the database.

With `transaction_mode: IMMEDIATE` every transaction takes SQLite's write lock at BEGIN,
and a process that finds it taken waits in SQLite's busy handler, which sleeps 1, 2, 5,
10… ms between attempts: under concurrent writes most of the time goes to sleeping after
the lock is free again. Here the waiting is done on the lock file instead, re-tried
after 50 µs and never more than 2 ms apart, so the next writer starts almost as soon as
the previous one commits. The lock is released when the transaction commits or rolls back
(and by the kernel if the process dies). After the connection's `timeout` seconds the
wait gives up with SQLite's own error, "database is locked". In-memory databases have no
file and no queue.
"""

from __future__ import annotations

import errno
import fcntl
import os
import time

from django.db import OperationalError
from django.db.backends.sqlite3 import base

FIRST_WAIT = 0.00005
LONGEST_WAIT = 0.002


class DatabaseWrapper(base.DatabaseWrapper):
    _queue_fd: int | None = None
    _queue_held = False

    def _queue_path(self) -> str | None:
        name = str(self.settings_dict["NAME"])
        if self.is_in_memory_db() or not name:
            return None
        return f"{name}-writers.lock"

    def _queue_enter(self) -> None:
        if self._queue_fd is None:
            path = self._queue_path()
            if path is None:
                return
            self._queue_fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        deadline = time.monotonic() + float(self.settings_dict["OPTIONS"].get("timeout", 5))
        wait = FIRST_WAIT
        while True:
            try:
                fcntl.flock(self._queue_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                self._queue_held = True
                return
            except OSError as e:
                if e.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
            if time.monotonic() > deadline:
                raise OperationalError("database is locked")
            time.sleep(wait)
            wait = min(wait * 2, LONGEST_WAIT)

    def _queue_leave(self) -> None:
        if self._queue_held and self._queue_fd is not None:
            fcntl.flock(self._queue_fd, fcntl.LOCK_UN)
        self._queue_held = False

    def _start_transaction_under_autocommit(self):
        self._queue_enter()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._queue_leave()
            raise

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._queue_leave()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._queue_leave()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._queue_leave()
            if self._queue_fd is not None:
                os.close(self._queue_fd)
                self._queue_fd = None
