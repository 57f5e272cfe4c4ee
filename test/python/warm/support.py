"""Shared by the Python tests of tldr's helpers: paths, a real Postgres container, the bare
command, the bootstrap and fork-server drivers (clients of their wire protocols).

Postgres runs in a container this module starts (``docker run`` with a ``dev.tldr.test`` label)
and removes by id. No Docker is a failure, never a skip: these tests promise real components.
"""
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import uuid

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
HELPERS = os.path.join(REPO, "src", "python")
EXAMPLE = os.path.join(REPO, "example", "backend")
FIXTURE_APPS = os.path.join(REPO, "test", "fixtures", "testapps")
VENV_PYTHON = os.path.join(EXAMPLE, ".venv", "bin", "python")
SYSTEM_PYTHON = "/usr/bin/python3"
# name → interpreter: the example venv (Django 5.2) and Debian's python3 (Django 3.2).
PYTHONS = {"django52": VENV_PYTHON, "django32": SYSTEM_PYTHON}
# TLDR_TEST_DJANGO=django52 (or django32) runs one version only, so the suite can run the two
# versions as two processes side by side; unset runs both.
_ONLY = os.environ.get("TLDR_TEST_DJANGO")
if _ONLY:
    if _ONLY not in PYTHONS:
        raise SystemExit("TLDR_TEST_DJANGO=%s: expected one of %s" % (_ONLY, ", ".join(sorted(PYTHONS))))
    PYTHONS = {_ONLY: PYTHONS[_ONLY]}
IMAGE = "tldr-test/postgres:15"
PASSWORD = "s3cret-warm-pass"


def django_version(python):
    out = subprocess.run([python, "-c", "import django; print(django.get_version())"], capture_output=True, text=True, check=True)
    return out.stdout.strip()


class Postgres:
    """A throwaway Postgres 15 container on a free 127.0.0.1 port, removed by id."""

    def __init__(self):
        if shutil.which("docker") is None:
            raise RuntimeError("these tests need Docker (`bash scripts/provision.sh`); no docker CLI found")
        self.label = "speed-python-%s" % uuid.uuid4().hex[:8]
        run = subprocess.run(
            ["docker", "run", "-d", "--label", "dev.tldr.test=%s" % self.label, "-p", "127.0.0.1::5432",
             "-e", "POSTGRES_USER=tldr", "-e", "POSTGRES_PASSWORD=%s" % PASSWORD, "-e", "POSTGRES_DB=tldr", IMAGE],
            capture_output=True, text=True)
        if run.returncode != 0:
            raise RuntimeError("docker run %s failed: %s" % (IMAGE, run.stderr.strip()))
        self.id = run.stdout.strip()
        try:
            port = subprocess.run(["docker", "port", self.id, "5432/tcp"], capture_output=True, text=True, check=True).stdout
            self.port = int(port.strip().splitlines()[0].rsplit(":", 1)[1])
            self._wait()
        except BaseException:
            self.remove()
            raise

    def _wait(self, timeout=60.0):
        import psycopg2

        deadline = time.monotonic() + timeout
        while True:
            try:
                psycopg2.connect(**self.params()).close()
                return
            except psycopg2.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def params(self, db="tldr"):
        return {"host": "127.0.0.1", "port": self.port, "user": "tldr", "password": PASSWORD, "dbname": db}

    def query(self, sql, *args):
        import psycopg2

        conn = psycopg2.connect(**self.params("postgres"))
        try:
            conn.autocommit = True
            with conn.cursor() as cur:
                cur.execute(sql, args)
                return cur.fetchall() if cur.description else []
        finally:
            conn.close()

    def url(self):
        return "postgres://tldr:%s@127.0.0.1:%d/tldr" % (PASSWORD, self.port)

    def remove(self):
        subprocess.run(["docker", "rm", "-f", "-v", self.id], capture_output=True)


def for_each_django(cases, namespace, prefix=""):
    """One unittest class per interpreter of PYTHONS (``<prefix>Django52``, ``<prefix>Django32``)
    running the test methods of the mixin ``cases`` with its ``PYTHON`` set."""
    import unittest

    for key, python in PYTHONS.items():
        name = prefix + "Django" + key[len("django"):]
        namespace[name] = type(name, (cases, unittest.TestCase), {"PYTHON": python, "__module__": namespace["__name__"]})


