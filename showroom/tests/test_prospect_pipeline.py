"""DOMAIN §15 pipeline: new → contacted → visited → test drive → quote → won / lost (reason required),
duplicates by mobile, links to existing customers, the needs interview as tags."""

import pytest

from core.errors import Conflict, Forbidden, InvalidInput
from customers.services import customer_create
from showroom.models import Prospect
from showroom.services import (
    DuplicateProspect,
    needs_tags,
    prospect_advance,
    prospect_create,
    prospect_interview,
    prospect_lose,
    prospect_reassign,
    prospect_win,
)


def test_it_creates_a_prospect_with_source_and_owner(sales_sam, prospect):
    assert (prospect.status, prospect.source, prospect.owner, prospect.mobile) == ("new", "online", sales_sam, "+8613700001001")
    assert prospect.masked_mobile == "137****1001"
    assert prospect.events.get().kind == "created"


def test_the_same_mobile_twice_is_a_duplicate(sales_sam, sales_sue, prospect):
    with pytest.raises(DuplicateProspect) as exc:
        prospect_create(user=sales_sue, name="陈晓明", mobile="137 0000 1001", source="phone")
    assert exc.value.existing_prospect_id == prospect.id and exc.value.status == 409
    assert Prospect.objects.count() == 1


def test_a_closed_prospect_does_not_block_a_new_one(sales_sam, prospect):
    prospect_lose(user=sales_sam, prospect=prospect, reason="postponed")
    again = prospect_create(user=sales_sam, name="陈晓明", mobile="13700001001", source="phone")
    assert again.pk != prospect.pk


def test_an_existing_customer_is_linked_by_mobile(sales_sam, advisor_alice):
    referrer = customer_create(user=advisor_alice, name="老王", mobile="13900000001")
    customer = customer_create(
        user=advisor_alice, name="张三", mobile="13812341234", company="顺风物流", referred_by_id=referrer.id
    )
    prospect = prospect_create(user=sales_sam, name="张三", mobile="13812341234", source="walk_in")
    assert (prospect.customer, prospect.referrer, prospect.company) == (customer, referrer, "顺风物流")


def test_only_sales_roles_create_prospects(advisor_alice):
    with pytest.raises(Forbidden):
        prospect_create(user=advisor_alice, name="x", mobile="13700001001", source="online")


def test_bad_input_is_refused_with_chinese_field_messages(sales_sam):
    for kwargs, field in [
        ({"name": "", "mobile": "13700001001", "source": "online"}, "name"),
        ({"name": "王", "mobile": "12345", "source": "online"}, "mobile"),
        ({"name": "王", "mobile": "13700001001", "source": "radio"}, "source"),
    ]:
        with pytest.raises(InvalidInput) as exc:
            prospect_create(user=sales_sam, **kwargs)
        assert field in exc.value.errors
    assert not Prospect.objects.exists()


def test_stages_move_forward_and_stamp_their_time_once(sales_sam, prospect):
    prospect_advance(user=sales_sam, prospect=prospect, status="visited")
    prospect.refresh_from_db()
    visited_at = prospect.first_visit_at
    prospect_advance(user=sales_sam, prospect=prospect, status="contacted")
    prospect.refresh_from_db()
    assert prospect.status == "visited" and prospect.contacted_at and prospect.first_visit_at == visited_at
    with pytest.raises(InvalidInput):
        prospect_advance(user=sales_sam, prospect=prospect, status="won")


def test_lost_needs_a_reason(sales_sam, prospect):
    with pytest.raises(InvalidInput) as exc:
        prospect_lose(user=sales_sam, prospect=prospect, reason="")
    assert exc.value.errors == {"reason": "请选择战败原因"}
    with pytest.raises(InvalidInput):
        prospect_lose(user=sales_sam, prospect=prospect, reason="other", note=" ")
    prospect.refresh_from_db()
    assert prospect.status == "new"
    prospect_lose(user=sales_sam, prospect=prospect, reason="competitor", note="选了竞品")
    prospect.refresh_from_db()
    assert (prospect.status, prospect.lost_reason, prospect.lost_at is not None) == ("lost", "competitor", True)


def test_won_without_a_quote_is_refused_and_changes_nothing(sales_sam, prospect):
    with pytest.raises(InvalidInput) as exc:
        prospect_win(user=sales_sam, prospect=prospect)
    assert "报价" in exc.value.errors["quote_id"] and exc.value.status == 422
    prospect.refresh_from_db()
    assert (prospect.status, prospect.won_at) == ("new", None)


def test_won_on_the_latest_quote(sales_sam, prospect, quote):
    prospect_win(user=sales_sam, prospect=prospect)
    prospect.refresh_from_db()
    assert (prospect.status, prospect.won_quote) == ("won", quote)
    with pytest.raises(Conflict):
        prospect_lose(user=sales_sam, prospect=prospect, reason="price")


def test_a_transfer_changes_the_owner_explicitly(sales_sam, sales_sue, advisor_bob, prospect):
    prospect_reassign(user=sales_sam, prospect=prospect, owner_id=sales_sue.id)
    prospect.refresh_from_db()
    assert prospect.owner == sales_sue and prospect.events.filter(kind="reassigned").exists()
    with pytest.raises(InvalidInput):
        prospect_reassign(user=sales_sam, prospect=prospect, owner_id=advisor_bob.id)


def test_the_needs_interview_is_structured_and_becomes_tags(sales_sam, prospect):
    prospect_interview(
        user=sales_sam,
        prospect=prospect,
        usage_scenarios=["family", "long_trip"],
        top_concerns=["energy_cost", "space", "tech"],
        hidden_needs=["ev_interest", "trade_in"],
        powertrain_preference="hybrid",
        decision_maker="spouse",
        budget_band="150_200k",
    )
    prospect.refresh_from_db()
    assert prospect.top_concerns == ["energy_cost", "space", "tech"] and prospect.interviewed_at
    assert needs_tags(prospect) == [
        "家庭用车",
        "长途出行",
        "关注用车成本",
        "重视空间",
        "科技配置爱好者",
        "新能源意向",
        "有置换计划",
    ]


def test_the_interview_allows_at_most_three_concerns(sales_sam, prospect):
    with pytest.raises(InvalidInput) as exc:
        prospect_interview(
            user=sales_sam, prospect=prospect, usage_scenarios=["commute"], top_concerns=["space", "tech", "price", "brand"]
        )
    assert exc.value.errors == {"top_concerns": "最多选择 3 项"}
    with pytest.raises(InvalidInput):
        prospect_interview(user=sales_sam, prospect=prospect, usage_scenarios=["flying"], top_concerns=["space"])
