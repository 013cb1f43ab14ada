"""Compile ``market_data_feed_v3.proto`` into ``market_data_feed_v3_pb2.py``.

Run ``python -m scripts.upstox_wire.build`` (setup.sh does). The generated module
is not committed: it is produced from the .proto with the protoc bundled in
grpcio-tools, so the generated code always matches the pinned protobuf runtime.

The build is idempotent (skipped when the output is newer than the .proto) and
atomic (protoc writes into a temporary directory and the result is moved into
place), so two processes building at once never leave a half-written module.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
from importlib import resources
from pathlib import Path

logger = logging.getLogger(__name__)

WIRE_DIR = Path(__file__).resolve().parent
# protoc is run from the repository root so the descriptor's file name is
# "scripts/upstox_wire/market_data_feed_v3.proto": unique in the process-wide
# descriptor pool, unlike the SDK's bare "MarketDataFeedV3.proto".
REPO_ROOT = WIRE_DIR.parent.parent
PROTO_PATH = WIRE_DIR / "market_data_feed_v3.proto"
OUTPUT_PATH = WIRE_DIR / "market_data_feed_v3_pb2.py"
STUB_PATH = WIRE_DIR / "market_data_feed_v3_pb2.pyi"


class ProtoBuildError(RuntimeError):
    """protoc rejected the schema or is not installed."""


def is_stale() -> bool:
    """True when the generated module is missing or older than its .proto."""
    if not OUTPUT_PATH.exists():
        return True
    return OUTPUT_PATH.stat().st_mtime < PROTO_PATH.stat().st_mtime


def build(force: bool = False) -> Path:
    """Generate the Python module (and its .pyi stub) unless it is up to date."""
    if not force and not is_stale():
        logger.debug("%s is up to date", OUTPUT_PATH.name)
        return OUTPUT_PATH
    try:
        from grpc_tools import protoc
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ProtoBuildError("grpcio-tools is not installed (see requirements.txt)") from exc

    # The well-known types (google/protobuf/wrappers.proto) ship inside grpc_tools.
    well_known = resources.files("grpc_tools") / "_proto"
    relative_proto = PROTO_PATH.relative_to(REPO_ROOT)
    with tempfile.TemporaryDirectory(dir=WIRE_DIR, prefix=".build-") as tmp:
        args = [
            "grpc_tools.protoc",
            f"-I{REPO_ROOT}",
            f"-I{well_known}",
            f"--python_out={tmp}",
            f"--pyi_out={tmp}",
            str(relative_proto),
        ]
        status = protoc.main(args)
        if status != 0:
            raise ProtoBuildError(f"protoc failed with status {status} on {relative_proto}")
        generated_dir = Path(tmp) / relative_proto.parent
        os.replace(generated_dir / STUB_PATH.name, STUB_PATH)
        os.replace(generated_dir / OUTPUT_PATH.name, OUTPUT_PATH)
    logger.info("generated %s", OUTPUT_PATH.relative_to(REPO_ROOT))
    return OUTPUT_PATH


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="rebuild even if up to date")
    options = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        path = build(force=options.force)
    except ProtoBuildError as exc:
        logger.error("%s", exc)
        return 1
    logger.debug("protobuf module ready: %s", path.relative_to(REPO_ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
