"""Indicators against worked examples computed by hand (the arithmetic is in the comments)."""

from __future__ import annotations

import math

import pytest

from scripts.services.indicators import (
    IndicatorSpecInvalid,
    bollinger,
    ema,
    macd,
    parse_indicators,
    rsi,
    sma,
)


def close_to(actual: list, expected: list) -> bool:
    return len(actual) == len(expected) and all(
        (a is None and e is None) or (a is not None and e is not None and math.isclose(a, e))
        for a, e in zip(actual, expected)
    )


def test_sma_is_the_mean_of_the_last_n_closes_from_the_nth_candle() -> None:
    assert sma([2, 4, 6, 8, 12], 3) == [None, None, 4, 6, 26 / 3]


def test_ema_is_seeded_with_the_sma_then_smoothed_with_two_over_n_plus_one() -> None:
    # alpha = 2/(3+1) = 0.5; seed mean(2,4,6) = 4; 0.5*8 + 0.5*4 = 6; 0.5*12 + 0.5*6 = 9
    assert ema([2, 4, 6, 8, 12], 3) == [None, None, 4, 6, 9]


def test_rsi_uses_wilders_smoothing_after_a_simple_first_average() -> None:
    # changes +1 -1 +2 +1 -1. First 3: avg gain 1, avg loss 1/3, RS 3 -> 75.
    # then gain (1*2+1)/3 = 1, loss (1/3*2+0)/3 = 2/9, RS 4.5 -> 100 - 100/5.5
    # then gain (1*2+0)/3 = 2/3, loss (2/9*2+1)/3 = 13/27, RS 18/13 -> 100 - 1300/31
    expected = [None, None, None, 75.0, 100 - 100 / 5.5, 100 - 1300 / 31]
    assert close_to(rsi([10, 11, 10, 12, 13, 12], 3), expected)


def test_rsi_is_100_without_losses_and_50_without_any_move() -> None:
    assert rsi([1, 2, 3, 4], 2)[2:] == [100.0, 100.0]
    assert rsi([5, 5, 5], 2)[2:] == [50.0]


def test_macd_line_signal_and_histogram() -> None:
    # EMA2 (alpha 2/3): -, 1.5, 2.5, 3.5, 4.5, 7.5;  EMA3 (alpha 1/2): -, -, 2, 3, 4, 6.5
    # line: -, -, .5, .5, .5, 1;  signal EMA2 of line: seed mean(.5,.5) = .5 at index 3,
    # then .5, then 2/3*1 + 1/3*.5 = 5/6;  histogram 0, 0, 1/6
    line, signal, histogram = macd([1, 2, 3, 4, 5, 9], 2, 3, 2)
    assert close_to(line, [None, None, 0.5, 0.5, 0.5, 1.0])
    assert close_to(signal, [None, None, None, 0.5, 0.5, 5 / 6])
    assert close_to(histogram, [None, None, None, 0.0, 0.0, 1 / 6])


def test_bollinger_bands_are_k_population_deviations_around_the_sma() -> None:
    # [1, 2, 3]: mean 2, population variance (1+0+1)/3 = 2/3
    middle, upper, lower = bollinger([1, 2, 3], 3, 2)
    deviation = math.sqrt(2 / 3)
    assert middle == [None, None, 2.0]
    assert close_to(upper, [None, None, 2 + 2 * deviation])
    assert close_to(lower, [None, None, 2 - 2 * deviation])


def test_indicator_list_is_parsed_with_defaults_filled_in() -> None:
    specs = parse_indicators("sma:20, EMA:50,rsi,macd:12:26:9,bb:20:2.5")
    assert [s.name for s in specs] == ["sma:20", "ema:50", "rsi:14", "macd:12:26:9", "bb:20:2.5"]


@pytest.mark.parametrize(
    "text", ["wma:10", "sma:0", "sma:1.5", "macd:26:12:9", "bb:20:0", "sma:20:3", "sma:9999"]
)
def test_an_impossible_indicator_is_refused_with_what_to_write(text: str) -> None:
    with pytest.raises(IndicatorSpecInvalid):
        parse_indicators(text)
