"""Sales commission weighted by after-sales satisfaction (DOMAIN §12), against hand-computed figures."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Role
from conftest import make_user
from customers.services import customer_create
from followups.surveys import QuestionIn, survey_answer, survey_create, survey_invite, survey_templates_ensure, survey_token
from kpis.incentives import sales_commission_weights
from vehicles.services import vehicle_create

pytestmark = pytest.mark.django_db


def test_below_85_points_the_satisfaction_share_is_paid_at_the_reduced_coefficient(group, store_a):
    manager = make_user("mia", Role.STORE_MANAGER, group, [store_a])
    good, poor = make_user("sam", Role.SALESPERSON, group, [store_a]), make_user("sue", Role.SALESPERSON, group, [store_a])
    survey = survey_create(
        user=manager, store_id=store_a.pk, name="满意度", questions=[QuestionIn("态度"), QuestionIn("质量"), QuestionIn("时间")]
    )
    survey_templates_ensure()
    questions = list(survey.questions.order_by("pk"))
    for i, (salesperson, scores) in enumerate([(good, (9, 9, 10)), (poor, (8, 8, 9))]):
        customer = customer_create(user=manager, name=f"客户{i}", mobile=f"1381234{i:04d}")
        vehicle, _ = vehicle_create(
            user=manager, owner=customer, vin=["1M8GDM9AXKP042788", "LSVAB2BM4KN000001"][i], plate=f"粤A1234{i}", brand="大众", model="朗逸",
            powertrain="petrol", purchase_date=dt.date(2024, 1, 1),
        )  # fmt: skip
        vehicle.salesperson = salesperson
        vehicle.save(update_fields=["salesperson"])
        token = survey_token(survey_invite(survey=survey, customer=customer))
        survey_answer(token=token, scores={q.pk: s for q, s in zip(questions, scores, strict=True)})

    rows = {r["staff_id"]: r for r in sales_commission_weights(user=manager, store_ids=[store_a.pk], month=timezone.localdate())}
    # sam: 28 × 10 / 3 = 93.3 ≥ 85 → coefficient 1, factor 0.9 + 0.1 × 1 = 1.000
    assert (rows[good.pk]["satisfaction"], rows[good.pk]["coefficient"], rows[good.pk]["factor"]) == (
        Decimal("93.3"),
        1,
        Decimal("1.000"),
    )
    # sue: 25 × 10 / 3 = 83.3 < 85 → coefficient 0.8, factor 0.9 + 0.1 × 0.8 = 0.980
    assert (rows[poor.pk]["satisfaction"], rows[poor.pk]["coefficient"], rows[poor.pk]["factor"]) == (
        Decimal("83.3"),
        Decimal("0.8"),
        Decimal("0.980"),
    )
