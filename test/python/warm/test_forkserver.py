"""The warm fork server against the cold command, on Django 5.2 and 3.2 with a real Postgres:
the same output, exit codes, test events and check documents; never stale; nothing shared at
fork (no connection in pg_stat_activity, one thread); children that crash leave it serving."""
import json
import os
import re
import shutil
import signal
import tempfile
import time
import unittest

import support

pg = None
SLOW = os.path.join(support.REPO, "test", "fixtures", "slow")


def setUpModule():
    global pg
    pg = support.module_postgres()


def tearDownModule():
    if pg is not None:
        pg.remove()


def events(path):
    with open(path) as fh:
        return [json.loads(line) for line in fh if line.strip()]


def dead(pid):
    """Gone, or a zombie its parent has not reaped yet."""
    try:
        with open("/proc/%d/stat" % pid) as fh:
            return fh.read().rsplit(") ", 1)[1].startswith("Z")
    except OSError:
        return True


def go_once():
    """A step that starts a held request's program as soon as it is held."""
    sent = []

    def step(call):
        if call.control and call.control[0].get("type") == "held" and not sent:
            sent.append(True)
            call.go()

    return step


class Served:
    """One fork server on example/backend for the whole class (tests that make a server stale
    start their own)."""

    PYTHON = None

    @classmethod
    def setUpClass(cls):
        cls.env = support.backend_env(pg)
        cls.server = support.ForkServer(cls.PYTHON, cls.env)
        if not cls.server.ready or cls.server.ready.get("event") != "ready":
            raise AssertionError("the fork server did not start: %r %s" % (cls.server.ready, cls.server.stderr_text()))

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def setUp(self):
        self.assertIsNone(self.server.proc.poll(), "the fork server died: %s" % self.server.stderr_text())

    def cold(self, args, env=None, **kwargs):
        return support.run_bare(self.PYTHON, args, env or self.env, own_group=True, **kwargs)

    def assertSame(self, args, env=None):
        cold = self.cold(args, env)
        warm = self.server.run(args, env=env)
        self.assertEqual(warm.control[0]["type"], "started", warm.control)
        self.assertEqual(warm.key(support.normalise), cold.key(support.normalise))
        return cold, warm

    # -- the same results -------------------------------------------------------------------

    def test_check(self):
        cold, warm = self.assertSame(["manage.py", "check"])
        self.assertEqual(cold.code, 0)
        print("\n  [%s] manage.py check: warm %.0f ms (fork → first byte %.0f ms) vs cold %.0f ms" % (self.PYTHON, warm.seconds * 1000, warm.first_output * 1000, cold.seconds * 1000))

    def test_check_ends_sooner_than_with_the_interpreters_teardown(self):
        full_env = dict(self.env, TLDR_WARM_FULL_EXIT="1")
        times = {"fast": [], "full": []}
        for _ in range(5):
            for kind, env in (("fast", self.env), ("full", full_env)):
                outcome = self.server.run(["manage.py", "check"], env=env)
                self.assertEqual(outcome.code, 0, outcome)
                times[kind].append(outcome.seconds * 1000)
        fast, full = sorted(times["fast"])[2], sorted(times["full"])[2]
        cold = self.cold(["manage.py", "check"]).seconds * 1000
        print("\n  [%s] manage.py check, median of 5: warm %.0f ms, warm with the interpreter's teardown (%s=1) %.0f ms, cold %.0f ms" % (self.PYTHON, fast, "TLDR_WARM_FULL_EXIT", full, cold))
        self.assertLess(fast, full)

    def test_exit_codes_tracebacks_and_signals(self):
        self.assertEqual(self.assertSame(["manage.py", "migrate", "nosuchapp"])[0].code, 1)
        self.assertEqual(self.assertSame(["manage.py", "exit_with", "7"])[0].code, 7)
        self.assertEqual(self.assertSame(["manage.py", "explode"])[0].code, 1)
        cold, warm = self.assertSame(["manage.py", "abort"])
        self.assertEqual((warm.code, warm.signal), (134, "SIGABRT"))
        self.assertEqual(self.assertSame(["manage.py", "finish_late"])[1].stdout, b"handle returned\nthread finished\natexit ran\n")
        self.assertSame(["manage.py", "--help"])

    def test_an_unclosed_file_is_flushed_as_in_a_plain_start(self):
        written = {}
        for side in ("cold", "warm"):
            path = tempfile.mktemp(prefix="tldr-warm-unclosed-")
            args = ["manage.py", "unclosed_write", path]
            outcome = self.cold(args) if side == "cold" else self.server.run(args)
            with open(path) as fh:
                written[side] = (outcome.code, fh.read())
            os.unlink(path)
        self.assertEqual(written["warm"], written["cold"])
        self.assertEqual(written["warm"], (0, "flushed when the interpreter shut down\n"))

    def test_the_full_exit_flushes_an_unclosed_file_too(self):
        path = tempfile.mktemp(prefix="tldr-warm-unclosed-")
        try:
            outcome = self.server.run(["manage.py", "unclosed_write", path], env=dict(self.env, TLDR_WARM_FULL_EXIT="1"))
            with open(path) as fh:
                self.assertEqual((outcome.code, fh.read()), (0, "flushed when the interpreter shut down\n"))
        finally:
            os.unlink(path)

    def test_a_tempfile_kept_to_the_end_is_deleted(self):
        for side in ("cold", "warm"):
            args = ["manage.py", "unclosed_tempfile"]
            outcome = self.cold(args) if side == "cold" else self.server.run(args)
            path = outcome.stdout.decode().strip()
            self.assertEqual((outcome.code, outcome.stderr), (0, b""), (side, outcome))
            self.assertTrue(path.startswith(tempfile.gettempdir()), (side, outcome))
            self.assertFalse(os.path.exists(path), "%s: %s outlived the command" % (side, path))

    def test_finalisers_at_exit_run_as_in_a_plain_start(self):
        cold, warm = self.assertSame(["manage.py", "del_at_exit"])
        self.assertEqual(warm.stdout, b"handle returned\n__del__ of kept ran\n")
        # A __del__'s error is reported alike, but for its source lines: at that point of the
        # teardown the modules that read them are gone (the warm child still has them).
        args = ["manage.py", "del_at_exit", "--raise"]
        cold, warm = self.cold(args), self.server.run(args)
        without_source = lambda text: re.sub(r"(?m)^    .*\n", "", support.normalise(text))
        self.assertEqual(warm.key(without_source), cold.key(without_source))
        self.assertIn(b"Exception ignored in: <function Finalised.__del__", warm.stderr)
        self.assertIn(b'    raise RuntimeError("__del__ of %s failed" % self.name)\n', warm.stderr)
        self.assertEqual(warm.code, 0)

    def test_an_exit_message_and_a_keyboard_interrupt_of_its_own(self):
        cold, warm = self.assertSame(["manage.py", "exit_with_message", "no can do"])
        self.assertEqual((warm.code, warm.stderr), (1, b"no can do\n"))
        cold, warm = self.assertSame(["manage.py", "raise_interrupt"])
        self.assertEqual((warm.code, warm.signal), (130, "SIGINT"))
        self.assertTrue(warm.stderr.endswith(b"\nKeyboardInterrupt\n"), warm)

    def test_the_program_sees_a_plain_start(self):
        for env in (self.env, dict(self.env, PYTHONPATH=support.FIXTURE_APPS)):
            cold, warm = self.assertSame(["manage.py", "describe_process", "--env", "PYTHONPATH", "--env", "TZ"], env=env)
            seen = json.loads(warm.stdout.decode().splitlines()[-1])
            self.assertEqual(seen["fds"], [0, 1, 2, 3])
            self.assertEqual(seen["threads"], 1)
            self.assertTrue(seen["pgrp_is_own"])
            self.assertEqual(seen["path"], json.loads(cold.stdout.decode().splitlines()[-1])["path"])
        self.assertNotIn(support.HELPERS, seen["path"])  # the second run: no helper folder on PYTHONPATH

    def test_logging_configured_once(self):
        env = dict(self.env, DJANGO_SETTINGS_MODULE="sample_commands.strict_logging_settings")
        # Another settings module is another start: the server says so and exits (kind env).
        probe = support.ForkServer(self.PYTHON, env)
        try:
            cold = self.cold(["manage.py", "describe_process"], env)
            warm = probe.run(["manage.py", "describe_process"])
            self.assertEqual(warm.key(support.normalise), cold.key(support.normalise))
            self.assertIn(b"a logger created while the apps loaded still logs", warm.stdout)
        finally:
            probe.stop()

    def test_what_the_settings_print_is_every_commands_output(self):
        env = dict(self.env, DJANGO_SETTINGS_MODULE="sample_commands.printing_settings")
        probe = support.ForkServer(self.PYTHON, env)
        try:
            self.assertEqual(probe.ready["event"], "ready")  # the announcement line is clean JSON
            cold = self.cold(["manage.py", "exit_with", "5"], env)
            for _ in range(2):
                warm = probe.run(["manage.py", "exit_with", "5"])
                self.assertEqual(warm.key(), cold.key())
            self.assertEqual(cold.stdout, b"printing_settings: loaded\nexiting with 5\n")
        finally:
            probe.stop()

    def test_files_the_start_opened_stay_open_in_every_child(self):
        log = tempfile.NamedTemporaryFile(prefix="tldr-warm-log-", delete=False)
        log.close()
        env = dict(self.env, DJANGO_SETTINGS_MODULE="sample_commands.file_logging_settings", TLDR_FIXTURE_LOG_FILE=log.name)
        probe = support.ForkServer(self.PYTHON, env)
        try:
            cold = self.cold(["manage.py", "describe_process"], env)
            warm = [probe.run(["manage.py", "describe_process"]) for _ in range(2)]
            for outcome in warm:
                self.assertEqual(outcome.key(support.normalise), cold.key(support.normalise))
            with open(log.name) as fh:
                self.assertEqual(fh.read().count("a logger created while the apps loaded still logs"), 3)
        finally:
            probe.stop()
            os.unlink(log.name)

    def test_a_file_the_start_opened_is_flushed_at_the_childs_end(self):
        # The file object is the parent's (frozen): only the child's ending flushes what it wrote there.
        audit = tempfile.NamedTemporaryFile(prefix="tldr-warm-audit-", delete=False)
        audit.close()
        env = dict(self.env, DJANGO_SETTINGS_MODULE="sample_commands.audit_file_settings", TLDR_FIXTURE_AUDIT_FILE=audit.name)
        probe = support.ForkServer(self.PYTHON, env)
        try:
            self.assertEqual(self.cold(["manage.py", "write_audit"], env).code, 0)
            for _ in range(2):
                self.assertEqual(probe.run(["manage.py", "write_audit"]).code, 0)
            with open(audit.name) as fh:
                self.assertEqual(fh.read(), "written by write_audit\n" * 3)
        finally:
            probe.stop()
            os.unlink(audit.name)

    def test_large_output_arrives_byte_for_byte(self):
        cold, warm = self.assertSame(["manage.py", "print_lots", "20000"])
        self.assertEqual(len(warm.stdout), 2000000)

    def test_django_tests_plain_and_through_tldrs_runner(self):
        cold, warm = self.assertSame(["manage.py", "test", "--keepdb", "--noinput", "documents"])
        self.assertEqual(cold.code, 0)
        print("\n  [%s] manage.py test --keepdb documents: warm %.0f ms vs cold %.0f ms" % (self.PYTHON, warm.seconds * 1000, cold.seconds * 1000))
        outcomes = {}
        for side in ("cold", "warm"):
            scratch = tempfile.mkdtemp(prefix="tldr-warm-events-")
            env = dict(self.env, TLDR_TEST_EVENTS=os.path.join(scratch, "events.ndjson"))
            open(env["TLDR_TEST_EVENTS"], "w").close()
            args = ["manage.py", "test", "--noinput", "--testrunner", "tldr_testrunner.TldrTestRunner", "--keepdb", "sample_tests", "documents"]
            result = self.cold(args, env) if side == "cold" else self.server.run(args, env=env, lifeline=True, stopSignal="SIGINT")
            found = events(env["TLDR_TEST_EVENTS"])
            shutil.rmtree(scratch)
            outcomes[side] = (result.code, [(e["id"], e["outcome"]) for e in found if e["type"] == "test"], [{k: v for k, v in e.items() if k != "durationMs"} for e in found if e["type"] in ("start", "end")], result.key(support.normalise)[2:])
        self.assertEqual(outcomes["warm"], outcomes["cold"])
        code, tests, _, _ = outcomes["warm"]
        self.assertEqual(code, 1)
        self.assertIn(("sample_tests.tests.OutcomeTests.test_deliberate_failure", "failed"), tests)
        self.assertEqual(len(tests), 15)

    def test_migrate_plan_and_the_migration_check(self):
        self.assertSame(["manage.py", "migrate", "--plan"])
        docs = {}
        for side in ("cold", "warm"):
            scratch = tempfile.mkdtemp(prefix="tldr-warm-check-")
            args = ["-m", "tldr_migrate_check", "--output", os.path.join(scratch, "result.json")]
            result = self.cold(args) if side == "cold" else self.server.run(args, lifeline=True)
            with open(os.path.join(scratch, "result.json")) as fh:
                doc = json.load(fh)
            shutil.rmtree(scratch)
            doc.pop("durationMs")
            docs[side] = (result.code, doc)
        self.assertEqual(docs["warm"], docs["cold"])
        self.assertEqual(docs["warm"][0], 0)

    # -- children that end badly; signals; the client going away ---------------------------

    def test_a_child_killed_mid_run_leaves_the_parent_serving(self):
        killed = []

        def kill_it(call):
            # From outside, like the OOM killer: not through the protocol.
            if b"sleeping" in call.stdout and not killed:
                killed.append(call.control[0]["pid"])
                os.kill(killed[0], signal.SIGKILL)

        warm = self.server.run(["manage.py", "sleep_then_print", "60"], step=kill_it)
        self.assertEqual((warm.code, warm.signal), (137, "SIGKILL"))
        self.assertEqual(self.server.run(["manage.py", "exit_with", "4"]).code, 4)
        self.assertFalse(os.path.exists("/proc/%d" % killed[0]))

    def test_a_signal_frame_interrupts_like_ctrl_c(self):
        cold = self.cold(["manage.py", "sleep_then_print", "60"], interrupt_after=b"sleeping")
        warm = self.server.run(["manage.py", "sleep_then_print", "60"], signal_after=b"sleeping")
        self.assertEqual(warm.key(support.normalise), cold.key(support.normalise))
        self.assertEqual((warm.code, warm.signal), (130, "SIGINT"))

    def test_the_client_going_away_stops_the_child(self):
        warm = self.server.run(["manage.py", "sleep_then_print", "60"], disconnect_after=b"sleeping", graceMs=2000)
        pid = warm.control[0]["pid"]
        deadline = time.monotonic() + 10
        while os.path.exists("/proc/%d" % pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertFalse(os.path.exists("/proc/%d" % pid), "the child outlived its client")
        self.assertEqual(self.server.run(["manage.py", "exit_with", "0"]).code, 0)

    def test_tldrs_preloaded_helpers_only_where_the_pythonpath_has_them(self):
        for helpers in (True, False):
            env = support.backend_env(pg, helpers=helpers)
            cold, warm = self.assertSame(["manage.py", "can_import", "tldr_testrunner"], env)
            self.assertEqual(cold.stdout.strip(), b"yes" if helpers else b"no")

    def test_celery_task_modules_and_the_broker_transport_are_preloaded(self):
        # The example backend loads its Celery app at start: a warm child starts with what sending
        # or running a task imports (and the redis transport of its broker), a cold one without.
        modules = ["manage.py", "loaded", "celery.app.trace", "celery.canvas", "kombu.transport.redis", "django.core.management.commands.createcachetable"]
        warm = self.server.run(modules)
        self.assertEqual(warm.code, 0, warm)
        self.assertNotIn(b"=no", warm.stdout, warm.stdout)
        cold = self.cold(modules)
        self.assertIn(b"celery.app.trace=no", cold.stdout, cold.stdout)
        pid = self.server.proc.pid
        self.assertEqual(support.threads_of(pid), 1)

    def test_a_held_request_runs_only_on_go(self):
        waited = []

        def go_later(call):
            if call.control and call.control[0].get("type") == "held" and not waited:
                time.sleep(0.3)  # the services being checked: the child is prepared and waits
                waited.append((call.streams[1], call.streams[2], list(call.control)))
                call.go()

        cold = self.cold(["manage.py", "check"])
        warm = self.server.run(["manage.py", "check"], hold=True, step=go_later)
        self.assertEqual(waited[0][:2], (b"", b""), "nothing ran before go")
        self.assertEqual([m["type"] for m in waited[0][2]], ["held"])
        self.assertEqual([m["type"] for m in warm.control], ["held", "started", "exit"])
        self.assertEqual(warm.control[0]["pid"], warm.control[1]["pid"])
        self.assertEqual(warm.key(support.normalise), cold.key(support.normalise))

    def test_a_held_child_killed_before_go_is_reported_as_killed(self):
        def kill_then_go(call):
            if call.control and call.control[0].get("type") == "held" and len(call.control) == 1 and not getattr(call, "went", False):
                pid = call.control[0]["pid"]
                os.kill(pid, signal.SIGKILL)  # from outside, like the OOM killer, before go
                deadline = time.monotonic() + 10
                while not dead(pid) and time.monotonic() < deadline:
                    time.sleep(0.02)
                call.went = True
                call.go()

        warm = self.server.run(["manage.py", "sleep_then_print", "60"], hold=True, step=kill_then_go)
        self.assertEqual((warm.code, warm.signal), (137, "SIGKILL"), warm.control)
        self.assertEqual(self.server.run(["manage.py", "exit_with", "4"]).code, 4)

    def test_a_held_request_given_up_runs_nothing(self):
        held = []

        def give_up(call):
            if call.control and call.control[0].get("type") == "held" and not held:
                held.append(call.control[0]["pid"])
                call.disconnect()

        warm = self.server.run(["manage.py", "sleep_then_print", "60"], hold=True, step=give_up)
        self.assertEqual((warm.stdout, warm.stderr), (b"", b""))
        deadline = time.monotonic() + 10
        while os.path.exists("/proc/%d" % held[0]) and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertFalse(os.path.exists("/proc/%d" % held[0]), "the held child outlived its client")
        self.assertEqual(self.server.run(["manage.py", "exit_with", "3"], hold=True, step=go_once()).code, 3)

    def slow_test_run(self, stop):
        """A `tldr test`-style run of a 60 s test on its own test database; ``stop(call, seen)``
        runs once the test holds the database. Returns (outcome, what was seen then, db name)."""
        markers = tempfile.mkdtemp(prefix="tldr-warm-slow-")
        suffix = "warm%d%d" % (os.getpid(), int(time.time() * 1000) % 100000)
        database = "test_tldr_%s" % suffix
        # The server's env plus tldr's per-run variables and a compatible PYTHONPATH addition.
        env = dict(self.env, PYTHONPATH=os.pathsep.join([support.HELPERS, support.FIXTURE_APPS, SLOW]), TLDR_SLOW_MARKERS=markers, TLDR_TEST_DB_SUFFIX=suffix, TLDR_TEST_EVENTS=os.path.join(markers, "events.ndjson"))
        args = ["manage.py", "test", "--noinput", "--testrunner", "tldr_testrunner.TldrTestRunner", "slow_tests.tests"]
        seen = {}

        def step(call):
            if "db" not in seen and [n for n in os.listdir(markers) if n != "events.ndjson"]:
                seen["db"] = pg.query("SELECT count(*) FROM pg_database WHERE datname = %s", database)
                seen["connections"] = support.client_backends(pg)
                stop(call, seen)

        try:
            warm = self.server.run(args, env=env, lifeline=True, stopSignal="SIGINT", graceMs=20000, step=step)
        finally:
            shutil.rmtree(markers, ignore_errors=True)
        self.assertEqual(seen.get("db"), [(1,)], warm)
        self.assertTrue(seen["connections"], "the running test holds a connection (so the checks can fail)")
        return warm, seen, database

    def test_ctrl_c_of_a_test_run_tears_its_database_down(self):
        def ctrl_c_twice(call, seen):
            # A person's Ctrl-C, twice: unittest stops after the test at the first, interrupts it at the second.
            call.signal("SIGINT")
            time.sleep(0.3)
            call.signal("SIGINT")

        warm, _, database = self.slow_test_run(ctrl_c_twice)
        self.assertIn(warm.code, (1, 130), warm)
        self.assertLess(warm.seconds, 45)
        self.assertEqual(pg.query("SELECT count(*) FROM pg_database WHERE datname = %s", database), [(0,)], warm)
        self.assertEqual(support.client_backends(pg), [])

    def test_a_client_gone_mid_test_run_tears_its_database_down(self):
        def vanish(call, seen):
            seen["pid"] = call.control[0]["pid"]
            call.disconnect()  # tldr killed: the lifeline closes, SIGINT to the group

        warm, seen, database = self.slow_test_run(vanish)
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline and (os.path.exists("/proc/%d" % seen["pid"]) or pg.query("SELECT count(*) FROM pg_database WHERE datname = %s", database) != [(0,)]):
            time.sleep(0.2)
        self.assertFalse(os.path.exists("/proc/%d" % seen["pid"]), "the test run outlived its client")
        self.assertEqual(pg.query("SELECT count(*) FROM pg_database WHERE datname = %s", database), [(0,)])

    def test_requests_run_side_by_side(self):
        import threading

        results = []
        started = time.perf_counter()
        workers = [threading.Thread(target=lambda: results.append(self.server.run(["manage.py", "sleep_then_print", "1.5"]))) for _ in range(2)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(60)
        self.assertEqual([r.stdout for r in results], [b"sleeping\nwoke\n"] * 2)
        self.assertLess(time.perf_counter() - started, 2.9)  # not one after the other

    # -- nothing shared at fork -------------------------------------------------------------

    def test_the_parent_holds_no_connection_and_no_thread(self):
        self.server.run(["manage.py", "migrate", "--plan"])
        self.server.run(["manage.py", "test", "--keepdb", "--noinput", "documents"])
        pid = self.server.proc.pid
        self.assertEqual(support.threads_of(pid), 1)
        self.assertEqual(support.client_backends(pg), [])
        # A session answers its client before it exits; the parent counts it until it has reaped it.
        deadline = time.monotonic() + 10
        status = self.server.status()
        while status["active"] and time.monotonic() < deadline:
            time.sleep(0.05)
            status = self.server.status()
        self.assertEqual(status["active"], 0, status)
        self.assertGreater(status["watched"]["modules"], 300)

    # -- refusals that keep it serving ------------------------------------------------------

    def test_requests_it_will_not_run(self):
        for argv, options, words in (
            (["manage.py", "check"], {"tty": True}, "terminal"),
            (["manage.py", "runserver"], {}, "run it cold"),
            (["manage.py", "shell"], {}, "run it cold"),
            (["manage.py", "check", "--settings=tldr.settings"], {}, "--settings"),
            (["other.py"], {}, "only"),
            (["-c", "print(1)"], {}, "interpreter option"),
        ):
            answer = self.server.run(argv, **options).control
            self.assertEqual(answer[0]["type"], "refused", (argv, answer))
            self.assertIn(words, answer[0]["reason"])
        answer = self.server.run(["manage.py", "check"], cwd="/tmp").control
        self.assertEqual(answer[0]["type"], "refused")
        self.assertEqual(self.server.run(["manage.py", "check"]).code, 0)


class Staleness:
    """Each case edits a temp copy of the backend between two requests: the second is answered
    "stale" and the server exits 75 — a fresh one then sees the edit."""

    PYTHON = None

    def setUp(self):
        self.backend = support.copy_backend()
        self.env_file = os.path.join(os.path.dirname(self.backend), "backend.env")
        with open(self.env_file, "w") as fh:
            fh.write("FEATURE=on\n")
        self.env = support.backend_env(pg)
        self.server = support.ForkServer(self.PYTHON, self.env, cwd=self.backend, extra_args=["--watch", self.env_file])
        self.assertEqual(self.server.ready["event"], "ready", self.server.stderr_text())
        self.assertEqual(self.server.run(["manage.py", "check"]).code, 0)

    def tearDown(self):
        self.server.stop()
        shutil.rmtree(os.path.dirname(self.backend), ignore_errors=True)

    def assertStale(self, words, kind="files", env=None):
        answer = self.server.run(["manage.py", "check"], env=env)
        self.assertEqual(answer.control[0]["type"], "stale", answer.control)
        self.assertEqual(answer.control[0]["kind"], kind)
        self.assertIn(words, answer.control[0]["reason"])
        self.assertEqual(self.server.proc.wait(10), 75)
        self.assertEqual(self.server.announcement()["event"], "stale")
        self.assertFalse(os.path.exists(self.server.socket))

    def edit(self, relative, text, append=True):
        path = os.path.join(self.backend, relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "a" if append else "w") as fh:
            fh.write(text)

    def test_a_model_file(self):
        self.edit("documents/models.py", "\n# edited\n")
        self.assertStale("documents/models.py changed")

    def test_the_settings(self):
        self.edit("tldr/settings.py", "\nEDITED = True\n")
        self.assertStale("tldr/settings.py changed")

    def test_an_env_file(self):
        with open(self.env_file, "a") as fh:
            fh.write("FEATURE=off\n")
        self.assertStale("backend.env changed")

    def test_a_new_module_in_an_app(self):
        self.edit("documents/admin.py", "# autodiscovered by a plain start\n")
        self.assertStale("documents: new admin.py")

    def test_a_new_migration(self):
        self.edit("documents/migrations/0002_more.py", "# new\n")
        self.assertStale("0002_more.py")

    def test_a_lock_file(self):
        self.edit("uv.lock", "version = 1\n")
        self.assertStale("uv.lock changed")

    def test_the_environment(self):
        self.assertStale("SECRET_KEY", kind="env", env=dict(self.env, SECRET_KEY="another"))

    def test_a_project_variable_named_like_tldrs(self):
        # The example's settings read TLDR_EXAMPLE_EXTRA_APPS (INSTALLED_APPS): only tldr's own per-run names are ignored.
        self.assertStale("TLDR_EXAMPLE_EXTRA_APPS", kind="env", env=dict(self.env, TLDR_EXAMPLE_EXTRA_APPS="sample_tests"))

    def test_a_urlconf_that_raises_is_served_cold_until_fixed(self):
        urls = os.path.join(self.backend, "tldr", "urls.py")
        with open(urls) as fh:
            original = fh.read()
        self.edit("tldr/urls.py", "\nraise RuntimeError('urls broken mid-edit')\n")
        self.assertStale("tldr/urls.py changed")  # preloaded: its file is watched
        broken = support.ForkServer(self.PYTHON, self.env, cwd=self.backend)
        try:
            self.assertEqual(broken.ready["event"], "ready", broken.stderr_text())
            cold = support.run_bare(self.PYTHON, ["manage.py", "check"], self.env, cwd=self.backend)
            self.assertNotEqual(cold.code, 0)
            self.assertIn(b"urls broken mid-edit", cold.stderr)
            answer = broken.run(["manage.py", "check"])
            self.assertEqual(answer.control[0]["type"], "refused", answer.control)
            self.assertIn("tldr.urls raised RuntimeError on import: urls broken mid-edit", answer.control[0]["reason"])
            self.assertEqual(broken.status()["broken"], answer.control[0]["reason"])
            with open(urls, "w") as fh:
                fh.write(original)
            fixed = broken.run(["manage.py", "check"])
            self.assertEqual(fixed.control[0]["type"], "stale", fixed.control)
            self.assertIn("urls.py changed", fixed.control[0]["reason"])
        finally:
            broken.stop()

    def test_the_status_counts_and_a_compatible_env(self):
        # tldr's per-run variables and a PYTHONPATH without the helper folder are not changes.
        ok = self.server.run(["manage.py", "check"], env=dict(self.env, TLDR_TEST_EVENTS="/tmp/x", PYTHONPATH=support.FIXTURE_APPS))
        self.assertEqual(ok.code, 0)
        status = self.server.status()
        self.assertEqual(status["served"], 2)
        self.assertEqual(status["settings"], "tldr.settings")
        self.assertEqual(status["reason"], "started")
        for key in ("modules", "files", "folders", "migrationFolders", "envKeys"):
            self.assertGreater(status["watched"][key], 0, key)


class Lifecycle:
    PYTHON = None

    def test_idle_timeout(self):
        server = support.ForkServer(self.PYTHON, support.backend_env(pg), idle_timeout=1)
        try:
            self.assertEqual(server.proc.wait(20), 0)
            self.assertEqual(server.announcement()["event"], "exit")
            self.assertFalse(os.path.exists(server.socket))
        finally:
            server.stop()

    def test_sigterm_stops_a_running_command(self):
        server = support.ForkServer(self.PYTHON, support.backend_env(pg))
        try:
            import threading

            result = {}
            worker = threading.Thread(target=lambda: result.setdefault("run", server.run(["manage.py", "sleep_then_print", "60"], graceMs=5000)))
            worker.start()
            deadline = time.monotonic() + 30
            while server.status()["active"] == 0 and time.monotonic() < deadline:
                time.sleep(0.05)
            time.sleep(0.5)
            server.proc.send_signal(signal.SIGTERM)
            self.assertEqual(server.proc.wait(30), 0)
            worker.join(30)
            self.assertEqual((result["run"].code, result["run"].signal), (143, "SIGTERM"))
            self.assertFalse(os.path.exists(server.socket))
        finally:
            server.stop()

    def test_settings_that_read_argv_are_refused(self):
        server = support.ForkServer(self.PYTHON, support.backend_env(pg, {"DJANGO_SETTINGS_MODULE": "sample_commands.argv_settings"}))
        try:
            self.assertEqual(server.ready["event"], "refused")
            self.assertIn("argv_settings.py", server.ready["reason"])
            self.assertEqual(server.proc.wait(10), 3)
        finally:
            server.stop()

    def test_a_thread_left_by_the_start_is_refused(self):
        server = support.ForkServer(self.PYTHON, support.backend_env(pg, {"DJANGO_SETTINGS_MODULE": "sample_commands.thread_settings"}))
        try:
            self.assertEqual(server.ready["event"], "refused")
            self.assertIn("left-by-settings", server.ready["reason"])
            self.assertEqual(server.proc.wait(10), 3)
        finally:
            server.stop()

    def test_a_socket_left_open_by_the_start_is_refused_before_any_fork(self):
        server = support.ForkServer(self.PYTHON, support.backend_env(pg, {"DJANGO_SETTINGS_MODULE": "sample_commands.socket_settings"}))
        try:
            self.assertEqual(server.ready["event"], "refused")
            self.assertIn("1 socket(s) open", server.ready["reason"])
            self.assertEqual(server.proc.wait(10), 3)
        finally:
            server.stop()

    def test_a_second_server_on_the_same_socket_is_refused(self):
        first = support.ForkServer(self.PYTHON, support.backend_env(pg))
        try:
            second = support.subprocess.run([self.PYTHON, "-m", "tldr_forkserver", "--socket", first.socket], cwd=support.EXAMPLE, env=support.backend_env(pg), capture_output=True, timeout=60)
            self.assertEqual(second.returncode, 3)
            self.assertIn(b"another fork server answers", second.stdout)
            self.assertEqual(os.stat(first.socket).st_mode & 0o777, 0o600)
            self.assertEqual(first.run(["manage.py", "exit_with", "0"]).code, 0)
        finally:
            first.stop()


class Prepared:
    """A `tldr test --keepdb` (``prepare``) leaves the next identical run prepared: its test
    databases set up, its tests not yet discovered, no connection open. The run that adopts it
    gives a fresh run's result; a set-up it cannot vouch for is made again; it never outlives
    the server."""

    PYTHON = None
    RUNNER = ["manage.py", "test", "--noinput", "--testrunner", "tldr_testrunner.TldrTestRunner", "--keepdb", "--"]

    def setUp(self):
        self.probes = tempfile.mkdtemp(prefix="tldr-warm-probes-")
        self.addCleanup(shutil.rmtree, self.probes, True)
        # A test module of its own, outside the backend: only the runs' children import it.
        self.write_probe(ok=True)
        self.env = support.backend_env(pg)
        self.env["PYTHONPATH"] = os.pathsep.join([self.env["PYTHONPATH"], self.probes])
        self.server = support.ForkServer(self.PYTHON, self.env)
        self.addCleanup(self.server.stop)
        self.assertEqual(self.server.ready["event"], "ready", self.server.stderr_text())

    def write_probe(self, ok):
        with open(os.path.join(self.probes, "prepared_probe_tests.py"), "w") as fh:
            fh.write("from django.test import TestCase\n\n\nclass ProbeTests(TestCase):\n    def test_probe(self):\n        self.assertTrue(%r)\n" % ok)

    def request(self, labels):
        scratch = tempfile.mkdtemp(prefix="tldr-warm-prepared-")
        self.addCleanup(shutil.rmtree, scratch, True)
        env = dict(self.env, TLDR_TEST_EVENTS=os.path.join(scratch, "events.ndjson"))
        open(env["TLDR_TEST_EVENTS"], "w").close()
        return self.RUNNER + labels, env

    def run_test(self, labels, hold=True):
        """One `tldr test --keepdb` through the server, held like tldr's; (outcome, events)."""
        args, env = self.request(labels)
        options = {"hold": True, "step": go_once()} if hold else {}
        outcome = self.server.run(args, env=env, lifeline=True, stopSignal="SIGINT", graceMs=20000, prepare=True, lateEnv=["TLDR_TEST_EVENTS"], **options)
        return outcome, events(env["TLDR_TEST_EVENTS"])

    def paused(self):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            prepared = self.server.status()["prepared"]
            if prepared and prepared["paused"]:
                return prepared
            time.sleep(0.05)
        self.fail("no prepared run: %r %s" % (self.server.status(), self.server.stderr_text()))

    def started(self, outcome):
        return next(m for m in outcome.control if m["type"] == "started")

    def summary(self, outcome, found):
        return (outcome.code, [(e["id"], e["outcome"]) for e in found if e["type"] == "test"], [{k: v for k, v in e.items() if k != "durationMs"} for e in found if e["type"] in ("start", "end")], outcome.key(support.normalise)[2:])

    def test_the_run_that_adopts_it_gives_a_fresh_runs_result(self):
        labels = ["sample_tests", "documents", "prepared_probe_tests"]
        first, _ = self.run_test(labels)
        self.assertNotIn("prepared", self.started(first))
        self.paused()
        # No connection to a database of the run: one idle session to `postgres`, for the check at wake.
        self.assertEqual([tuple(r) for r in support.client_backends(pg)], [("postgres", "tldr prepared run", "idle")], "the prepared run waits with no connection to its databases open")
        warm, warm_events = self.run_test(labels)
        self.assertEqual(self.started(warm)["prepared"]["setUpAgain"], None, warm.control)
        self.assertEqual(self.server.status()["adopted"], 1)
        args, env = self.request(labels)
        cold = self.cold(args, env)
        self.assertEqual(self.summary(warm, warm_events), self.summary(cold, events(env["TLDR_TEST_EVENTS"])))
        self.assertEqual(warm.code, 1)  # sample_tests fails on purpose
        self.assertIn(("prepared_probe_tests.ProbeTests.test_probe", "passed"), [(e["id"], e["outcome"]) for e in warm_events if e["type"] == "test"])

    def test_a_test_module_edited_while_it_waits_runs_as_edited(self):
        self.run_test(["prepared_probe_tests"])
        self.paused()
        self.write_probe(ok=False)
        warm, found = self.run_test(["prepared_probe_tests"])
        self.assertEqual(self.started(warm)["prepared"]["setUpAgain"], None, warm.control)
        self.assertEqual([(e["id"], e["outcome"]) for e in found if e["type"] == "test"], [("prepared_probe_tests.ProbeTests.test_probe", "failed")])
        self.assertEqual(warm.code, 1)

    def test_a_session_on_the_test_database_since_makes_it_set_up_again(self):
        self.run_test(["prepared_probe_tests"])
        self.paused()
        import psycopg2

        other = psycopg2.connect(**pg.params("test_tldr"))  # someone else: a bare run, a psql
        other.close()
        warm, found = self.run_test(["prepared_probe_tests"], hold=False)
        again = self.started(warm)["prepared"]["setUpAgain"]
        self.assertIn("the test database was used since", again or "", warm.control)
        self.assertEqual(warm.code, 0, warm)
        self.assertEqual([(e["id"], e["outcome"]) for e in found if e["type"] == "test"], [("prepared_probe_tests.ProbeTests.test_probe", "passed")])
        self.assertIn(b"Using existing test database for alias 'default'", warm.stderr)
        self.assertEqual(warm.stderr.count(b"Using existing test database"), 1, warm.stderr)

    def test_its_idle_session_ended_by_the_server_the_check_takes_a_new_one(self):
        self.run_test(["prepared_probe_tests"])
        self.paused()
        ended = pg.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'tldr prepared run'")
        self.assertEqual([tuple(r) for r in ended], [(True,)])
        warm, found = self.run_test(["prepared_probe_tests"])
        self.assertEqual(self.started(warm)["prepared"]["setUpAgain"], None, warm.control)
        self.assertEqual([(e["id"], e["outcome"]) for e in found if e["type"] == "test"], [("prepared_probe_tests.ProbeTests.test_probe", "passed")])

    def test_another_run_discards_it_and_nothing_outlives_the_server(self):
        self.run_test(["prepared_probe_tests"])
        first = self.paused()
        other, _ = self.run_test(["documents"])
        self.assertEqual(other.code, 0, other)
        self.assertNotIn("prepared", self.started(other))
        deadline = time.monotonic() + 10
        while not dead(first["pid"]) and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertTrue(dead(first["pid"]), "a prepared run that another run replaced is gone")
        second = self.paused()  # the one `documents` left
        # The discarded run closed its idle session before it ended: only the new one's is left.
        self.assertEqual([tuple(r) for r in support.client_backends(pg)], [("postgres", "tldr prepared run", "idle")])
        children = support.children_of(second["pid"])
        self.server.stop()
        for pid in [second["pid"]] + children:
            deadline = time.monotonic() + 10
            while not dead(pid) and time.monotonic() < deadline:
                time.sleep(0.05)
            self.assertTrue(dead(pid), "pid %d outlived the server" % pid)
        self.assertEqual(support.client_backends(pg), [])

    def test_a_client_gone_before_go_leaves_it_unused_and_the_next_one_serves(self):
        self.run_test(["prepared_probe_tests"])
        self.paused()
        seen = []

        def give_up(call):
            if call.control and call.control[0].get("type") == "held" and not seen:
                seen.append(call.control[0]["pid"])
                call.disconnect()

        args, env = self.request(["prepared_probe_tests"])
        gone = self.server.run(args, env=env, lifeline=True, stopSignal="SIGINT", prepare=True, lateEnv=["TLDR_TEST_EVENTS"], hold=True, step=give_up)
        self.assertEqual((gone.stdout, gone.stderr), (b"", b""))
        self.assertEqual(events(env["TLDR_TEST_EVENTS"]), [], "nothing of the run ran")
        deadline = time.monotonic() + 10
        while not dead(seen[0]) and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertTrue(dead(seen[0]))
        # What it opened when it was adopted (its test database's session, its maintenance
        # session) is closed; the run prepared next has a maintenance session of its own.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            left = [tuple(r) for r in support.client_backends(pg) if r[0] == "test_tldr" or r[1] == "tldr prepared run"]
            if len(left) <= 1 and "test_tldr" not in [r[0] for r in left]:
                break
            time.sleep(0.05)
        self.assertLessEqual(len(left), 1, left)
        self.assertNotIn("test_tldr", [r[0] for r in left])
        again, found = self.run_test(["prepared_probe_tests"])
        self.assertEqual(again.code, 0, again)

    def cold(self, args, env):
        return support.run_bare(self.PYTHON, args, env, own_group=True)


support.for_each_django(Served, globals(), "Served")
support.for_each_django(Staleness, globals(), "Staleness")
support.for_each_django(Lifecycle, globals(), "Lifecycle")
support.for_each_django(Prepared, globals(), "Prepared")


if __name__ == "__main__":
    unittest.main()
