"""Dashboard password hashes: salted scrypt, constant-time check, garbage rejected."""

from scripts.config.passwords import hash_password, is_password_hash, verify_password


def test_hash_verifies_only_the_right_password() -> None:
    stored = hash_password("s3cret-pass")
    assert verify_password("s3cret-pass", stored)
    assert not verify_password("s3cret-pasS", stored)


def test_same_password_gets_different_salts() -> None:
    assert hash_password("same") != hash_password("same")


def test_malformed_hashes_never_verify() -> None:
    for bad in ["", "plain", "scrypt$1$2$3$x$y", "md5$a$b$c$d$e", "scrypt$a$b$c$!!$!!"]:
        assert not verify_password("anything", bad)
    assert is_password_hash(hash_password("x")) and not is_password_hash("plain")
