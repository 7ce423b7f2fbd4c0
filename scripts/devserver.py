"""Run the web server, a Celery worker and Celery beat together, and stop all three together.

``make run`` uses this so that the embedded default behaves like production: outbox deliveries and
periodic tasks (hold expiry, reminders, relay) keep happening while you click around. Each child runs
in its own process group; Ctrl-C (or SIGTERM, or any child exiting) stops every group, politely
first and with SIGKILL after a grace period. Output is prefixed with the child's name.

    python scripts/devserver.py [--host 127.0.0.1] [--port 8000] [--no-worker] [--no-beat]
"""

import argparse
import contextlib
import os
import selectors
import signal
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
GRACE_SECONDS = 10
COLOURS = {"web": "\033[32m", "worker": "\033[36m", "beat": "\033[35m"}
RESET = "\033[0m"


def _die_with_parent() -> None:
    """Linux: deliver SIGTERM to the child if this runner dies without cleaning up (e.g. SIGKILL)."""
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM)
    except (OSError, AttributeError):
        pass


def commands(*, host: str, port: int, worker: bool, beat: bool) -> dict[str, list[str]]:
    python = sys.executable
    celery = [python, "-m", "celery", "-A", "config"]
    wanted = {"web": [python, "manage.py", "runserver", f"{host}:{port}"]}
    if worker:
        # One process is plenty for a demo and keeps SQLite to a single writer per process.
        pool = os.environ.get("DEVSERVER_WORKER_POOL", "solo")
        wanted["worker"] = [
            *celery,
            "worker",
            f"--pool={pool}",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
        ]
    if beat:
        wanted["beat"] = [*celery, "beat", "--loglevel=INFO"]
    return wanted


class Runner:
    def __init__(self, wanted: dict[str, list[str]]):
        self.wanted = wanted
        self.children: dict[str, subprocess.Popen] = {}
        self.selector = selectors.DefaultSelector()
        self.stopping = False
        self.colour = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
        self.width = max(len(name) for name in wanted)
        self.partial: dict[str, bytes] = {}

    def say(self, name: str, line: str) -> None:
        label = f"{name:<{self.width}} |"
        if self.colour:
            label = f"{COLOURS.get(name, '')}{label}{RESET}"
        sys.stdout.write(f"{label} {line}\n")
        sys.stdout.flush()

    def start(self) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        for name, argv in self.wanted.items():
            child = subprocess.Popen(
                argv,
                cwd=BASE_DIR,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_die_with_parent if sys.platform == "linux" else None,
            )
            self.children[name] = child
            os.set_blocking(child.stdout.fileno(), False)
            self.selector.register(child.stdout, selectors.EVENT_READ, name)
            self.say(name, f"started (pid {child.pid}): {' '.join(argv[1:])}")

    def pump(self, timeout: float) -> None:
        for key, _events in self.selector.select(timeout):
            name = key.data
            chunk = key.fileobj.read()
            if chunk is None:
                continue
            if not chunk:
                self.selector.unregister(key.fileobj)
                chunk = b"\n" if self.partial.get(name) else b""
            *lines, self.partial[name] = (self.partial.get(name, b"") + chunk).split(b"\n")
            for line in lines:
                self.say(name, line.decode(errors="replace").rstrip("\r"))

    def first_exited(self) -> tuple[str, int] | None:
        for name, child in self.children.items():
            code = child.poll()
            if code is not None:
                return name, code
        return None

    def stop(self, reason: str) -> None:
        if self.stopping:
            return
        self.stopping = True
        self.say("web", f"stopping all ({reason}) ...")
        for child in self.children.values():
            self._signal_group(child, signal.SIGTERM)
        deadline = time.monotonic() + GRACE_SECONDS
        while time.monotonic() < deadline and any(c.poll() is None for c in self.children.values()):
            self.pump(0.2)
        for name, child in self.children.items():
            if child.poll() is None:
                self.say(name, f"did not stop within {GRACE_SECONDS}s: killing")
            # Kill the whole group even when the leader has exited (runserver's reloader child).
            self._signal_group(child, signal.SIGKILL)
            child.wait()
        self.pump(0)
        for name, child in self.children.items():
            self.say(name, f"stopped (exit {child.returncode})")

    @staticmethod
    def _signal_group(child: subprocess.Popen, sig: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, sig)

    def run(self) -> int:
        interrupted = []

        def on_signal(signum, _frame):
            interrupted.append(signum)

        signal.signal(signal.SIGINT, on_signal)
        signal.signal(signal.SIGTERM, on_signal)
        signal.signal(signal.SIGHUP, on_signal)
        self.start()
        host_port = self.wanted["web"][-1]
        self.say("web", f"Shooting Circle on http://{host_port}/ (admin: /admin/, API docs: /api/docs/)")
        self.say("web", "Ctrl-C stops the web server, the worker and beat together.")
        while True:
            self.pump(0.2)
            if interrupted:
                self.stop(signal.Signals(interrupted[0]).name)
                return 0
            exited = self.first_exited()
            if exited:
                name, code = exited
                self.say(name, f"exited with {code}")
                self.stop(f"{name} exited")
                return code or 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--no-worker", dest="worker", action="store_false", help="Do not start a worker.")
    parser.add_argument("--no-beat", dest="beat", action="store_false", help="Do not start beat.")
    args = parser.parse_args(argv)
    wanted = commands(host=args.host, port=args.port, worker=args.worker, beat=args.beat)
    return Runner(wanted).run()


if __name__ == "__main__":
    sys.exit(main())