def module_postgres():
    """The Postgres of one test module, migrated for every Django version under test."""
    pg = Postgres()
    try:
        for python in PYTHONS.values():
            migrate(python, backend_env(pg))
    except BaseException:
        pg.remove()
        raise
    return pg


def backend_env(pg, extra=None, helpers=True):
    """The environment tldr gives a backend command (services, settings, fixture apps), plus the
    helper folder on PYTHONPATH like tldr's test runner and migration check have it."""
    path = [FIXTURE_APPS]
    if helpers:
        path.insert(0, HELPERS)
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": os.environ.get("HOME", "/root"),
        "LANG": "C.UTF-8",
        "DATABASE_URL": pg.url(),
        "POSTGRES_HOST": "127.0.0.1",
        "POSTGRES_PORT": str(pg.port),
        "POSTGRES_DB": "tldr",
        "POSTGRES_USER": "tldr",
        "POSTGRES_PASSWORD": PASSWORD,
        "REDIS_URL": "redis://127.0.0.1:1/0",
        "CELERY_BROKER_URL": "redis://127.0.0.1:1/0",
        "DJANGO_SETTINGS_MODULE": "tldr.settings",
        "TLDR_EXAMPLE_EXTRA_APPS": "sample_tests,sample_commands",
        "PYTHONPATH": os.pathsep.join(path),
    }
    env.update(extra or {})
    return env


class Outcome:
    """How a command ended: ``code`` (128 + n for death by signal n, as tldr reports it),
    ``signal`` (a name or None), both streams' bytes, and timings."""

    def __init__(self, code, signal_name, stdout, stderr, seconds, first_output=None, control=None):
        self.code = code
        self.signal = signal_name
        self.stdout = stdout
        self.stderr = stderr
        self.seconds = seconds
        self.first_output = first_output
        self.control = control or []

    def key(self, normalise=None):
        out, err = self.stdout.decode("utf-8", "replace"), self.stderr.decode("utf-8", "replace")
        if normalise:
            out, err = normalise(out), normalise(err)
        return (self.code, self.signal, out, err)

    def __repr__(self):
        return "Outcome(code=%r, signal=%r, stdout=%r, stderr=%r)" % (self.code, self.signal, self.stdout[-600:], self.stderr[-1500:])


def _from_returncode(returncode):
    if returncode < 0:
        return 128 - returncode, signal.Signals(-returncode).name
    return returncode, None


def run_bare(python, args, env, cwd=EXAMPLE, interrupt_after=None, timeout=120, own_group=False):
    """``<python> ARGS…`` — the cold path as tldr runs it today (stdin /dev/null, piped output;
    ``own_group``: in a process group of its own, as tldr's piped children are)."""
    started = time.perf_counter()
    proc = subprocess.Popen([python] + list(args), cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=own_group)
    out, err = _communicate(proc, interrupt_after, timeout)
    code, name = _from_returncode(proc.returncode)
    return Outcome(code, name, out, err, time.perf_counter() - started)


def _communicate(proc, interrupt_after, timeout):
    """communicate(); with ``interrupt_after`` (bytes), SIGINT once stdout has shown it."""
    if interrupt_after is None:
        return proc.communicate(timeout=timeout)
    seen = _read_until(proc.stdout, interrupt_after)
    time.sleep(SETTLE)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=timeout)
    return seen + out, err


# After a marker shows on stdout, the writer may still be inside its flush(): a signal then lands
# in another frame than a moment later. Interrupts wait this long, so tracebacks compare.
SETTLE = 0.3


def _read_until(stream, marker, timeout=60.0):
    import select

    data = b""
    deadline = time.monotonic() + timeout
    fd = stream.fileno()
    while marker not in data:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            raise TimeoutError("%r never appeared on stdout (got %r)" % (marker, data[-300:]))
        chunk = os.read(fd, 65536)
        if not chunk:
            raise EOFError("stdout closed before %r (got %r)" % (marker, data[-300:]))
        data += chunk
    return data


