"""Run the web server, a Celery worker and Celery beat together, and stop all three together.

``make run`` uses this so that the embedded default behaves like production: outbox deliveries and
periodic tasks (hold expiry, reminders, relay) keep happening while you click around. Each child runs
in its own process group; Ctrl-C (or SIGTERM, or any child exiting) stops every group, politely
first and with SIGKILL after a grace period. Output is prefixed with the child's name, less the
children's start-up chatter (banners, runserver's notices); once the server answers, a short block says
where it is and who can sign in. Then the console has one line per request, and the tasks' lines.

    python scripts/devserver.py [--host 127.0.0.1] [--port 8000] [--no-worker] [--no-beat]
"""

import argparse
import contextlib
import os
import re
import selectors
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
from studio.demo_logins import DEMO_LOGINS, DEMO_PASSWORD  # noqa: E402 (no Django: a plain module)

GRACE_SECONDS = 10
#: Seconds after which the ready block is shown even if the worker has not said it is ready.
READY_WAIT_SECONDS = 60
#: What the children print at start that a person does not need (the ready block says where the server
#: is); anything else, errors and system-check issues included, is shown.
CHATTER = re.compile(
    r"^\s*$"
    r"|Watching for file changes with"
    r"|^Performing system checks\.\.\.$"
    r"|^System check identified no issues"
    r"|^\w+ \d{1,2}, \d{4} - \d\d:\d\d:\d\d$"  # runserver's start date
    r"|^Django version \S+, using settings"
    r"|^Starting development server at "
    r"|^Quit the server with "
    r"|^WARNING: This is a development server\."
    r"|^For more information on production servers see"
)
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
    celery = [python, "-m", "celery", "-A", "config", "--quiet"]  # --quiet: no banners
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
        self.announced = False
        self.worker_ready = "worker" not in wanted
        self.started_at = time.monotonic()

    def say(self, name: str, line: str) -> None:
        label = f"{name:<{self.width}} |"
        if self.colour:
            label = f"{COLOURS.get(name, '')}{label}{RESET}"
        sys.stdout.write(f"{label} {line}\n")
        sys.stdout.flush()

    def start(self) -> None:
        # the worker and beat log the routine notification tasks at DEBUG (config/celery.py)
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "CELERY_ROUTINE_TASKS_AT_DEBUG": "1"}
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
                text = line.decode(errors="replace").rstrip("\r")
                if name == "worker" and re.search(r"celery@\S+ ready\.", text):
                    self.worker_ready = True
                if not CHATTER.search(text):
                    self.say(name, text)

    def web_address(self) -> tuple[str, int]:
        host, _, port = self.wanted["web"][-1].rpartition(":")
        host = host.strip("[]")
        return ("127.0.0.1" if host in ("0.0.0.0", "") else "::1" if host == "::" else host), int(port)

    def web_listening(self) -> bool:
        try:
            with socket.create_connection(self.web_address(), timeout=0.2):
                return True
        except OSError:
            return False

    def announce_when_ready(self) -> None:
        """Once the server answers (and the worker is ready, or a minute has gone): where, and who."""
        if self.announced or self.stopping or not self.web_listening():
            return
        if not self.worker_ready and time.monotonic() - self.started_at < READY_WAIT_SECONDS:
            return
        self.announced = True
        address = f"http://{self.wanted['web'][-1]}/"
        var_dir = os.environ.get("VAR_DIR") or "var"
        mail = "" if os.environ.get("EMAIL_HOST") else f"Emails are written to {var_dir.rstrip('/')}/mail/. "
        logins = ", ".join(f"{name} ({who})" for name, who in DEMO_LOGINS)
        for line in (
            "",
            f"  Shooting Circle is running at {address}  (admin: {address}admin/, API: {address}api/docs/)",
            f"  Demo sign-ins, password {DEMO_PASSWORD}: {logins}",
            f"  {mail}Ctrl-C stops the web server, the worker and beat together.",
            "",
        ):
            sys.stdout.write(f"{line}\n")
        sys.stdout.flush()

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
        while True:
            self.pump(0.2)
            self.announce_when_ready()
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
