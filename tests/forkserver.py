"""Run `python -m skillrepo` many times without starting Python each time: a server process imports the package
once, then forks a child per run. The child is a real process, as the command line makes it (its own standard
streams, working directory, environment and resource limits, an exit status or a signal), started from an
interpreter that has already imported what every command imports. Its CPU time is measured by wait4 on that child
alone, so it is the command's own cost, without the interpreter's start-up.

The server reads one request per line (JSON) on one pipe and answers on another: {"pid": N} once the child is forked
(so that the client can kill a hung child), then {"status": S, "cpu": SECONDS} once it has ended, S as
subprocess gives it (negative for a signal).
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any


def _child(request: dict[str, Any], pipes: tuple[int, int]) -> None:
    """In the forked child: become the command line's process, run it, and exit as Python would."""
    import resource
    import runpy
    import traceback

    code = 1
    try:
        for fd in pipes:
            os.close(fd)
        for fd, (path, flags) in enumerate(((request["stdin"], os.O_RDONLY), (request["stdout"], os.O_WRONLY),
                                            (request["stderr"], os.O_WRONLY))):
            opened = os.open(path, flags)
            os.dup2(opened, fd)
            os.close(opened)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        for name, value in request["limits"].items():
            resource.setrlimit(getattr(resource, name), (value, value))
        if "skillrepo.locking" in sys.modules:  # each process has its own lock token: never share the server's
            import secrets
            sys.modules["skillrepo.locking"]._token = secrets.token_hex(32)  # type: ignore[attr-defined]
        # As `python -m` makes it: the working directory first on the path, not the server's.
        here = str(Path(__file__).parent)  # the server's own way in, and `python -c`'s "": not the command's
        sys.path[:] = [os.getcwd(), *(p for p in sys.path if p not in (here, ""))]
        sys.argv = ["skillrepo", *request["args"]]
        runpy.run_module("skillrepo", run_name="__main__", alter_sys=True)
        code = 0
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            code = exc.code or 0
        else:
            print(exc.code, file=sys.stderr)
    except BaseException:  # noqa: BLE001 - as the interpreter does: the traceback on stderr, exit 1
        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def serve(requests_fd: int, answers_fd: int) -> None:
    """The server's loop: import every module of the package, then fork one child per request."""
    import importlib
    import pkgutil

    import skillrepo

    for module in pkgutil.walk_packages(skillrepo.__path__, "skillrepo."):
        if module.name != "skillrepo.__main__":
            importlib.import_module(module.name)
    requests = os.fdopen(requests_fd, "rb")
    for line in requests:
        request = json.loads(line)
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            _child(request, (requests_fd, answers_fd))
        os.write(answers_fd, json.dumps({"pid": pid}).encode() + b"\n")
        _, status, usage = os.wait4(pid, 0)
        answer = {"status": os.waitstatus_to_exitcode(status), "cpu": usage.ru_utime + usage.ru_stime}
        os.write(answers_fd, json.dumps(answer).encode() + b"\n")


class ForkServer:
    """The client: start the server once, then run commands in children of it."""

    def __init__(self, env: dict[str, str]) -> None:
        self._requests_r, self._requests = os.pipe()
        self._answers, self._answers_w = os.pipe()
        self._process = subprocess.Popen(
            [sys.executable, "-c", "import sys; sys.path.insert(0, sys.argv[1]); import forkserver; "
             "forkserver.serve(int(sys.argv[2]), int(sys.argv[3]))",
             str(Path(__file__).parent), str(self._requests_r), str(self._answers_w)],
            pass_fds=(self._requests_r, self._answers_w), env=env, stdin=subprocess.DEVNULL)
        os.close(self._requests_r)
        os.close(self._answers_w)
        self._pending = b""

    def _answer(self, deadline: float | None) -> dict[str, Any] | None:
        """The next answer line, or None if none comes within `deadline` seconds."""
        while b"\n" not in self._pending:
            ready, _, _ = select.select([self._answers], [], [], deadline)
            if not ready:
                return None
            chunk = os.read(self._answers, 65536)
            if not chunk:
                raise AssertionError(f"the fork server ended (exit {self._process.wait()})")
            self._pending += chunk
        line, self._pending = self._pending.split(b"\n", 1)
        answer: dict[str, Any] = json.loads(line)
        return answer

    def run(self, args: list[str], cwd: Path, stdin: bytes, env: dict[str, str], limits: dict[str, int],
            hang_guard: float) -> tuple[subprocess.CompletedProcess[bytes], float]:
        """Run `python -m skillrepo ARGS` in a child; its result and its CPU seconds. A child that runs longer
        than `hang_guard` wall seconds is killed, and subprocess.TimeoutExpired raised."""
        with tempfile.TemporaryDirectory(prefix="forked-") as tmp:
            paths = {name: os.path.join(tmp, name) for name in ("stdin", "stdout", "stderr")}
            Path(paths["stdin"]).write_bytes(stdin)
            Path(paths["stdout"]).touch()
            Path(paths["stderr"]).touch()
            request = {"args": args, "cwd": str(cwd), "env": env, "limits": limits, **paths}
            os.write(self._requests, json.dumps(request).encode() + b"\n")
            started = self._answer(None)
            assert started is not None and "pid" in started
            ended = self._answer(hang_guard)
            if ended is None:
                os.kill(started["pid"], 9)
                self._answer(None)
                raise subprocess.TimeoutExpired(["skillrepo", *args], hang_guard)
            out, err = Path(paths["stdout"]).read_bytes(), Path(paths["stderr"]).read_bytes()
        return subprocess.CompletedProcess(["skillrepo", *args], ended["status"], out, err), ended["cpu"]

    def close(self) -> None:
        """End the server."""
        os.close(self._requests)
        self._process.wait()
        os.close(self._answers)
