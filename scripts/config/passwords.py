"""Dashboard password hashing (scrypt), so ``.env`` never holds the password itself.

Run ``python -m scripts.config.passwords`` to set a new dashboard password: it
asks for it twice and writes only the hash into ``.env``.
"""

from __future__ import annotations

import base64
import getpass
import hashlib
import hmac
import secrets
import sys
from pathlib import Path

# scrypt cost parameters: n=2**14, r=8, p=1 is the interactive-login setting the
# scrypt paper recommends; about 50 ms here, which is fine for one login.
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1
_PREFIX = "scrypt"


def hash_password(password: str) -> str:
    """A self-describing ``scrypt$n$r$p$salt$hash`` string for ``password``."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P, dklen=32
    )
    return "$".join(
        [_PREFIX, str(_SCRYPT_N), str(_SCRYPT_R), str(_SCRYPT_P), _b64(salt), _b64(digest)]
    )


def verify_password(password: str, stored_hash: str) -> bool:
    """True if ``password`` matches; compares in constant time."""
    try:
        prefix, n, r, p, salt, digest = stored_hash.split("$")
        if prefix != _PREFIX:
            return False
        expected = base64.urlsafe_b64decode(digest)
        actual = hashlib.scrypt(
            password.encode("utf-8"),
            salt=base64.urlsafe_b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(expected),
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def is_password_hash(value: str) -> bool:
    parts = value.split("$")
    return len(parts) == 6 and parts[0] == _PREFIX and all(parts[1:4]) and parts[1].isdigit()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii")


def main(argv: list[str] | None = None) -> int:
    """Ask for a new dashboard password and store its hash in ``.env``."""
    from scripts.config.env_file import set_env_value
    from scripts.config.settings import PROJECT_ROOT

    env_path = Path(argv[0]) if argv else PROJECT_ROOT / ".env"
    first = getpass.getpass("New dashboard password: ")
    if len(first) < 8:
        print("The password needs at least 8 characters.", file=sys.stderr)
        return 1
    if getpass.getpass("Repeat it: ") != first:
        print("The two entries differ; nothing was changed.", file=sys.stderr)
        return 1
    set_env_value(env_path, "DASHBOARD_PASSWORD_HASH", hash_password(first))
    print(f"Saved. Restart the dashboard to use it ({env_path}).")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
