"""Property: whatever sequence of book / cancel / reschedule runs, no bay and no technician ever has
two overlapping active bookings, and the claims are exactly the granules of the active bookings."""

import contextlib
import datetime as dt

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from accounts.models import Role
from appointments.availability import granules
from appointments.models import HOLDING_STATUSES, Appointment, ServiceBay, ServiceType, SlotClaim, TechnicianProfile
from appointments.services import appointment_book, appointment_cancel, appointment_reschedule
from appointments.tests.conftest import at
from conftest import make_user
from core.errors import Conflict, InvalidInput

STARTS = [(hour, minute) for hour in range(9, 17) for minute in (0, 15, 30, 45)]


@pytest.fixture
def resources(store_a, group, templates):
    for name in ("1号工位", "2号工位"):
        ServiceBay.objects.create(store=store_a, name=name, kind="general")
    for username in ("tech1", "tech2", "tech3"):
        TechnicianProfile.objects.create(
            user=make_user(username, Role.TECHNICIAN, group, [store_a]), store=store_a, skills=["maintenance"]
        )
    return [
        ServiceType.objects.create(
            store=store_a,
            code=f"m{minutes}",
            name=f"保养{minutes}",
            labour_minutes=minutes,
            required_skill="maintenance",
            bay_kind="general",
        )
        for minutes in (30, 45, 60, 100)
    ]


def test_no_resource_is_ever_double_booked(advisor_alice, customer_a, resources, day):
    class Booking(RuleBasedStateMachine):
        appointments = Bundle("appointments")

        @rule(target=appointments, start=st.sampled_from(STARTS), service_type=st.sampled_from(resources))
        def book(self, start, service_type):
            try:
                return appointment_book(
                    user=advisor_alice, customer=customer_a, service_type=service_type, starts_at=at(day, *start)
                )
            except (Conflict, InvalidInput):
                return None

        @rule(appointment=appointments)
        def cancel(self, appointment):
            if appointment is None:
                return
            with contextlib.suppress(Conflict, InvalidInput):
                appointment_cancel(user=advisor_alice, appointment=Appointment.objects.get(pk=appointment.pk))

        @rule(appointment=appointments, start=st.sampled_from(STARTS))
        def reschedule(self, appointment, start):
            if appointment is None:
                return
            with contextlib.suppress(Conflict, InvalidInput):
                appointment_reschedule(user=advisor_alice, appointment=appointment, starts_at=at(day, *start))

        @invariant()
        def no_overlaps(self):
            active = list(
                Appointment.objects.filter(status__in=HOLDING_STATUSES).values_list(
                    "pk", "bay_id", "technician_id", "starts_at", "ends_at"
                )
            )
            for i, (pk, bay, tech, start, end) in enumerate(active):
                for other_pk, other_bay, other_tech, other_start, other_end in active[i + 1 :]:
                    if start < other_end and other_start < end:
                        assert bay != other_bay and tech != other_tech, (pk, other_pk)
            expected = {(pk, bay, None, cell) for pk, bay, _, start, end in active for cell in granules(start, end)}
            expected |= {(pk, None, tech, cell) for pk, _, tech, start, end in active for cell in granules(start, end)}
            assert set(SlotClaim.objects.values_list("appointment_id", "bay_id", "technician_id", "slot_at")) == expected

        def teardown(self):
            Appointment.objects.all().delete()

    run_state_machine_as_test(
        Booking,
        settings=settings(max_examples=20, stateful_step_count=15, deadline=None, suppress_health_check=list(HealthCheck)),
    )


def test_half_open_ranges_touch_without_overlap(day):
    assert granules(at(day, 10), at(day, 11))[-1] < at(day, 11)
    assert at(day, 11) - granules(at(day, 10), at(day, 11))[-1] == dt.timedelta(minutes=15)
