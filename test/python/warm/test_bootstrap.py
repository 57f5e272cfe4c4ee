"""The cold-path bootstrap against the bare command, on Django 5.2 and 3.2 with a real Postgres:
same exit code, same stdout and stderr (bytes, after run-to-run noise), same death by signal."""
import json
import os
import shutil
import signal
import time
import unittest

import support

pg = None


def setUpModule():
    global pg
    pg = support.module_postgres()


def tearDownModule():
    if pg is not None:
        pg.remove()


class Cases:
    PYTHON = None

    def env(self, **extra):
        return support.backend_env(pg, extra)

    def assertSame(self, args, env=None, interrupt_after=None):
        env = env or self.env()
        bare = support.run_bare(self.PYTHON, ["manage.py"] + args, env, interrupt_after=interrupt_after)
        boot = support.run_bootstrap(self.PYTHON, ["manage.py"] + args, env, interrupt_after=interrupt_after)
        self.assertEqual(boot.ready["mode"], "setup", boot.ready)
        self.assertEqual(boot.key(support.normalise), bare.key(support.normalise))
        return bare, boot

    def test_check(self):
        bare, _ = self.assertSame(["check"])
        self.assertEqual(bare.code, 0)
        self.assertIn(b"System check identified no issues", bare.stdout)

    def test_a_failing_command_exits_1(self):
        bare, _ = self.assertSame(["migrate", "nosuchapp"])
        self.assertEqual(bare.code, 1)
        self.assertIn(b"No installed app with label 'nosuchapp'", bare.stderr)

    def test_sys_exit_7(self):
        bare, _ = self.assertSame(["exit_with", "7"])
        self.assertEqual((bare.code, bare.stdout, bare.stderr), (7, b"exiting with 7\n", b"on stderr before exit\n"))

    def test_help(self):
        bare, _ = self.assertSame(["--help"])
        self.assertIn(b"Available subcommands", bare.stdout)
        self.assertSame(["check", "--help"])

    def test_an_uncaught_exception_has_the_same_traceback(self):
        bare, _ = self.assertSame(["explode"])
        self.assertEqual(bare.code, 1)
        self.assertIn(b'manage.py", line', bare.stderr)
        self.assertNotIn(b"tldr_bootstrap", bare.stderr)

    def test_death_by_a_signal(self):
        bare, _ = self.assertSame(["abort"])
        self.assertEqual((bare.code, bare.signal), (134, "SIGABRT"))

    def test_sigint_mid_command(self):
        bare, boot = self.assertSame(["sleep_then_print", "30"], interrupt_after=b"sleeping")
        self.assertEqual((bare.code, bare.signal), (130, "SIGINT"))
        self.assertIn(b"KeyboardInterrupt", boot.stderr)
        self.assertLess(boot.seconds, 20)

    def test_the_program_sees_a_plain_start(self):
        bare, _ = self.assertSame(["describe_process", "--env", "DJANGO_SETTINGS_MODULE", "--env", "TZ"])
        seen = json.loads(bare.stdout.decode().splitlines()[-1])
        self.assertEqual(seen["argv"], ["manage.py", "describe_process", "--env", "DJANGO_SETTINGS_MODULE", "--env", "TZ"])
        self.assertEqual(seen["main_file"], os.path.join(support.EXAMPLE, "manage.py"))
        self.assertEqual(seen["fds"], [0, 1, 2, 3])  # 3: the listing of /proc/self/fd itself
        self.assertIn(b"a logger created while the apps loaded still logs", bare.stdout)

    def test_threads_and_atexit_end_the_program_as_usual(self):
        bare, _ = self.assertSame(["finish_late"])
        self.assertEqual(bare.stdout, b"handle returned\nthread finished\natexit ran\n")

    def test_logging_is_configured_once(self):
        # disable_existing_loggers=True: a second dictConfig would silence sample_commands.models.
        env = self.env(DJANGO_SETTINGS_MODULE="sample_commands.strict_logging_settings")
        bare, _ = self.assertSame(["describe_process"], env=env)
        self.assertIn(b"a logger created while the apps loaded still logs", bare.stdout)

    def test_what_the_settings_print_comes_out_on_go_or_never(self):
        env = self.env(DJANGO_SETTINGS_MODULE="sample_commands.printing_settings")
        bare, boot = self.assertSame(["exit_with", "5"], env=env)
        self.assertEqual(bare.stdout, b"printing_settings: loaded\nexiting with 5\n")
        self.assertEqual(bare.stderr, b"printing_settings: a note on stderr\non stderr before exit\n")
        quiet = support.Bootstrap(self.PYTHON, ["manage.py", "exit_with", "5"], env)
        self.assertEqual(quiet.event()["mode"], "setup")
        quiet.close()
        self.assertEqual(quiet.finish().key(), (0, None, "", ""))

    def test_end_of_file_runs_nothing(self):
        boot = support.Bootstrap(self.PYTHON, ["manage.py", "exit_with", "7"], self.env())
        ready = boot.event()
        self.assertEqual(ready["mode"], "setup")
        self.assertEqual(ready["settings"], "tldr.settings")
        boot.close()
        outcome = boot.finish()
        self.assertEqual(outcome.key(), (0, None, "", ""))

    def test_a_changed_environment_is_declined(self):
        env = self.env()
        moved = dict(env, POSTGRES_PORT="1", DATABASE_URL=env["DATABASE_URL"].replace(str(pg.port), "1"))
        outcome = support.run_bootstrap(self.PYTHON, ["manage.py", "exit_with", "7"], env, go_env=moved)
        self.assertEqual(outcome.key(), (0, None, "", ""))
        declined = outcome.control[-1]
        self.assertEqual(declined["event"], "declined")
        self.assertIn("DATABASE_URL", declined["reason"])
        self.assertNotIn(support.PASSWORD, declined["reason"])

    def test_a_modified_manage_py_only_overlaps_the_import(self):
        backend = support.copy_backend()
        try:
            manage = os.path.join(backend, "manage.py")
            with open(manage) as fh:
                text = fh.read()
            with open(manage, "w") as fh:
                fh.write(text.replace('    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tldr.settings")\n', '    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tldr.settings")\n    os.environ.setdefault("TLDR_MARK", "set by manage.py")\n'))
            env = self.env()
            args = ["manage.py", "describe_process", "--env", "TLDR_MARK"]
            bare = support.run_bare(self.PYTHON, args, env, cwd=backend)
            boot = support.run_bootstrap(self.PYTHON, args, env, cwd=backend)
            self.assertEqual(boot.ready["mode"], "import")
            self.assertIn("line 10", boot.ready["reason"])
            self.assertEqual(boot.key(support.normalise), bare.key(support.normalise))
            self.assertIn(b'"TLDR_MARK": "set by manage.py"', bare.stdout)
        finally:
            shutil.rmtree(os.path.dirname(backend), ignore_errors=True)

    def test_a_settings_option_only_overlaps_the_import(self):
        args = ["manage.py", "describe_process", "--settings", "sample_commands.strict_logging_settings"]
        env = self.env()
        bare = support.run_bare(self.PYTHON, args, env)
        boot = support.run_bootstrap(self.PYTHON, args, env)
        self.assertEqual(boot.ready["mode"], "import")
        self.assertEqual(boot.key(support.normalise), bare.key(support.normalise))

    def test_a_module_runs_like_python_m(self):
        args = ["-m", "tldr_migrate_check", "--list-rules", "--json"]
        env = self.env()
        bare = support.run_bare(self.PYTHON, args, env)
        boot = support.run_bootstrap(self.PYTHON, args, env)
        self.assertEqual(boot.ready["mode"], "setup")
        self.assertEqual(boot.key(), bare.key())
        self.assertEqual(bare.code, 0)

    def test_await_env_takes_the_environment_before_setting_django_up(self):
        full = self.env()
        early = {k: v for k, v in full.items() if not k.startswith(("POSTGRES_", "DATABASE_", "REDIS_", "CELERY_", "DJANGO_"))}
        boot = support.Bootstrap(self.PYTHON, ["manage.py", "describe_process", "--env", "POSTGRES_PORT"], early, await_env=True)
        boot.send({"op": "env", "env": full})
        ready = boot.event()
        self.assertEqual(ready["mode"], "setup", ready)
        boot.go(full)
        self.assertEqual(boot.event()["event"], "started")
        outcome = boot.finish()
        bare = support.run_bare(self.PYTHON, ["manage.py", "describe_process", "--env", "POSTGRES_PORT"], full)
        self.assertEqual(outcome.key(support.normalise), bare.key(support.normalise))

    def test_await_env_refuses_an_interpreter_variable_that_changed(self):
        full = self.env()
        boot = support.Bootstrap(self.PYTHON, ["manage.py", "exit_with", "3"], dict(full, PYTHONHASHSEED="1"), await_env=True)
        boot.send({"op": "env", "env": dict(full, PYTHONHASHSEED="2")})
        ready = boot.event()
        self.assertEqual(ready["mode"], "failed")
        self.assertIn("PYTHONHASHSEED", ready["reason"])
        boot.go(dict(full, PYTHONHASHSEED="2"))
        self.assertEqual(boot.event()["event"], "declined")
        self.assertEqual(boot.finish().key(), (0, None, "", ""))

    def test_timing_go_to_first_output_against_the_bare_total(self):
        env = self.env()
        bare = min((support.run_bare(self.PYTHON, ["manage.py", "check"], env) for _ in range(3)), key=lambda o: o.seconds)
        after_go = []
        for _ in range(3):
            boot = support.Bootstrap(self.PYTHON, ["manage.py", "check"], env)
            boot.event()
            boot.go(env)
            boot.event()
            first = support._read_until(boot.proc.stdout, b"System check")
            after_go.append(time.perf_counter() - boot.go_at)
            outcome = boot.finish()
            self.assertEqual(outcome.code, 0, first)
        # A report, not a goal: the whole point is that this is a fraction of the bare run.
        print("\n  [%s] go → first output %.0f ms (best of 3) vs bare `manage.py check` %.0f ms" % (self.PYTHON, min(after_go) * 1000, bare.seconds * 1000))
        self.assertLess(min(after_go), bare.seconds)


support.for_each_django(Cases, globals())


if __name__ == "__main__":
    unittest.main()
