#!/usr/bin/env python3
"""The Python helpers of issue 13 alone, side by side with the bare command (no Node, no tldr):

    python3 scripts/bench/python-helpers.py [--runs N] [--python PATH]

- bare: ``<python> manage.py …`` (and ``-m tldr_migrate_check``), total time;
- bootstrap: spawned, "ready" (Django set up) and "go" → exit, and go → first output byte;
- warm: one fork server, per request total and the first output byte, and its ``forkMs``
  (request received → the child about to run, staleness check included).

Not a figure of ``npm run bench`` (that one measures tldr end to end): this shows what each
helper can give before Node's own start is added. A Postgres container is started for the run
and removed by id.
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "test", "python"))

import support  # noqa: E402

COMMANDS = {
    "manage.py check": ["manage.py", "check"],
    "manage.py test --keepdb documents": ["manage.py", "test", "--keepdb", "--noinput", "documents"],
    "makemigrations --check --dry-run": ["manage.py", "makemigrations", "--check", "--dry-run"],
    "migrate --plan": ["manage.py", "migrate", "--plan"],
}


def median_ms(values):
    return statistics.median(values) * 1000.0


def bootstrap_once(python, args, env):
    boot = support.Bootstrap(python, args, env)
    ready = boot.event()
    ready_at = time.perf_counter() - boot.started
    boot.go(env)
    boot.event()
    fd = boot.proc.stdout.fileno()
    first = None
    import select

    chunks = []
    while True:
        readable = select.select([fd], [], [], 60)[0]
        if not readable:
            break
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        if first is None:
            first = time.perf_counter() - boot.go_at
        chunks.append(chunk)
    boot.proc.stdout = None
    boot.proc.wait()
    boot.close()
    done = time.perf_counter() - boot.go_at
    return ready_at, first if first is not None else done, done, ready


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--python", default=support.VENV_PYTHON)
    args = parser.parse_args()
    pg = support.Postgres()
    try:
        env = support.backend_env(pg)
        support.migrate(args.python, env)
        print("python %s, Django %s, %d runs each (median), load %s" % (args.python, support.django_version(args.python), args.runs, open("/proc/loadavg").read().split()[:3]))
        server = support.ForkServer(args.python, env)
        print("fork server boot: %s ms (ready announcement)" % server.ready.get("bootMs"))
        rows = []
        for name, argv in COMMANDS.items():
            bare, ready, after_go, go_first, warm, warm_first, fork = [], [], [], [], [], [], []
            for i in range(args.runs + 1):
                b = support.run_bare(args.python, argv, env)
                r, f, d, _ = bootstrap_once(args.python, argv, env)
                w = server.run(argv)
                if w.control[0].get("type") != "started":
                    raise SystemExit("warm request not served: %r" % w.control)
                if i == 0:
                    continue  # warm-up
                bare.append(b.seconds)
                ready.append(r)
                go_first.append(f)
                after_go.append(d)
                warm.append(w.seconds)
                warm_first.append(w.first_output or w.seconds)
                fork.append(w.control[0]["forkMs"] / 1000.0)
            rows.append((name, median_ms(bare), median_ms(ready), median_ms(go_first), median_ms(after_go), median_ms(warm), median_ms(warm_first), median_ms(fork)))
        server.stop()
        print("\n| command | bare | bootstrap ready | go → 1st byte | go → exit | warm total | warm 1st byte | warm forkMs | warm / bare |")
        print("|---|---|---|---|---|---|---|---|---|")
        for name, bare, ready, first, after_go, warm, warm_first, fork in rows:
            print("| `%s` | %.0f ms | %.0f ms | %.0f ms | %.0f ms | %.0f ms | %.0f ms | %.1f ms | %.2f× |" % (name, bare, ready, first, after_go, warm, warm_first, fork, warm / bare))
    finally:
        pg.remove()


if __name__ == "__main__":
    main()
