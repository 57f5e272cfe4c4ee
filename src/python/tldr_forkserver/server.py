"""The fork server's parent: listen, answer status, judge each run request, fork.

One request per connection. Before every fork the parent checks that it is not stale (files and
environment, ``watch.Watch``) and that forking is safe (no thread, no database connection, no
socket besides its own) — a stale parent answers ``stale`` and exits 75 so that its supervisor
starts a fresh one; an unsafe one answers ``refused`` and exits 3. Everything else about a run
happens in a forked session (``session``).

A request that asks for it (``"prepare": true``: tldr's ``tldr test --keepdb``) leaves a prepared
session behind once its own session has ended: the same run, paused after its test databases are
set up (``session.serve_prepared``). The next request that is the same run — but for the per-run
variables it names (``lateEnv``) — is handed over to it, after the same staleness check; another
test run discards it (the two would share the kept test database). It never keeps the parent from
its idle stop, and it ends with the parent.
"""
import os
import select
import signal
import socket
import sys
import time

from . import protocol
from .requests import invalid, preparable, prepared_key, test_run
from .safety import close_connections, open_connections, same_user, stray_sockets, threads
from .session import adopt, serve_prepared, serve_session
from .wake import drain, wake_on_signals

__all__ = ["Server", "EXIT_STALE", "EXIT_REFUSED"]

EXIT_STALE = 75
EXIT_REFUSED = 3