class Bootstrap:
    """Drives ``tldr_bootstrap.py``: spawn (the control descriptor is a socket pair, as Node's
    extra 'pipe' stdio is), optionally ``env``, then ``go`` (or end of file)."""

    def __init__(self, python, args, env, cwd=EXAMPLE, await_env=False, stdout=subprocess.PIPE, stderr=subprocess.PIPE):
        self.ours, theirs = socket.socketpair()
        command = [python, os.path.join(HELPERS, "tldr_bootstrap.py"), "--control-fd", str(theirs.fileno())]
        if await_env:
            command.append("--await-env")
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(command + ["--"] + list(args), cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=stdout, stderr=stderr, pass_fds=[theirs.fileno()])
        theirs.close()
        self.file = self.ours.makefile("rwb")
        self.events = []

    def send(self, message):
        self.file.write((json.dumps(message) + "\n").encode("utf-8"))
        self.file.flush()

    def event(self, timeout=60.0):
        self.ours.settimeout(timeout)
        line = self.file.readline()
        if not line:
            return None
        event = json.loads(line)
        self.events.append(event)
        return event

    def go(self, env):
        self.go_at = time.perf_counter()
        self.send({"op": "go", "env": env})

    def close(self):
        self.file.close()
        self.ours.close()

    def finish(self, timeout=120, interrupt_after=None):
        out, err = _communicate(self.proc, interrupt_after, timeout)
        self.close()
        code, name = _from_returncode(self.proc.returncode)
        return Outcome(code, name, out or b"", err or b"", time.perf_counter() - self.started, control=self.events)


def run_bootstrap(python, args, env, go_env=None, cwd=EXAMPLE, interrupt_after=None):
    """Spawn, wait until ready, go with ``go_env`` (default: the same env): the whole cold path."""
    boot = Bootstrap(python, args, env, cwd=cwd)
    ready = boot.event()
    boot.go(env if go_env is None else go_env)
    boot.event()  # started / declined
    outcome = boot.finish(interrupt_after=interrupt_after)
    outcome.ready = ready
    return outcome


H = struct.Struct(">BI")


