"""交接表: the handover work lists (open, late, unconfirmed), the form with its 1+1 confirmation,
corrections, joint delivery and first-use feedback, and the cards on the 360 page and repair orders."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.permissions import Perm, has_perm
from core.forms import DateInput, call_service
from core.policies import policy_value
from customers.selectors import customer_get
from handover import selectors, services
from handover.models import CHECKED_FIELDS, JOINT_CHECKLIST, Handover, Promise
from vehicles.selectors import vehicle_get

PAGE_SIZE = 50


class SubmitForm(forms.ModelForm):
    class Meta:
        model = Handover
        fields = list(CHECKED_FIELDS)
        widgets = {"purchase_reasons": forms.Textarea(attrs={"rows": 2}), "worries": forms.Textarea(attrs={"rows": 2})}


class PromiseForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=Promise.Kind.choices, widget=forms.Select(attrs={"aria-label": "承诺类型"}))
    description = forms.CharField(label="承诺内容", max_length=300)
    value = forms.DecimalField(label="价值（元）", required=False, min_value=0, max_digits=10, decimal_places=2)
    valid_until = forms.DateField(label="有效期至", required=False, widget=DateInput)


class CorrectionForm(forms.Form):
    field = forms.ChoiceField(
        label="更正字段", choices=list(CHECKED_FIELDS.items()), widget=forms.Select(attrs={"aria-label": "更正字段"})
    )
    new_value = forms.CharField(label="正确的值", max_length=500)
    reason = forms.CharField(label="原因", required=False, max_length=200)


class JointForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in JOINT_CHECKLIST.items():
            self.fields[key] = forms.BooleanField(label=label, required=False)


class FirstUseForm(forms.Form):
    feedback = forms.CharField(label="首次使用反馈", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


def _page(request) -> int:
    page = request.GET.get("page", "1")
    return max(int(page) if page.isascii() and page.isdigit() and len(page) < 7 else 1, 1)


@login_required
def handover_list(request):
    view = request.GET.get("view", "open")
    view = view if view in selectors.VIEWS else "open"
    page = _page(request)
    rows = list(selectors.handover_list(user=request.user, view=view)[(page - 1) * PAGE_SIZE : page * PAGE_SIZE + 1])
    today = timezone.localdate()
    context = {
        "handovers": rows[:PAGE_SIZE],
        "has_next": len(rows) > PAGE_SIZE,
        "page": page,
        "view": view,
        "views": selectors.VIEWS,
        "counts": selectors.handover_counts(user=request.user),
        "accuracy": selectors.accuracy(user=request.user, since=today.replace(day=1), until=today),
        "target": policy_value(request.user.default_store_id(), "handover.accuracy_target_percent"),
        "nav_section": "handover",
    }
    return render(request, "handover/list.html", context)


def _field_values(handover: Handover) -> list[tuple[str, str]]:
    values = {key: getattr(handover, key) for key in CHECKED_FIELDS}
    values["event_interest"] = "是" if handover.event_interest else "否"
    values["preferred_channel"] = handover.get_preferred_channel_display()
    return [(label, values[key]) for key, label in CHECKED_FIELDS.items()]


def _detail_context(request, handover: Handover, **forms_) -> dict:
    user = request.user
    return {
        "h": handover,
        "fields": _field_values(handover),
        "promises": selectors.promises_for_vehicle(vehicle_id=handover.vehicle_id),
        "corrections": list(selectors.corrections_of(handover=handover)),
        "checklist": [(key, label, handover.joint_checklist.get(key, False)) for key, label in JOINT_CHECKLIST.items()],
        "can_fill": has_perm(user, Perm.HANDOVER_FILL),
        "can_confirm": has_perm(user, Perm.HANDOVER_CONFIRM),
        "submit_form": forms_.get("submit_form") or SubmitForm(instance=handover),
        "promise_form": forms_.get("promise_form") or PromiseForm(),
        "correction_form": forms_.get("correction_form") or CorrectionForm(),
        "joint_form": forms_.get("joint_form") or JointForm(initial=handover.joint_checklist),
        "first_use_form": forms_.get("first_use_form") or FirstUseForm(),
        "nav_section": "handover",
    }


@login_required
def handover_detail(request, handover_id: int):
    handover = selectors.handover_get(user=request.user, handover_id=handover_id)
    return render(request, "handover/detail.html", _detail_context(request, handover))


def _post(request, handover_id: int, form_class, form_key: str, service, success: str, **fixed):
    """Validate one form of the detail page, call its service; on error show the page again (422)."""
    handover = selectors.handover_get(user=request.user, handover_id=handover_id)
    form = form_class(request.POST)
    if form.is_valid() and call_service(form, service, user=request.user, handover=handover, **fixed, **form.cleaned_data):
        messages.success(request, success)
        return redirect("handover:detail", handover_id=handover.pk)
    handover = selectors.handover_get(user=request.user, handover_id=handover_id)
    return render(request, "handover/detail.html", _detail_context(request, handover, **{form_key: form}), status=422)


@login_required
@require_POST
def handover_submit(request, handover_id: int):
    handover = selectors.handover_get(user=request.user, handover_id=handover_id)
    form = SubmitForm(request.POST, instance=Handover(pk=handover.pk, store_id=handover.store_id))
    if form.is_valid() and call_service(
        form, services.handover_submit, user=request.user, handover=handover, **{k: form.cleaned_data[k] for k in CHECKED_FIELDS}
    ):
        messages.success(request, "交接表已提交，等待售后专员确认")
        return redirect("handover:detail", handover_id=handover.pk)
    return render(request, "handover/detail.html", _detail_context(request, handover, submit_form=form), status=422)


@login_required
@require_POST
def handover_confirm(request, handover_id: int):
    return _post(request, handover_id, forms.Form, "confirm_form", services.handover_confirm, "已确认交接表（1+1 确认完成）")


@login_required
@require_POST
def promise_add(request, handover_id: int):
    return _post(request, handover_id, PromiseForm, "promise_form", services.handover_promise_add, "已添加销售承诺")


@login_required
@require_POST
def handover_correct(request, handover_id: int):
    return _post(request, handover_id, CorrectionForm, "correction_form", services.handover_correct, "已登记更正")


@login_required
@require_POST
def joint_delivery(request, handover_id: int):
    handover = selectors.handover_get(user=request.user, handover_id=handover_id)
    form = JointForm(request.POST)
    if form.is_valid() and call_service(
        form, services.handover_joint_delivery, user=request.user, handover=handover, checklist=form.cleaned_data
    ):
        messages.success(request, "已保存联合交车清单")
        return redirect("handover:detail", handover_id=handover.pk)
    return render(request, "handover/detail.html", _detail_context(request, handover, joint_form=form), status=422)


@login_required
@require_POST
def first_use(request, handover_id: int):
    return _post(
        request, handover_id, FirstUseForm, "first_use_form", services.handover_first_use, "已记录首次使用反馈并告知销售顾问"
    )


@login_required
@require_POST
def handover_open(request, vehicle_id: int):
    """Open the handover of a delivered vehicle by hand (from the customer 360 page)."""
    vehicle = vehicle_get(user=request.user, vehicle_id=vehicle_id)
    form = forms.Form(request.POST)
    handover = call_service(form, services.handover_open_for_vehicle, user=request.user, vehicle=vehicle)
    if handover is None:
        messages.error(request, "；".join(form.non_field_errors()) or "无法建立交接表")
        return redirect("customers:detail", vehicle.owner_id)
    return redirect("handover:detail", handover_id=handover.pk)


@login_required
def customer_card(request, customer_id: int):
    """The handover section of the customer 360 page: each vehicle's handover and its promises."""
    customer = customer_get(user=request.user, customer_id=customer_id)
    handovers = list(selectors.handover_for_customer(customer_id=customer.pk))
    promises = selectors.promises_for_customer(customer_id=customer.pk)
    with_handover = {h.vehicle_id for h in handovers}
    missing = [v for v in customer.vehicles.all() if v.pk not in with_handover and v.delivery_date is not None]
    context = {"customer": customer, "handovers": handovers, "promises": promises, "missing": missing}
    return render(request, "handover/_customer_card.html", context)


@login_required
def vehicle_promises(request, vehicle_id: int):
    """Promises made at sale for one vehicle — the card on every repair order of the vehicle."""
    vehicle = vehicle_get(user=request.user, vehicle_id=vehicle_id)
    handover = Handover.objects.filter(vehicle_id=vehicle.pk).only("pk", "status").first()
    context = {"vehicle": vehicle, "handover": handover, "promises": selectors.promises_for_vehicle(vehicle_id=vehicle.pk)}
    return render(request, "handover/_promises_card.html", context)
