"""The demo forum's places and names: 322 cities in 76 real countries, names in each region's
script, and the same seed always giving the same people."""

import random
import sys
from pathlib import Path

import pycountry
import pytest

try:
    from plenary.demo.places import CITIES, FAMILY_NAMES, GIVEN_NAMES, WEIGHTS, full_name
except ImportError:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "platform"))
    from plenary.demo.places import CITIES, FAMILY_NAMES, GIVEN_NAMES, WEIGHTS, full_name


def is_hangul_syllable(char: str) -> bool:
    return "\uac00" <= char <= "\ud7a3"


def is_arabic(char: str) -> bool:
    return "\u0600" <= char <= "\u06ff"


def test_forum_spans_exactly_76_countries_and_322_cities():
    assert len(CITIES) == 76
    assert sum(len(cities) for cities in CITIES.values()) == 322


@pytest.mark.parametrize("code", sorted(CITIES))
def test_every_country_code_is_a_valid_uppercase_iso_alpha_2_code(code):
    assert code == code.upper()
    assert len(code) == 2
    assert pycountry.countries.get(alpha_2=code) is not None


@pytest.mark.parametrize("code", sorted(CITIES))
def test_no_country_lists_the_same_city_twice_or_an_empty_name(code):
    cities = CITIES[code]
    assert cities
    assert len(set(cities)) == len(cities)
    assert all(city.strip() == city and city for city in cities)


def test_weights_cover_exactly_the_listed_countries_and_are_positive():
    assert set(WEIGHTS) == set(CITIES)
    assert all(isinstance(weight, int) and weight > 0 for weight in WEIGHTS.values())


def test_korea_has_the_most_cities_and_the_largest_share_of_participants():
    assert max(CITIES, key=lambda code: len(CITIES[code])) == "KR"
    share = WEIGHTS["KR"] / sum(WEIGHTS.values())
    assert 0.3 <= share <= 0.5
    assert {"Seoul", "Busan", "Gwangju"} <= set(CITIES["KR"])


@pytest.mark.parametrize("code", sorted(CITIES))
def test_full_name_gives_a_non_empty_name_for_every_country(code):
    rng = random.Random(code)
    for _ in range(20):
        name = full_name(code, rng)
        assert isinstance(name, str)
        assert name.strip() == name and name


def test_korean_names_are_hangul_family_then_given_with_no_space():
    rng = random.Random(518)
    for _ in range(200):
        name = full_name("KR", rng)
        assert " " not in name
        assert all(is_hangul_syllable(char) for char in name), name
        assert name[0] in FAMILY_NAMES["ko"]
        assert name[1:] in GIVEN_NAMES["ko"]


def test_egyptian_names_are_written_in_arabic_script():
    rng = random.Random(7)
    name = full_name("EG", rng)
    assert all(is_arabic(char) or char == " " for char in name), name


def test_the_same_seed_gives_the_same_names():
    def names(seed: int) -> list[str]:
        rng = random.Random(seed)
        return [full_name(code, rng) for code in sorted(CITIES) for _ in range(3)]

    assert names(42) == names(42)
    assert names(42) != names(43)
