"""Port checks done before anything starts, so a clash is one clear line, not a crashed process."""

from __future__ import annotations

import socket
from collections.abc import Callable

from scripts.launcher.specs import ServiceSpec


def port_is_free(host: str, port: int) -> bool:
    """True if nothing listens on host:port (SO_REUSEADDR ignores sockets in TIME_WAIT)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def port_clashes(
    specs: list[ServiceSpec], earlier_run_pid: Callable[[str], int | None]
) -> list[str]:
    """One line per problem: two settings on one port, or a port another program holds.

    ``earlier_run_pid(name)`` is the PID of a process left by an earlier run of the
    platform (its PID file still names a live process), so the message can say to
    stop that instead of blaming "another program".
    """
    problems: list[str] = []
    claimed: dict[int, ServiceSpec] = {}
    for spec in specs:
        if spec.port is None:
            continue
        first = claimed.setdefault(spec.port, spec)
        if first is not spec:
            problems.append(
                f"Port {spec.port} is set for both the {first.title} ({first.port_setting}) and "
                f"the {spec.title} ({spec.port_setting}); set {spec.port_setting} in .env to "
                "another free port."
            )
            continue
        if port_is_free(spec.host, spec.port):
            continue
        leftover = earlier_run_pid(spec.name)
        if leftover:
            problems.append(
                f"Port {spec.port} ({spec.title}) is already in use by an earlier run of the "
                f"platform (pid {leftover}); stop it with ./start_nicegui.sh stop."
            )
        else:
            problems.append(
                f"Port {spec.port} ({spec.title}) is already in use by another program on "
                f"{spec.host}; set {spec.port_setting} in .env to a free port (or stop that "
                "program)."
            )
    return problems