class ForkServer:
    """A running ``python -m tldr_forkserver`` in ``cwd`` and its announcements."""

    def __init__(self, python, env, cwd=EXAMPLE, idle_timeout=120, extra_args=()):
        self.dir = tempfile.mkdtemp(prefix="tldr-warm-test-")
        os.chmod(self.dir, 0o700)
        self.socket = os.path.join(self.dir, "warm.sock")
        self.env = env
        self.cwd = cwd
        self.log = open(os.path.join(self.dir, "server.err"), "w+b")
        # stdout a socket pair, as Node's 'pipe' stdio is (the server must not take it for a stray socket).
        ours, theirs = socket.socketpair()
        self.proc = subprocess.Popen(
            [python, "-m", "tldr_forkserver", "--socket", self.socket, "--idle-timeout", str(idle_timeout)] + list(extra_args),
            cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=theirs, stderr=self.log)
        theirs.close()
        self.announcements = ours
        self.proc.stdout = ours.makefile("rb")
        self.ready = self.announcement(timeout=60)

    def announcement(self, timeout=30):
        line = _readline(self.proc.stdout, timeout)
        return json.loads(line) if line else None

    def run(self, argv, env=None, cwd=None, signal_after=None, signal_name="SIGINT", disconnect_after=None, step=None, **options):
        request = {"op": "run", "argv": list(argv), "env": self.env if env is None else env, "cwd": cwd or self.cwd}
        request.update(options)
        return warm_request(self.socket, request, signal_after=signal_after, signal_name=signal_name, disconnect_after=disconnect_after, step=step)

    def status(self):
        return warm_request(self.socket, {"op": "status"}).control[0]

    def stop(self, timeout=40):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc.stdout.close()
        self.announcements.close()
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def stderr_text(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace")


def _readline(stream, timeout):
    import select

    ready, _, _ = select.select([stream], [], [], timeout)
    if not ready:
        raise TimeoutError("no announcement from the fork server within %ss" % timeout)
    return stream.readline()


class WarmCall:
    """One connection to the fork server while it runs: what arrived so far, and the client's moves."""

    def __init__(self, sock):
        self.sock = sock
        self.streams = {1: b"", 2: b""}
        self.control = []
        self.gone = False

    @property
    def stdout(self):
        return self.streams[1]

    def signal(self, name):
        message = json.dumps({"type": "signal", "signal": name}).encode("utf-8")
        self.sock.sendall(H.pack(0, len(message)) + message)

    def go(self):
        """Starts a held request's program."""
        message = json.dumps({"type": "go"}).encode("utf-8")
        self.sock.sendall(H.pack(0, len(message)) + message)

    def disconnect(self):
        self.sock.close()
        self.gone = True


def warm_request(path, request, signal_after=None, signal_name="SIGINT", disconnect_after=None, step=None, timeout=120):
    """One connection: the request frame, then frames until the server closes. ``signal_after``
    / ``disconnect_after``: a bytes marker on stdout after which a signal frame is sent / the
    connection is dropped (the client going away); ``step(call)`` runs after every read and
    every 0.1 s (it may call ``call.signal`` or ``call.disconnect``)."""
    import select

    started = time.perf_counter()
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(path)
    body = json.dumps(request).encode("utf-8")
    sock.sendall(H.pack(0, len(body)) + body)
    call = WarmCall(sock)
    buffer, first, signalled, marked = b"", None, False, None
    deadline = time.monotonic() + timeout
    while not call.gone:
        if time.monotonic() > deadline:
            sock.close()
            raise TimeoutError("no end from the fork server within %ss: %r" % (timeout, call.control))
        if select.select([sock], [], [], 0.1)[0]:
            try:
                data = sock.recv(65536)
            except ConnectionResetError:
                data = b""
            if not data:
                break
            buffer += data
            while len(buffer) >= H.size:
                stream, length = H.unpack_from(buffer)
                if len(buffer) < H.size + length:
                    break
                payload, buffer = buffer[H.size:H.size + length], buffer[H.size + length:]
                if stream == 0:
                    call.control.append(json.loads(payload.decode("utf-8")))
                else:
                    if first is None:
                        first = time.perf_counter() - started
                    call.streams[stream] += payload
        if disconnect_after is not None and disconnect_after in call.stdout:
            call.disconnect()
            break
        if signal_after is not None and not signalled and signal_after in call.stdout:
            marked = marked or time.monotonic()
            if time.monotonic() - marked >= SETTLE:
                call.signal(signal_name)
                signalled = True
        if step is not None:
            step(call)
    if not call.gone:
        sock.close()
    end = call.control[-1] if call.control and call.control[-1].get("type") == "exit" else {}
    return Outcome(end.get("code"), end.get("signal"), call.streams[1], call.streams[2], time.perf_counter() - started, first, call.control)


TIMES = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}")
DURATIONS = re.compile(r"\d+\.\d+s\b")
HEX_IDS = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
PKS = re.compile(r"document \d+ processed|'id': \d+")
ADDRESSES = re.compile(r" at 0x[0-9a-f]+")


def normalise(text):
    """Run-to-run noise out: log timestamps, durations, task ids, row ids, object addresses."""
    text = TIMES.sub("<time>", text)
    text = DURATIONS.sub("<n>s", text)
    text = HEX_IDS.sub("<uuid>", text)
    text = ADDRESSES.sub(" at <address>", text)
    return PKS.sub("<pk>", text)


def client_backends(pg):
    """Connections to Postgres besides the one asking (the container is this test module's own)."""
    rows = pg.query("SELECT datname, application_name, state FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()")
    return rows


def children_of(pid):
    """The pids whose parent is ``pid``."""
    found = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open("/proc/%s/stat" % name) as fh:
                    if int(fh.read().rsplit(") ", 1)[1].split()[1]) == pid:
                        found.append(int(name))
            except (OSError, ValueError, IndexError):
                pass
    return found


def threads_of(pid):
    with open("/proc/%d/status" % pid) as fh:
        for line in fh:
            if line.startswith("Threads:"):
                return int(line.split()[1])
    return None


def copy_backend():
    """A temp copy of example/backend (without its venv) for tests that edit it."""
    target = tempfile.mkdtemp(prefix="tldr-warm-backend-")
    backend = os.path.join(target, "backend")
    shutil.copytree(EXAMPLE, backend, ignore=shutil.ignore_patterns(".venv", "__pycache__"))
    return backend


def migrate(python, env):
    out = run_bare(python, ["manage.py", "migrate", "--noinput"], env)
    if out.code != 0:
        raise RuntimeError("migrate failed: %r" % out)