class Server:
    def __init__(self, boot, watch, socket_path, idle_timeout, reason, announce):
        self.boot = boot
        self.watch = watch
        self.path = socket_path
        self.idle_timeout = idle_timeout
        self.reason = reason
        self.announce = announce
        self.started = time.time()
        self.sessions = {}
        self.served = 0
        self.last_activity = time.monotonic()
        self.last_check_ms = None
        self.stopping = None
        self.manage = os.path.realpath(os.path.join(boot.cwd, "manage.py"))
        # The prepared session: {"pid", "channel", "key", "argv", "at"}; and the request to prepare
        # once the session with pid ``prepare_after[0]`` has ended.
        self.prepared = None
        self.prepare_after = None
        self.to_prepare = None
        self.adopted = 0

    def bind(self):
        """Listens on the socket path (0600). A live server there already is an error; a
        leftover file is replaced."""
        if os.path.exists(self.path):
            probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                probe.connect(self.path)
                raise OSError("another fork server answers on %s" % self.path)
            except (ConnectionRefusedError, FileNotFoundError):
                os.unlink(self.path)
            finally:
                probe.close()
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        mask = os.umask(0o177)
        try:
            listener.bind(self.path)
        finally:
            os.umask(mask)
        os.chmod(self.path, 0o600)
        listener.listen(64)
        self.listener = listener
        self.inode = os.stat(self.path).st_ino

    def serve(self):
        """The accept loop; returns the exit status."""
        wake_r = wake_on_signals()
        for name in ("SIGTERM", "SIGINT", "SIGHUP"):
            signal.signal(getattr(signal, name), self._on_signal)
        while True:
            self._reap()
            if self.stopping:
                return self._stop(self.stopping)
            if self.to_prepare is not None:
                request, self.to_prepare = self.to_prepare, None
                self._prepare(request)
            timeout = None
            if not self.sessions and self.idle_timeout > 0:
                timeout = max(0.0, self.last_activity + self.idle_timeout - time.monotonic())
                if timeout == 0.0:
                    return self._stop("idle for %gs" % self.idle_timeout)
            elif self.sessions:
                timeout = 1.0
            try:
                readable, _, _ = select.select([self.listener, wake_r], [], [], timeout)
            except InterruptedError:
                continue
            if wake_r in readable:
                drain(wake_r)
            if self.listener in readable and not self.stopping:
                try:
                    conn, _ = self.listener.accept()
                except OSError:
                    continue
                status = self._handle(conn)
                if status is not None:
                    return status

    def _on_signal(self, signum, frame):
        self.stopping = "signal %s" % signal.Signals(signum).name

    def _handle(self, conn):
        """Answers one connection; returns an exit status when the parent must end."""
        received_at = time.perf_counter()
        self.last_activity = time.monotonic()
        try:
            if not same_user(conn):
                conn.close()
                return None
            conn.settimeout(protocol.REQUEST_TIMEOUT)
            request = protocol.read_request(conn)
        except (OSError, protocol.ProtocolError) as exc:
            protocol.reply(conn, {"type": "error", "reason": "bad request: %s" % exc})
            return None
        op = request.get("op")
        if op == "status":
            self._reap()  # a session that has just answered its client may have ended since the last wake
            protocol.reply(conn, self.status())
            return None
        if op == "stop":
            protocol.reply(conn, {"type": "stopping", "pid": os.getpid()})
            self.stopping = "stop request"
            return None
        if op != "run":
            protocol.reply(conn, {"type": "error", "reason": "unknown op %r (run, status, stop)" % op})
            return None
        problem = invalid(request, self.boot.cwd, self.manage)
        if problem:
            protocol.reply(conn, {"type": "refused", "reason": problem})
            return None
        started = time.perf_counter()
        stale = self.watch.check_files()
        kind = "files"
        if stale is None:
            stale, kind = self.watch.env_change(request["env"]), "env"
        self.last_check_ms = round((time.perf_counter() - started) * 1000.0, 2)
        if stale:
            protocol.reply(conn, {"type": "stale", "kind": kind, "reason": stale, "checkMs": self.last_check_ms})
            self._close_listener()
            self.announce({"event": "stale", "kind": kind, "reason": stale})
            return EXIT_STALE
        if self.boot.broken:
            protocol.reply(conn, {"type": "refused", "reason": self.boot.broken})
            return None
        if self.prepared is not None:
            if prepared_key(request) == self.prepared["key"] and self._hand_over(conn, request):
                return None
            if test_run(request):
                self._discard_prepared()
        unsafe = self._unsafe(conn)
        if unsafe:
            protocol.reply(conn, {"type": "refused", "reason": unsafe})
            self._close_listener()
            self.announce({"event": "refused", "reason": unsafe})
            return EXIT_REFUSED
        _flush_std()
        pid = os.fork()
        if pid == 0:
            signal.set_wakeup_fd(-1)
            serve_session(conn, self.listener, request, self.watch, received_at, self._channels())
        conn.close()
        self.sessions[pid] = time.monotonic()
        self.served += 1
        if preparable(request):
            self.prepare_after = (pid, request)
        elif test_run(request):
            self.prepare_after = None
        return None

    def _channels(self):
        return [self.prepared["channel"]] if self.prepared is not None else []

    def _hand_over(self, conn, request):
        """Gives the connection to the prepared session; False when it is gone."""
        prepared, self.prepared = self.prepared, None
        try:
            adopt(prepared["channel"], conn, request, request.get("lateEnv") or [])
        except OSError:
            prepared["channel"].close()
            return False
        prepared["channel"].close()
        conn.close()
        self.sessions[prepared["pid"]] = time.monotonic()
        self.served += 1
        self.adopted += 1
        if preparable(request):
            self.prepare_after = (prepared["pid"], request)
        return True

    def _prepare(self, request):
        """Forks the prepared session for ``request`` when nothing is stale or unsafe now."""
        if self.stopping or self.boot.broken or self.listener is None:
            return
        self._discard_prepared()
        if self.watch.check_files() or self.watch.env_change(request["env"]) or self._unsafe(None):
            return  # the next request finds out why, and says it
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        _flush_std()
        pid = os.fork()
        if pid == 0:
            signal.set_wakeup_fd(-1)
            ours.close()
            serve_prepared(theirs, self.listener, request, request.get("lateEnv") or [], self.watch)
        theirs.close()
        self.prepared = {"pid": pid, "channel": ours, "key": prepared_key(request), "argv": request["argv"], "at": time.time()}

    def _discard_prepared(self):
        """End of file on its channel ends the prepared session (and its child, at the pause)."""
        prepared, self.prepared = self.prepared, None
        if prepared is not None:
            prepared["channel"].close()
            self.sessions[prepared["pid"]] = time.monotonic()  # reaped (and stopped with the server) as a session

    def _unsafe(self, conn):
        """Why forking now would copy something it must not (threads, connections, sockets)."""
        busy = threads()
        if busy:
            return "threads are running in the fork server (%s)" % ", ".join(busy)
        close_connections()
        still = open_connections()
        if still:
            return "database connections stay open in the fork server (%s)" % ", ".join(still)
        own = {self.listener.fileno()} | ({conn.fileno()} if conn is not None else set()) | {c.fileno() for c in self._channels()}
        stray = stray_sockets(self.boot.inherited_fds | own)
        if stray:
            return "the fork server holds %d socket(s) besides its own (fd %s: a database or cache connection?)" % (len(stray), ", ".join(map(str, stray)))
        return None

    def status(self):
        now = time.time()
        return {
            "type": "status",
            "pid": os.getpid(),
            "startedAt": int(self.started * 1000),
            "ageMs": int((now - self.started) * 1000),
            "cwd": self.boot.cwd,
            "socket": self.path,
            "python": sys.version.split()[0],
            "executable": sys.executable,
            "django": self.boot.django,
            "settings": self.boot.settings,
            "reason": self.reason,
            "served": self.served,
            "active": len(self.sessions),
            "prepared": self._prepared_status(now),
            "adopted": self.adopted,
            "idleTimeoutS": self.idle_timeout,
            "idleMs": int((time.monotonic() - self.last_activity) * 1000) if not self.sessions else 0,
            "bootMs": round(self.boot.import_ms + self.boot.setup_ms + self.boot.preload_ms, 1),
            "preloaded": len(self.boot.preloaded),
            "watched": self.watch.counts(),
            "lastCheckMs": self.last_check_ms,
            "broken": self.boot.broken,
        }

    def _prepared_status(self, now):
        prepared = self.prepared
        if prepared is None:
            return None
        if not prepared.get("paused"):
            try:
                prepared["paused"] = prepared["channel"].recv(1, socket.MSG_DONTWAIT) == b"p"
            except (BlockingIOError, InterruptedError):
                pass
            except OSError:
                return None
        return {"pid": prepared["pid"], "argv": prepared["argv"], "ageMs": int((now - prepared["at"]) * 1000), "paused": bool(prepared.get("paused"))}

    def _reap(self):
        while self.sessions or self.prepared is not None:
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                self.sessions.clear()
                break
            if pid == 0:
                break
            if self.prepared is not None and pid == self.prepared["pid"]:
                self.prepared["channel"].close()  # it ended by itself (its run did not pause)
                self.prepared = None
            if self.sessions.pop(pid, None) is not None:
                self.last_activity = time.monotonic()
            if self.prepare_after is not None and pid == self.prepare_after[0]:
                # Forked from the accept loop, never while a connection is open (a status request reaps too).
                self.to_prepare, self.prepare_after = self.prepare_after[1], None

    def _stop(self, why):
        """Stops the running sessions (each stops its command as tldr would) and ends."""
        self._close_listener()
        for pid in list(self.sessions):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 30.0
        while self.sessions and time.monotonic() < deadline:
            self._reap()
            time.sleep(0.02)
        for pid in list(self.sessions):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.announce({"event": "exit", "reason": why, "served": self.served})
        return 0

    def _close_listener(self):
        self.prepare_after = self.to_prepare = None
        self._discard_prepared()
        listener = getattr(self, "listener", None)
        if listener is None:
            return
        try:
            if os.stat(self.path).st_ino == self.inode:
                os.unlink(self.path)  # only our own socket: a successor may have bound the path
        except OSError:
            pass
        listener.close()
        self.listener = None


def _flush_std():
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass
