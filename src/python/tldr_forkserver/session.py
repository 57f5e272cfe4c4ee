"""One request, in a process forked from the parent: fork the command's child, relay its output
as frames, deliver the client's signals, report how it ended. Never returns.

The relay is the child's parent, so it sees the exit status; it stays in the fork server's
process group (so stopping the server reaches it) while the child gets a group of its own. When
the client goes away (end of file, a reset) the child is stopped as if tldr had died: its
lifeline closes (or, without one, ``stopSignal`` goes to its group), SIGKILL after ``graceMs``.
The fork server stopping (SIGTERM) stops it as tldr stops a command: ``stopSignal``, then SIGKILL.
A held request (``"hold": true``, sent while tldr still checks the services) gets its child
forked and prepared, answers ``held``, and starts the program only on the client's ``go`` frame;
the client closing the connection instead (the services did not answer, the environment it
expected changed) ends the child with nothing run.
Output is read only while less than ``HIGH_WATER`` bytes wait for the client, so a slow client
slows the child down instead of growing this process.

A prepared session (``serve_prepared``) has no client yet: it runs the next ``tldr test --keepdb``
of a request it was given up to the pause, its test databases set up and its tests not yet
discovered (tldr_start/prepared.py), keeping what the child printed. The server hands it the
connection of a request that is the same run (``adopt``); the child checks what changed while
the client checks the services, and at go the client gets ``started`` and the output kept so far.
A child that cannot go on (it ended) gets the client ``cancelled`` and nothing of it (it runs the
command afresh). Discarded (end of file on its channel, SIGTERM), the child ends at the pause
with nothing run.
"""
import array
import json
import mmap
import os
import select
import signal
import socket
import time

from . import protocol
from .child import run_child
from .wake import drain, wake_on_signals

__all__ = ["serve_session", "serve_prepared", "adopt", "SIGNALS"]

HIGH_WATER = 1 << 20
SIGNALS = {name: getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGKILL", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2") if hasattr(signal, name)}


def serve_session(conn, listener, request, watch, received_at, inherited=()):
    """``inherited``: the server's other sockets (a prepared session's channel): closed here."""
    relay = os.getpid()
    try:
        for sock in inherited:
            sock.close()
        _Session(conn, listener, request, watch, received_at).run()
    finally:
        # The relay never returns into the server's loop; the command's child (another pid) ends
        # in ``ending``, or passes through here on its way to the interpreter's own ending.
        if os.getpid() == relay:
            os._exit(0)


def serve_prepared(channel, listener, request, late_keys, watch):
    """A prepared session: ``request`` without ``late_keys`` (the per-run variables the adopting
    request brings) is run up to the pause; ``channel`` brings the adopting connection."""
    relay = os.getpid()
    try:
        _Session(None, listener, request, watch, time.perf_counter()).run_prepared(channel, late_keys)
    finally:
        if os.getpid() == relay:
            os._exit(0)


def adopt(channel, conn, request, late_keys):
    """The server's side of a handover: the connection and what the adopting request says."""
    payload = json.dumps({"hold": bool(request.get("hold")), "late": {k: request["env"][k] for k in late_keys if k in request["env"]}}).encode("utf-8")
    # socket.send_fds is 3.9+: the same message by hand (SCM_RIGHTS), for 3.8.
    channel.sendmsg([payload], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [conn.fileno()]))])


class _Session:
    def __init__(self, conn, listener, request, watch, received_at):
        self.conn = conn
        self.listener = listener
        self.request = request
        self.watch = watch
        self.received_at = received_at
        self.stop_signal = SIGNALS[request.get("stopSignal") or "SIGTERM"]
        self.grace = float(request.get("graceMs", 10000)) / 1000.0
        self.out = bytearray()
        self.client_open = True
        self.exit_status = None
        self.kill_at = None
        self.killed = False
        self.stopping = False
        self.lifeline_w = None
        self.reader = protocol.Reader()
        self.paused = False  # a prepared child waiting at its pause
        # A page shared with the child: its exit status, just before it ends (``_announced``).
        self.end_page = mmap.mmap(-1, 2)
        self.announced = False  # the exit status came through it; the child is reaped after the exit frame
        # Frames that came in with go (a signal right after it): acted on once the program runs.
        self.pending = []

    def _fork(self, request, pipes, sockets):
        """Forks the command's child (``pipes``: its ends, closed here once it has them)."""
        self.pid = os.fork()
        if self.pid == 0:
            run_child(request, pipes, self.watch, sockets, self.end_page)
        try:
            os.setpgid(self.pid, self.pid)  # both sides set it: no signal can miss the group
        except OSError:
            pass
        for fd in pipes.values():
            os.close(fd)

    def _begin(self):
        """What every relay does first: the server's listener closed, signals that wake its loop,
        and the child's output, status and (when asked) lifeline pipes: (wake_r, out_r, err_r,
        status_r, the child's ends)."""
        self.listener.close()
        wake_r = wake_on_signals()
        signal.signal(signal.SIGTERM, self._on_term)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
        out_r, out_w = _stdio_pair()
        err_r, err_w = _stdio_pair()
        status_r, status_w = os.pipe()
        pipes = {"out_w": out_w, "err_w": err_w, "status_w": status_w}
        if self.request.get("lifeline"):
            pipes["lifeline_r"], self.lifeline_w = os.pipe()
        return wake_r, out_r, err_r, status_r, pipes

    def run(self):
        wake_r, out_r, err_r, status_r, pipes = self._begin()
        go_w = None
        if self.request.get("hold"):
            pipes["go_r"], go_w = os.pipe()
        self._fork(self.request, pipes, [self.conn])
        failure = _read_all(status_r)
        os.close(status_r)
        fork_ms = round((time.perf_counter() - self.received_at) * 1000.0, 2)
        if failure:
            if go_w is not None:
                os.close(go_w)
            self._reap_blocking()
            self._send_final({"type": "error", "reason": "the child could not start the program: %s" % failure.decode("utf-8", "replace")})
            return
        if go_w is not None:
            self._send_now({"type": "held", "pid": self.pid, "forkMs": fork_ms})
            go = self._await_go(wake_r)
            if go:
                try:
                    os.write(go_w, b"g")
                except OSError:
                    pass  # the child died while held (killed from outside): its exit status says so
            os.close(go_w)  # without the byte: the child ends, nothing ran
            if not go:
                self._reap_blocking()
                self._send_final({"type": "error", "reason": "the fork server is stopping"} if self.stopping else {"type": "cancelled"})
                return
        self._send_now({"type": "started", "pid": self.pid, "forkMs": fork_ms})
        self.conn.setblocking(False)
        self._relay({out_r: protocol.STDOUT, err_r: protocol.STDERR}, wake_r)
        self._finish()

    def run_prepared(self, channel, late_keys):
        wake_r, out_r, err_r, status_r, pipes = self._begin()
        pipes["pause_r"], pause_w = os.pipe()
        verdict_r, pipes["verdict_w"] = os.pipe()
        self._fork(dict(self.request, env={k: v for k, v in self.request["env"].items() if k not in late_keys}), pipes, [channel])
        failure = _read_all(status_r)
        os.close(status_r)
        prepared_at = time.monotonic()
        readers = {out_r: protocol.STDOUT, err_r: protocol.STDERR}
        adopted = None if failure else self._await_adoption(channel, readers, verdict_r, wake_r)
        channel.close()
        if adopted is None:
            self._discard(pause_w)
            return
        self.conn, hold = adopted["conn"], adopted["hold"]
        try:
            os.write(pause_w, json.dumps(adopted["late"]).encode("utf-8") + b"\n")
        except OSError:
            pass
        if hold:
            self._send_now({"type": "held", "pid": self.pid, "forkMs": 0})
        # Unchanged since it was prepared (the child checks while the client checks the services),
        # and go: both, in either order.
        verdict = self._await_verdict(verdict_r, readers, wake_r, b"r", need_go=hold)
        if verdict is True:
            try:
                os.write(pause_w, b"g\n")
            except OSError:
                pass
            verdict = self._await_verdict(verdict_r, readers, wake_r, b"k")
        # After k: why the set-up made ahead is not used, if it is not (the child closes it next).
        note = _read_all(verdict_r).decode("utf-8", "replace") if verdict is True else ""
        os.close(pause_w)
        os.close(verdict_r)
        if verdict is not True:
            self._discard(None)
            self.out = bytearray()
            self._send_final({"type": "error", "reason": "the fork server is stopping"} if self.stopping else {"type": "cancelled", "reason": verdict, "prepared": True})
            return
        waited_ms = round((time.monotonic() - prepared_at) * 1000.0)
        self._send_now({"type": "started", "pid": self.pid, "forkMs": 0, "prepared": {"ageMs": waited_ms, "setUpAgain": note or None}})
        self.conn.setblocking(False)
        self._relay(readers, wake_r)
        self._finish()

    def _await_adoption(self, channel, readers, verdict_r, wake_r):
        """Keeps the child's output until a request adopts this run: {"conn", "hold", "late"};
        None when it is discarded (the channel ends), stopped, or the child ends first (or prints
        more than it can keep)."""
        while not self.stopping:
            wanted = [channel, wake_r] + ([verdict_r] if verdict_r is not None else []) + list(readers)
            try:
                readable, _, _ = select.select(wanted, [], [])
            except InterruptedError:
                continue
            except (OSError, ValueError):
                return None
            if wake_r in readable:
                drain(wake_r)
            for fd in list(readable):
                if fd in readers:
                    self._pipe_readable(fd, readers)
            if len(self.out) > HIGH_WATER:
                return None
            if verdict_r is not None and verdict_r in readable:
                try:
                    data = os.read(verdict_r, 64)
                except OSError:
                    data = b""
                if data != b"p":
                    return None  # the program ended (or went on) without pausing: nobody adopts it
                verdict_r = None
                self.paused = True
                try:
                    channel.send(b"p")  # for the server's status
                except OSError:
                    return None
            if channel in readable:
                try:
                    payload, fds = _receive_fd(channel)
                except OSError:
                    return None
                if not payload or not fds:
                    return None
                message = json.loads(payload.decode("utf-8"))
                conn = socket.socket(fileno=fds[0])
                conn.settimeout(protocol.REQUEST_TIMEOUT)  # as the server leaves an accepted one
                return {"conn": conn, "hold": bool(message.get("hold")), "late": message.get("late") or {}}
        return None

    def _await_verdict(self, verdict_r, readers, wake_r, expected, need_go=False):
        """True once the child says ``expected`` (and, with ``need_go``, the client said go);
        otherwise why not (the child has ended or is ending, the client went away)."""
        said = False
        while not (said and not need_go):
            wanted = [wake_r, self.conn] + ([] if said else [verdict_r]) + list(readers)
            try:
                readable, _, _ = select.select(wanted, [], [], 1.0)
            except InterruptedError:
                continue
            except (OSError, ValueError):
                return "the prepared run could not be followed"
            if wake_r in readable:
                drain(wake_r)
            if self.stopping:
                return "the fork server is stopping"
            for fd in list(readable):
                if fd in readers:
                    self._pipe_readable(fd, readers)
            if self.conn in readable:
                try:
                    data = self.conn.recv(65536)
                    frames = self.reader.feed(data) if data else None
                except (OSError, protocol.ProtocolError):
                    frames = None
                if frames is None or (need_go and frames and frames[0] != (protocol.CONTROL, {"type": "go"})):
                    self.client_open = False
                    return "the client went away"
                if need_go and frames:
                    need_go = False
                    frames = frames[1:]
                self.pending += frames
            if not said and verdict_r in readable:
                try:
                    chunk = os.read(verdict_r, 1)
                except OSError:
                    chunk = b""
                if chunk == expected:
                    said = True
                elif chunk == b"p":
                    continue  # paused (said before the adoption, not read until now)
                elif chunk == b"x":
                    reason = _read_all(verdict_r).decode("utf-8", "replace")
                    return "the prepared run is out of date: %s" % (reason or "no reason given")
                else:
                    return "the prepared run ended before it could go on"
        return True

    def _discard(self, pause_w):
        """Ends a prepared child that goes no further. At the pause (no connection to its
        databases open) end of file there ends it, its idle session to ``postgres`` closed first.
        Still setting up, SIGKILL: PostgreSQL rolls back what its connection was doing (each
        migration is one transaction), so a run that replaces it never sets the same kept database
        up beside it."""
        if pause_w is not None:
            os.close(pause_w)
        if self.lifeline_w is not None:
            os.close(self.lifeline_w)
            self.lifeline_w = None
        if not self.paused:
            _killpg(self.pid, signal.SIGKILL)
            self._reap_blocking()
            return
        deadline = time.monotonic() + self.grace
        while time.monotonic() < deadline:
            self._reap()
            if self.exit_status is not None:
                return
            time.sleep(0.01)
        _killpg(self.pid, signal.SIGKILL)
        self._reap_blocking()

    def _await_go(self, wake_r):
        """True on the client's go frame; False when it goes away (or sends anything else first)
        or the fork server stops."""
        while not self.stopping:
            try:
                readable, _, _ = select.select([self.conn, wake_r], [], [])
            except (OSError, ValueError):
                return False
            if wake_r in readable:
                drain(wake_r)
            if self.conn not in readable:
                continue
            try:
                data = self.conn.recv(65536)
                frames = self.reader.feed(data) if data else None
            except (OSError, protocol.ProtocolError):
                frames = None
            if frames is None:
                self.client_open = False
                return False
            if frames:
                first, self.pending = frames[0], frames[1:]
                return first == (protocol.CONTROL, {"type": "go"})
        return False

    def _on_term(self, signum, frame):
        self.stopping = True

    def _relay(self, readers, wake_r):
        self._act_on(self.pending)
        while True:
            if self.exit_status is None:
                self._reap()
            if self.stopping and self.kill_at is None:
                self._stop_child()
            if self.exit_status is not None and not readers and (not self.out or not self.client_open):
                return
            if self.exit_status is None and not readers and self._announced():
                continue
            wanted = [wake_r] + ([self.conn] if self.client_open else [])
            if len(self.out) < HIGH_WATER or not self.client_open:
                wanted += list(readers)
            writers = [self.conn] if self.out and self.client_open else []
            timeout = None
            if self.kill_at is not None and self.exit_status is None:
                timeout = max(0.0, self.kill_at - time.monotonic())
            elif self.exit_status is None and not readers:
                timeout = 0.05  # pipes closed, status not yet there: the SIGCHLD may have come already
            try:
                readable, writable, _ = select.select(wanted, writers, [], timeout)
            except (OSError, ValueError):
                readable, writable = [], []
            if self.kill_at is not None and self.exit_status is None and time.monotonic() >= self.kill_at:
                _killpg(self.pid, signal.SIGKILL)
                self.kill_at, self.killed = None, True
            for fd in readable:
                if fd == wake_r:
                    drain(wake_r)
                elif fd in readers:
                    self._pipe_readable(fd, readers)
                elif fd is self.conn:
                    self._client_readable()
            if writable and self.client_open:
                self._flush_some()

    def _announced(self):
        """The child's exit status from the page it shares with this relay (ending.py), once its
        streams have ended: the exit frame goes out without waiting for the kernel to take the
        process down; it is reaped after that frame (``_send_final``)."""
        if self.end_page[0] != 1:
            return False
        self.exit_status = self.end_page[1] << 8  # as waitpid has an exit code
        self.announced = True
        return True

    def _pipe_readable(self, fd, readers):
        try:
            chunk = os.read(fd, protocol.MAX_CHUNK)
        except BlockingIOError:
            return
        except OSError:
            chunk = b""
        if not chunk:
            os.close(fd)
            del readers[fd]
            return
        if self.client_open:
            self.out += protocol.frame(readers[fd], chunk)

    def _client_readable(self):
        try:
            data = self.conn.recv(65536)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            self._client_gone()
            return
        try:
            frames = self.reader.feed(data)
        except protocol.ProtocolError:
            self._client_gone()
            return
        self._act_on(frames)

    def _act_on(self, frames):
        for stream, message in frames:
            if stream == protocol.CONTROL and message.get("type") == "signal" and message.get("signal") in SIGNALS:
                _killpg(self.pid, SIGNALS[message["signal"]])

    def _client_gone(self):
        """As if tldr died: a child with a lifeline sees it close (and stops itself, cleaning up
        — a signal on top could interrupt its clean-up); one without gets the stop signal."""
        self.client_open = False
        self.out = bytearray()
        if self.exit_status is None:
            self._stop_child(lifeline=True)

    def _stop_child(self, lifeline=False):
        """As tldr stops a command it gives up on: the stop signal (or, for a lost client, the
        lifeline's end), then SIGKILL after the grace."""
        if self.kill_at is not None or self.killed:
            return
        if lifeline and self.lifeline_w is not None:
            os.close(self.lifeline_w)
            self.lifeline_w = None
        else:
            _killpg(self.pid, self.stop_signal)
        self.kill_at = time.monotonic() + self.grace

    def _flush_some(self):
        try:
            sent = self.conn.send(self.out)
        except BlockingIOError:
            return
        except OSError:
            self._client_gone()
            return
        del self.out[:sent]

    def _reap(self):
        try:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
        except ChildProcessError:
            self.exit_status = self.exit_status or 0
            return
        if pid == self.pid:
            self.exit_status = status

    def _reap_blocking(self):
        try:
            _, self.exit_status = os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass

    def _exit_message(self):
        status = self.exit_status or 0
        if os.WIFSIGNALED(status):
            number = os.WTERMSIG(status)
            try:
                name = signal.Signals(number).name
            except ValueError:
                name = "SIG%d" % number
            return {"type": "exit", "code": 128 + number, "signal": name, "signo": number}
        return {"type": "exit", "code": os.WEXITSTATUS(status) if os.WIFEXITED(status) else 1, "signal": None}

    def _send_now(self, message):
        try:
            self.conn.sendall(protocol.control(message))
        except OSError:
            self.client_open = False

    def _send_final(self, message):
        if not self.client_open:
            return
        self.conn.setblocking(True)
        self.conn.settimeout(30)
        try:
            self.conn.sendall(bytes(self.out) + protocol.control(message))
        except OSError:
            pass
        try:
            self.conn.close()
        except OSError:
            pass

    def _finish(self):
        """The exit frame; then, when the status came through the shared page, the reap of a
        child the kernel is still taking down."""
        self._send_final(self._exit_message())
        if self.announced:
            self._reap_blocking()


def _receive_fd(channel):
    """(payload, [fd]) of one ``adopt`` message; the payload is small enough for one read."""
    size = array.array("i").itemsize
    payload, ancillary, _, _ = channel.recvmsg(1 << 20, socket.CMSG_SPACE(size))
    fds = array.array("i")
    for level, kind, data in ancillary:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds.frombytes(data[: len(data) - (len(data) % size)])
    return payload, list(fds)


def _stdio_pair():
    """(read end, write end) for one of the child's output streams: a unix socket pair, which is
    what a cold child's stdout/stderr are when Node spawns it with 'pipe'."""
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    return ours.detach(), theirs.detach()


def _killpg(pid, number):
    try:
        os.killpg(pid, number)
    except (ProcessLookupError, PermissionError):
        pass


def _read_all(fd):
    data = b""
    while True:
        try:
            chunk = os.read(fd, 4096)
        except InterruptedError:
            continue
        if not chunk:
            return data
        data += chunk
