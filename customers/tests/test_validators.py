import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import InvalidInput
from customers.validators import mask_mobile, name_search_keys, normalize_mobile


@pytest.mark.parametrize("raw", ["13812341234", "+86 138 1234 1234", "138-1234-1234", "008613812341234"])
def test_it_stores_cn_mobiles_as_e164(raw):
    assert normalize_mobile(raw) == "+8613812341234"


@pytest.mark.parametrize("raw", ["", "123", "1381234123", "23812341234", "02012345678", "+14155552671", "abc"])
def test_it_rejects_what_is_not_a_cn_mobile(raw):
    with pytest.raises(InvalidInput) as err:
        normalize_mobile(raw)
    assert "mobile" in err.value.errors


def test_it_masks_the_middle_four_digits():
    assert mask_mobile("+8613812341234") == "138****1234"


@given(st.from_regex(r"\A1[3-9][0-9]{9}\Z"))
def test_masking_keeps_only_prefix_and_last_four(digits):
    masked = mask_mobile("+86" + digits)
    assert masked == digits[:3] + "****" + digits[-4:]
    assert digits[3:7] not in masked[3:7]


@pytest.mark.parametrize(
    "name, pinyin, initials", [("张三", "zhangsan", "zs"), ("欧阳 娜娜", "ouyangnana", "oynn"), ("李华", "lihua", "lh")]
)
def test_it_derives_pinyin_and_initials(name, pinyin, initials):
    assert name_search_keys(name) == (pinyin, initials)
