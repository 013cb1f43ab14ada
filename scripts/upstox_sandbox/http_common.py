"""Small request helpers shared by the route modules (the simulation, the instrument lookup)."""

from __future__ import annotations

from aiohttp import web

from scripts.upstox_sandbox.upstox_envelope import UpstoxError
from scripts.upstox_sandbox.simulation import Simulation
from scripts.upstox_sandbox.market.universe import Instrument

SIM_KEY = web.AppKey("simulation", Simulation)
TOKEN_KEY = web.RequestKey("access_token", str)


def sim_of(request: web.Request) -> Simulation:
    return request.app[SIM_KEY]


def instrument_keys(
    request: web.Request, limit: int, names: tuple[str, ...] = ("instrument_key",)
) -> list[str]:
    """Comma-separated instrument keys from the query (UDAPI1009 none, UDAPI100043 too many)."""
    raw = ""
    for name in names:
        raw = request.query.get(name, "")
        if raw:
            break
    keys = [k for k in raw.split(",") if k]
    if not keys:
        raise UpstoxError("UDAPI1009", "instrument_key is required", property_path="instrument_key")
    if len(keys) > limit:
        raise UpstoxError(
            "UDAPI100043",
            f"Maximum instrument key limit exceeded ({limit})",
            property_path="instrument_key",
        )
    return keys


def resolve(request: web.Request, key: str, code: str = "UDAPI1087") -> Instrument:
    """The instrument for a key, or an Upstox error naming the bad key."""
    s = sim_of(request)
    if "|" not in key:
        raise UpstoxError(
            "UDAPI1011",
            "Invalid instrument_key format",
            property_path="instrument_key",
            invalid_value=key,
        )
    inst = s.universe.get(key, s.today())
    if inst is None:
        raise UpstoxError(
            code, "Invalid instrument key", property_path="instrument_key", invalid_value=key
        )
    return inst
