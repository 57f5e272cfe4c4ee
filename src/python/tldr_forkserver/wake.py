"""Signals that wake a select() loop: the parent and each relay wait on sockets, pipes and child
exits at once, single-threaded (a thread in the parent would be copied half-way by every fork)."""
import os
import signal

__all__ = ["wake_on_signals", "drain"]


def wake_on_signals():
    """A non-blocking pipe the signal machinery writes to on every handled signal (SIGCHLD gets a
    handler so it counts); returns its read end for the select() list."""
    wake_r, wake_w = os.pipe()
    for fd in (wake_r, wake_w):
        os.set_blocking(fd, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    return wake_r


def drain(fd):
    try:
        while os.read(fd, 4096):
            pass
    except OSError:
        pass
