"""The launcher behind ``./start_nicegui.sh``: start, supervise, stop and inspect the platform.

``supervisor`` runs the processes, ``specs`` says what they are, ``ports`` checks
ports before anything starts, ``restart_policy`` decides restarts, ``state``
is the state file other shells read, ``processes`` the low-level process work.
"""

from scripts.launcher.supervisor import Launcher
from scripts.launcher.ports import port_is_free
from scripts.launcher.specs import ServiceSpec, service_specs

__all__ = ["Launcher", "ServiceSpec", "port_is_free", "service_specs"]
