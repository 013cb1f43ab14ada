"""How long the built-in sandbox takes to price a NIFTY option chain, beside a bare baseline.

Run: .venv/bin/python bench/sandbox_option_chain.py [--repeat 3]

Prints, for one expiry's chain of the always-open sandbox (a 24-hour session, the
worst case for intraday pricing):
  - baseline: one equity quote snapshot with bars (the cheapest full quote);
  - chain (light): every contract priced the way GET /v2/option/chain does it;
  - snapshots (cold, then warm): full snapshots with OHLC bars, as the feed sends them,
    first with empty candle caches and then again one second later.
Numbers are wall-clock seconds on this machine; compare them within one run.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scripts.upstox_sandbox.config import SandboxConfig  # noqa: E402
from scripts.upstox_sandbox.simulation import Simulation  # noqa: E402

RELIANCE = "NSE_EQ|INE002A01018"


def timed(action) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def one_run() -> dict[str, float]:
    sim = Simulation(SandboxConfig(always_open=True))
    now = sim.step()
    today = sim.clock.now().date()
    options = [i for i in sim.universe.derivatives_on(today) if i.is_option]
    expiry = min(i.expiry for i in options if i.expiry is not None)
    chain = [i for i in options if i.expiry == expiry and i.instrument_key.startswith("NSE_FO")]
    chain = [i for i in chain if i.name == chain[0].name]
    equity = sim.universe.get(RELIANCE)
    if equity is None:
        raise SystemExit(f"{RELIANCE} is not in the sandbox universe")
    return {
        "contracts": len(chain),
        "baseline equity snapshot": timed(lambda: sim.market.snapshot(equity, now)),
        "chain (light)": timed(
            lambda: [sim.market.snapshot(i, now, with_bars=False) for i in chain]
        ),
        "snapshots cold": timed(lambda: [sim.market.snapshot(i, now) for i in chain]),
        "snapshots warm": timed(lambda: [sim.market.snapshot(i, now + 1) for i in chain]),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    runs = [one_run() for _ in range(parser.parse_args().repeat)]
    print(f"option chain of {int(runs[0]['contracts'])} contracts, {len(runs)} runs (median s)")
    for name in ("baseline equity snapshot", "chain (light)", "snapshots cold", "snapshots warm"):
        print(f"  {name:26} {statistics.median(r[name] for r in runs):8.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
