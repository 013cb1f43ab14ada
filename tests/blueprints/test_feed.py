"""The feed blueprint accepts exactly the wire's subscription modes (scripts/upstox_wire)."""

from __future__ import annotations

from scripts.upstox_wire.feed_modes import MODES


def test_unknown_feed_mode_is_a_422_envelope_naming_the_field_and_the_modes(client) -> None:
    response = client.post(
        "/api/feed/subscriptions", json={"instrument_keys": ["NSE_EQ|INE002A01018"], "mode": "d5"}
    )
    body = response.get_json()
    assert response.status_code == 422 and body["status"] == "error"
    assert body["error"]["field"] == "mode"
    assert all(mode.value in body["error"]["message"] for mode in MODES)


def test_openapi_lists_every_wire_feed_mode(client) -> None:
    spec = client.get("/api/openapi.json").get_json()
    schemas = spec["components"]["schemas"]
    listed = [schema["enum"] for schema in schemas.values() if "ltpc" in schema.get("enum", [])]
    assert listed == [[mode.value for mode in MODES]]


def test_a_consumer_id_over_128_characters_is_a_422_naming_the_field(client) -> None:
    response = client.post(
        "/api/feed/subscriptions",
        json={"instrument_keys": ["NSE_EQ|INE002A01018"], "consumer": "x" * 129},
    )
    assert response.status_code == 422
    assert response.get_json()["error"]["field"] == "consumer"


def test_delete_validates_its_body_like_post(client) -> None:
    for method in (client.post, client.delete):
        response = method("/api/feed/subscriptions", json={"instrument_keys": []})
        assert response.status_code == 422
        assert response.get_json()["error"]["field"].startswith("instrument_keys")
