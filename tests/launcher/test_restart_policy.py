"""The restart policy: backoff that doubles, a cap, and a crash loop given up (fake clock)."""

from __future__ import annotations

from scripts.launcher.restart_policy import RestartPolicy


class Clock:
    """A settable clock: the policy is pure, so time is whatever the test says."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_backoff_doubles_from_one_second_until_five_deaths_in_a_minute_give_up() -> None:
    clock = Clock()
    policy = RestartPolicy(clock)
    delays = []
    for _ in range(4):
        decision = policy.record_death()
        assert not decision.give_up
        delays.append(decision.delay_seconds)
        clock.now += decision.delay_seconds + 0.5  # restarted, then died again quickly
    assert delays == [1.0, 2.0, 4.0, 8.0]
    fifth = policy.record_death()
    assert fifth.give_up and fifth.deaths_in_window == 5


def test_deaths_older_than_the_window_are_forgotten_so_backoff_starts_again() -> None:
    clock = Clock()
    policy = RestartPolicy(clock)
    for _ in range(4):
        policy.record_death()
        clock.now += 1
    clock.now += 60  # a quiet minute
    decision = policy.record_death()
    assert (decision.give_up, decision.delay_seconds, decision.deaths_in_window) == (
        False,
        1.0,
        1,
    )


def test_a_process_dying_every_twenty_seconds_is_never_given_up() -> None:
    clock = Clock()
    policy = RestartPolicy(clock)
    for _ in range(20):
        decision = policy.record_death()
        assert not decision.give_up
        clock.now += 20
    assert decision.deaths_in_window == 3 and decision.delay_seconds == 4.0


def test_backoff_is_capped() -> None:
    clock = Clock()
    policy = RestartPolicy(clock, max_delay=30.0, max_deaths=100)
    delays = [policy.record_death().delay_seconds for _ in range(8)]
    assert delays == [1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0, 30.0]
