"""Running ffmpeg and ffprobe as child processes without blocking the event loop."""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import functools
import logging
import os
import shlex
import signal
from collections.abc import Awaitable, Callable, Sequence

log = logging.getLogger(__name__)

STDERR_TAIL = 20


# How a tool ends when this machine, not the file, stopped it: killed (by the kernel's out-of-memory killer, say) or
# told to stop. A tool that crashes on its own (SIGSEGV, SIGABRT) is taken to have met a file it could not read.
_STOPPED = {-signal.SIGKILL, -signal.SIGTERM, -signal.SIGINT, -signal.SIGHUP}
# What a tool says when this machine lacks what it needs, or the file is not where it should be.
_OUR_SIDE = (
    "cannot allocate memory",
    "resource temporarily unavailable",
    "too many open files",
    "no space left on device",
    "no such file or directory",
    "permission denied",
)


class MediaError(Exception):
    """ffmpeg or ffprobe failed. `tail` holds its last messages, which usually say why; `returncode` is how it
    ended (negative: killed by that signal), None when it ran well but what it gave was wrong."""

    def __init__(
        self, message: str, command: Sequence[str] = (), tail: str = "", returncode: int | None = None
    ) -> None:
        self.command = list(command)
        self.tail = tail
        self.returncode = returncode
        super().__init__(message)

    @property
    def ours(self) -> bool:
        """The failure was this machine's (the tool was stopped, or lacked memory, files or disk), so trying
        again may work; not a sign that the file itself cannot be read."""
        tail = self.tail.lower()
        return self.returncode in _STOPPED or any(words in tail for words in _OUR_SIDE)


def _tail(stderr: bytes) -> str:
    lines = stderr.decode("utf-8", "replace").strip().splitlines()
    return "\n".join(lines[-STDERR_TAIL:])


_PR_SET_PDEATHSIG = 1


NICENESS = 10  # processing must never starve the web server or the candidates' uploads on a small machine


def _nice(niceness: int = NICENESS) -> None:
    with contextlib.suppress(OSError):
        os.nice(niceness)
    # If the worker dies (even by SIGKILL), its ffmpeg dies with it instead of writing on as an orphan.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


async def run_capture(
    command: Sequence[str], timeout: float | None = None, stderr: bool = False, niceness: int = NICENESS
) -> bytes:
    """Run a command (ffprobe) and return its standard output (or its messages, with `stderr`); raise
    MediaError on failure."""
    proc = await asyncio.create_subprocess_exec(
        *command,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        preexec_fn=functools.partial(_nice, niceness),
    )
    try:
        out, err = await asyncio.wait_for(proc.communicate(), timeout)
    except (TimeoutError, asyncio.CancelledError):
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        await proc.wait()
        raise
    if proc.returncode != 0:
        tail = _tail(err)
        log.warning("command failed (%s): %s\n%s", proc.returncode, shlex.join(command), tail)
        raise MediaError(f"{command[0]} exited with status {proc.returncode}", command, tail, proc.returncode)
    return err if stderr else out


async def run_ffmpeg(
    command: Sequence[str],
    duration_s: float | None = None,
    progress: Callable[[float], None] | None = None,
    feed: Callable[[asyncio.StreamWriter], Awaitable[None]] | None = None,
    niceness: int = NICENESS,
) -> None:
    """Run an ffmpeg command that was built with `-progress pipe:1`; report progress from 0 to 1.

    With `feed`, ffmpeg reads its input from a pipe that `feed` writes to (and returns when the input is
    complete). Cancelling the caller kills ffmpeg, so a stopping worker leaves no process behind. A higher
    `niceness` than the default gives the CPU to other processing first."""
    proc = await asyncio.create_subprocess_exec(
        *command,
        stdin=asyncio.subprocess.PIPE if feed else asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        preexec_fn=functools.partial(_nice, niceness),
    )
    assert proc.stderr is not None
    stderr_task = asyncio.ensure_future(proc.stderr.read())
    feeder = asyncio.ensure_future(_feed(proc, feed)) if feed else None
    try:
        assert proc.stdout is not None
        async for raw in proc.stdout:
            key, _, value = raw.decode("ascii", "replace").strip().partition("=")
            if key == "out_time_us" and progress and duration_s and value.isdigit():
                progress(min(1.0, int(value) / 1e6 / duration_s))
        await proc.wait()
        if feeder:
            await feeder  # re-raises what stopped the feeding, if anything did
    except BaseException:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        await proc.wait()
        for task in (stderr_task, feeder):
            if task:
                task.cancel()
        raise
    err = await stderr_task
    if proc.returncode != 0:
        tail = _tail(err)
        log.warning("ffmpeg failed (%s): %s\n%s", proc.returncode, shlex.join(command), tail)
        raise MediaError(f"ffmpeg exited with status {proc.returncode}", command, tail, proc.returncode)


async def _feed(
    proc: asyncio.subprocess.Process, feed: Callable[[asyncio.StreamWriter], Awaitable[None]]
) -> None:
    assert proc.stdin is not None
    try:
        await feed(proc.stdin)
    except (BrokenPipeError, ConnectionResetError):
        return  # ffmpeg stopped reading: its exit status says why
    finally:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            proc.stdin.close()
            await proc.stdin.wait_closed()
