"""CLI: ``python -m scripts.upstox_sandbox --host 127.0.0.1 --port 9100 [options]``."""

from __future__ import annotations

import argparse
import logging

from aiohttp import web

from scripts.upstox_sandbox.server_app import create_app
from scripts.upstox_sandbox.config import (
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    ClockSpec,
    ConfigError,
    SandboxConfig,
)


def parse_args(argv: list[str] | None = None) -> SandboxConfig:
    parser = argparse.ArgumentParser(
        prog="python -m scripts.upstox_sandbox", description="Local Upstox sandbox"
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9100)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--clock", default="live", help="live | accelerated:<factor> | frozen:<ISO datetime>"
    )
    parser.add_argument(
        "--always-open", action="store_true", help="every day is one 24h session (demos)"
    )
    parser.add_argument("--client-id", default=DEMO_CLIENT_ID)
    parser.add_argument("--client-secret", default=DEMO_CLIENT_SECRET)
    parser.add_argument("--no-rate-limits", action="store_true")
    args = parser.parse_args(argv)
    try:
        return SandboxConfig(
            host=args.host,
            port=args.port,
            seed=args.seed,
            clock=ClockSpec.parse(args.clock),
            always_open=args.always_open,
            client_id=args.client_id,
            client_secret=args.client_secret,
            rate_limits=not args.no_rate_limits,
        )
    except ConfigError as exc:
        parser.error(str(exc))
        raise


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    config = parse_args(argv)
    web.run_app(create_app(config), host=config.host, port=config.port, print=None)


if __name__ == "__main__":
    main()
