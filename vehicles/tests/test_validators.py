import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import InvalidInput
from vehicles.validators import PROVINCES, is_valid_plate, normalize_plate, validate_plate, validate_vin, vin_check_digit

VIN_ALPHABET = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"
PLATE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def test_it_accepts_the_textbook_vin_without_warning():
    vin, warnings = validate_vin("1m8gdm9axkp042788")
    assert vin == "1M8GDM9AXKP042788"
    assert warnings == []


def test_it_accepts_a_wrong_check_digit_with_a_warning():
    vin, warnings = validate_vin("LSVAB2BM5KN000001")
    assert vin == "LSVAB2BM5KN000001"
    assert len(warnings) == 1 and "校验位" in warnings[0]


@pytest.mark.parametrize("raw", ["", "123", "LSVAB2BM5KN0000011", "LSVAB2BM5KN00000I", "OSVAB2BM5KN000001", "QSVAB2BM5KN000001"])
def test_it_rejects_malformed_vins(raw):
    with pytest.raises(InvalidInput) as err:
        validate_vin(raw)
    assert "vin" in err.value.errors


@given(st.text(alphabet=VIN_ALPHABET, min_size=17, max_size=17))
def test_a_vin_with_its_computed_check_digit_never_warns(body):
    vin = body[:8] + vin_check_digit(body) + body[9:]
    assert validate_vin(vin.lower()) == (vin, [])


@given(st.text(alphabet=VIN_ALPHABET, min_size=17, max_size=17), st.sampled_from([" ", "-"]))
def test_vin_normalisation_ignores_case_and_separators(vin, sep):
    noisy = sep.join([vin[:5].lower(), vin[5:]])
    assert validate_vin(noisy)[0] == validate_vin(vin)[0] == vin


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("粤B12345", "粤B12345"),
        ("粤b·12345", "粤B12345"),
        ("粤B D12345", "粤BD12345"),  # new-energy, small car
        ("粤B-12345D", "粤B12345D"),  # new-energy, large vehicle
        ("京A·F1234", "京AF1234"),
        ("沪c 1234学", "沪C1234学"),
    ],
)
def test_it_normalises_valid_plates(raw, expected):
    assert validate_plate(raw) == expected


@pytest.mark.parametrize("raw", ["", "B12345", "粤12345", "粤BI2345", "粤B1234", "粤BD123456", "粤B123456", "XX12345"])
def test_it_rejects_invalid_plates(raw):
    with pytest.raises(InvalidInput):
        validate_plate(raw)


plates = st.builds(
    lambda p, city, tail: f"{p}{city}{tail}",
    st.sampled_from(PROVINCES),
    st.sampled_from("ABCDEFGHJKLMNPQRSTUVWXYZ"),
    st.one_of(
        st.text(alphabet=PLATE_ALPHABET, min_size=5, max_size=5),
        st.builds(
            lambda d, x, n: d + x + n, st.sampled_from("DF"), st.sampled_from(PLATE_ALPHABET), st.from_regex(r"\A[0-9]{4}\Z")
        ),
    ),
)


@given(plates, st.sampled_from(["", "·", " ", "-", "•"]), st.booleans())
def test_plate_normalisation_ignores_case_and_separators(plate, sep, lower):
    noisy = plate[:2] + sep + plate[2:]
    noisy = noisy.lower() if lower else noisy
    assert normalize_plate(noisy) == plate
    assert is_valid_plate(normalize_plate(noisy))


@given(st.text(max_size=12))
def test_plate_normalisation_is_idempotent(raw):
    once = normalize_plate(raw)
    assert normalize_plate(once) == once
