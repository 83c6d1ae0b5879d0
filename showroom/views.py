"""展厅销售: prospects, reception, the prospect's page (interview, recommendation, test drives, quotes),
printable quote and finance comparison, model comparison, delivery with PDI, configuration, funnel
and the customer's public PDI report. Views parse, call one service, render; errors → 422 + message."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from accounts.permissions import Perm, has_perm
from core.api import client_ip
from core.errors import DomainError, InvalidInput
from core.forms import call_service
from customers.validators import normalize_mobile
from showroom import catalogue, delivery, forms, quotes, selectors, services, testdrives
from showroom.finance import finance_compare
from showroom.models import PdiItem, PdiPhoto, Prospect, ProspectSource

PAGE_SIZE = 50


def _page(request) -> int:
    page = request.GET.get("page", "1")
    return max(int(page) if page.isascii() and page.isdigit() and len(page) < 7 else 1, 1)


# --- prospects --------------------------------------------------------------------------------------


@login_required
def prospect_list(request):
    status, source = request.GET.get("status", "open"), request.GET.get("source", "")
    queryset = selectors.prospect_list(
        user=request.user,
        status=status if status in ("open", *Prospect.Status.values) else "",
        source=source if source in ProspectSource.values else "",
        owner_id=request.user.pk if request.GET.get("mine") else None,
        q=request.GET.get("q", "")[:30],
    )
    page = _page(request)
    rows = list(queryset[(page - 1) * PAGE_SIZE : page * PAGE_SIZE + 1])
    context = {
        "prospects": rows[:PAGE_SIZE],
        "has_next": len(rows) > PAGE_SIZE,
        "page": page,
        "status": status,
        "source": source,
        "statuses": Prospect.Status.choices,
        "sources": ProspectSource.choices,
        "tab": "prospects",
    }
    return render(request, "showroom/prospect_list.html", context)


@login_required
def prospect_new(request):
    car_models = selectors.car_model_list(user=request.user, active_only=True)
    form = forms.ProspectForm(request.POST or None, car_models=car_models)
    if request.method == "POST" and form.is_valid():
        prospect = call_service(form, services.prospect_create, user=request.user, **form.cleaned_data)
        if prospect is not None:
            messages.success(request, f"已登记潜客：{prospect.name}")
            return redirect("showroom:prospect", prospect.pk)
        duplicate = getattr(getattr(form, "domain_error", None), "existing_prospect_id", None)
        if duplicate and selectors.prospect_list(user=request.user).filter(pk=duplicate).exists():
            form.duplicate_url = reverse("showroom:prospect", args=[duplicate])
    status = 422 if request.method == "POST" else 200
    return render(request, "showroom/prospect_new.html", {"form": form, "tab": "prospects"}, status=status)


def _detail_context(request, prospect: Prospect, **overrides) -> dict:
    user = request.user
    car_models = list(selectors.car_model_list(user=user, active_only=True).filter(store_id=prospect.store_id))
    interview = forms.InterviewForm(
        initial={
            "usage_scenarios": prospect.usage_scenarios,
            "top_concerns": prospect.top_concerns,
            "hidden_needs": prospect.hidden_needs,
            "powertrain_preference": prospect.powertrain_preference,
            "budget_band": prospect.budget_band,
            "decision_maker": prospect.decision_maker,
            "decision_notes": prospect.decision_notes,
        }
    )
    demo_cars = selectors.demo_car_list(user=user, active_only=True).filter(store_id=prospect.store_id)
    context = {
        "prospect": prospect,
        "events": selectors.prospect_events(prospect=prospect),
        "interview_form": interview,
        "lose_form": forms.LoseForm(),
        "reassign_form": forms.ReassignForm(salespeople=_salespeople(user, prospect)),
        "test_drive_form": forms.TestDriveForm(demo_cars=demo_cars),
        "feedback_form": forms.FeedbackForm(),
        "delivery_form": forms.DeliveryStartForm(initial={"colour": prospect.won_quote.colour if prospect.won_quote else ""}),
        "test_drives": list(selectors.test_drive_list(user=user, prospect=prospect)),
        "quotes": list(selectors.quote_list(prospect=prospect)),
        "recommended": selectors.recommended_models(prospect=prospect),
        "car_models": car_models,
        "tags": services.needs_tags(prospect),
        "delivery": getattr(prospect, "delivery", None) if prospect.status == Prospect.Status.WON else None,
        "tab": "prospects",
    }
    context.update(overrides)
    return context


@login_required
def prospect_detail(request, prospect_id: int):
    prospect = selectors.prospect_get(user=request.user, prospect_id=prospect_id)
    return render(request, "showroom/prospect_detail.html", _detail_context(request, prospect))


def _action(request, prospect: Prospect, form, service, form_key: str, success: str, /, **kwargs):
    """Run one action of the prospect page; on bad input show the page again with the message (422)."""
    if form.is_valid() and call_service(form, service, user=request.user, **kwargs, **form.cleaned_data) is not None:
        messages.success(request, success)
        return redirect("showroom:prospect", prospect.pk)
    prospect.refresh_from_db()
    context = _detail_context(request, prospect, **{form_key: form})
    return render(request, "showroom/prospect_detail.html", context, status=422)


@login_required
@require_POST
def prospect_advance(request, prospect_id: int):
    prospect = selectors.prospect_get(user=request.user, prospect_id=prospect_id)
    form = forms.AdvanceForm(request.POST)
    return _action(request, prospect, form, services.prospect_advance, "advance_form", "状态已更新", prospect=prospect)


def _salespeople(user, prospect: Prospect):
    from accounts.models import Role

    return selectors.staff_of_role(user=user, role=Role.SALESPERSON, store_id=prospect.store_id)[:100]


@login_required
@require_POST
def prospect_reassign(request, prospect_id: int):
    prospect = selectors.prospect_get(user=request.user, prospect_id=prospect_id)
    form = forms.ReassignForm(request.POST, salespeople=_salespeople(request.user, prospect))
    return _action(request, prospect, form, services.prospect_reassign, "reassign_form", "潜客已转交", prospect=prospect)


@login_required
@require_POST
def prospect_lose(request, prospect_id: int):
    prospect = selectors.prospect_get(user=request.user, prospect_id=prospect_id)
    form = forms.LoseForm(request.POST)
    return _action(request, prospect, form, services.prospect_lose, "lose_form", "已标记战败", prospect=prospect)


@login_required
@require_POST
def prospect_win(request, prospect_id: int):
    prospect = selectors.prospect_get(user=request.user, prospect_id=prospect_id)
    form = forms.ConfirmForm(request.POST)
    return _action(request, prospect, form, services.prospect_win, "win_form", "恭喜成交！", prospect=prospect)


@login_required
@require_POST
def prospect_interview(request, prospect_id: int):
    prospect = selectors.prospect_get(user=request.user, prospect_id=prospect_id)
    form = forms.InterviewForm(request.POST)
    return _action(request, prospect, form, services.prospect_interview, "interview_form", "需求访谈已保存", prospect=prospect)


@login_required
@require_POST
def test_drive_schedule(request, prospect_id: int):
    prospect = selectors.prospect_get(user=request.user, prospect_id=prospect_id)
    demo_cars = selectors.demo_car_list(user=request.user, active_only=True).filter(store_id=prospect.store_id)
    form = forms.TestDriveForm(request.POST, demo_cars=demo_cars)
    return _action(request, prospect, form, testdrives.test_drive_schedule, "test_drive_form", "试驾已预约", prospect=prospect)


@login_required
@require_POST
def test_drive_feedback(request, test_drive_id: int):
    test_drive = selectors.test_drive_get(user=request.user, test_drive_id=test_drive_id)
    form = forms.FeedbackForm(request.POST)
    return _action(
        request,
        test_drive.prospect,
        form,
        testdrives.test_drive_feedback,
        "feedback_form",
        "试驾反馈已记录",
        test_drive=test_drive,
    )


@login_required
@require_POST
def test_drive_cancel(request, test_drive_id: int):
    test_drive = selectors.test_drive_get(user=request.user, test_drive_id=test_drive_id)
    form = forms.ConfirmForm(request.POST)
    return _action(
        request, test_drive.prospect, form, testdrives.test_drive_cancel, "cancel_form", "试驾已取消", test_drive=test_drive
    )


@login_required
def test_drive_board(request):
    """Today's (or a chosen day's) test drives of every demo car."""
    try:
        day = dt.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        day = timezone.localdate()
    drives = list(selectors.test_drive_list(user=request.user, day=day))
    return render(request, "showroom/test_drives.html", {"drives": drives, "day": day, "tab": "test_drives"})


# --- reception --------------------------------------------------------------------------------------


@login_required
def reception(request):
    """The walk-in reception screen: the door button starts the 3-minute clock, the registration
    form stops it; typing the mobile shows the visitor's hidden identity."""
    if request.method == "POST":
        form = forms.WalkInArriveForm(request.POST, advisors=selectors.service_advisors(user=request.user))
        if form.is_valid():
            try:
                services.walk_in_arrive(user=request.user, **form.cleaned_data)
            except DomainError as exc:
                messages.error(request, exc.detail)
                return redirect("showroom:reception")
            messages.success(request, "已开始计时：请在时限内完成基本信息登记")
        return redirect("showroom:reception")
    return render(request, "showroom/reception.html", _reception_context(request))


def _reception_context(request, **overrides) -> dict:
    walk_ins = list(selectors.walk_in_list_today(user=request.user)[:100])
    forms_by_id = {w.pk: forms.WalkInRegisterForm(prefix=f"w{w.pk}") for w in walk_ins if w.registered_at is None}
    forms_by_id.update(overrides)
    rows = [(w, forms_by_id.get(w.pk)) for w in walk_ins]
    arrive_form = forms.WalkInArriveForm(advisors=selectors.service_advisors(user=request.user)[:100])
    return {"rows": rows, "arrive_form": arrive_form, "tab": "reception"}


@login_required
@require_POST
def walk_in_register(request, sales_walk_in_id: int):
    walk_in = selectors.walk_in_get(user=request.user, walk_in_id=sales_walk_in_id)
    form = forms.WalkInRegisterForm(request.POST, prefix=f"w{walk_in.pk}")
    if form.is_valid():
        done = call_service(form, services.walk_in_register, user=request.user, walk_in=walk_in, **form.cleaned_data)
        if done is not None:
            messages.success(request, f"已登记：{done.prospect.name}")
            return redirect("showroom:prospect", done.prospect_id)
    return render(request, "showroom/reception.html", _reception_context(request, **{walk_in.pk: form}), status=422)


@login_required
def visitor_identity(request):
    """HTMX partial: the hidden identity of the mobile being typed at reception."""
    try:
        typed = next((value for key, value in request.GET.items() if key.endswith("mobile")), "")
        mobile = normalize_mobile(typed[:20])
    except InvalidInput:
        return render(request, "showroom/_identity.html", {"identity": None})
    store_id = request.user.default_store_id()
    identity = selectors.visitor_identity(user=request.user, store_id=store_id, mobile=mobile) if store_id else None
    return render(request, "showroom/_identity.html", {"identity": identity})


# --- quotes -----------------------------------------------------------------------------------------


def _quote_form(request, prospect: Prospect, data=None):
    user, store = request.user, prospect.store_id
    return forms.QuoteForm(
        data,
        initial={"car_model_id": prospect.interested_model_id},
        car_models=selectors.car_model_list(user=user, active_only=True).filter(store_id=store),
        packages=selectors.value_package_list(user=user, active_only=True).filter(store_id=store),
        plans=selectors.finance_plan_list(user=user, active_only=True, store_id=store),
    )


@login_required
def quote_new(request, prospect_id: int):
    prospect = selectors.prospect_get(user=request.user, prospect_id=prospect_id)
    form = _quote_form(request, prospect, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            quote = quotes.quote_create(user=request.user, prospect=prospect, **form.service_kwargs())
        except DomainError as exc:
            for key, message in exc.errors.items():
                form.add_error(form.service_field(key), message)
            if not exc.errors:
                form.add_error(None, exc.detail)
        else:
            messages.success(request, f"已生成报价单 V{quote.version}")
            return redirect("showroom:quote", quote.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "showroom/quote_new.html", {"prospect": prospect, "form": form, "tab": "prospects"}, status=status)


@login_required
def quote_print(request, sales_quote_id: int):
    """The printable quote: price lines, packages, finance option, after-sales policy, promises."""
    quote = selectors.quote_get(user=request.user, quote_id=sales_quote_id)
    return render(request, "showroom/quote_print.html", {"quote": quote, "prospect": quote.prospect, "tab": "prospects"})


# --- recommendation tools ---------------------------------------------------------------------------


@login_required
def compare(request):
    car_models = selectors.car_model_list(user=request.user, active_only=True)
    form = forms.CompareForm(request.GET or None, car_models=car_models)
    columns = None
    if form.is_valid():
        first = selectors.car_model_get(user=request.user, car_model_id=form.cleaned_data["first"])
        second = selectors.car_model_get(user=request.user, car_model_id=form.cleaned_data["second"])
        columns = selectors.model_comparison(first=first, second=second)
    return render(request, "showroom/compare.html", {"form": form, "columns": columns, "tab": "tools"})


@login_required
def finance(request):
    """Cash vs. every active loan plan of the store — printable."""
    form = forms.FinanceForm(request.GET or None)
    result, status = None, 200
    if form.is_valid():
        plans = list(
            selectors.finance_plan_list(user=request.user, active_only=True, store_id=request.user.default_store_id())[:20]
        )
        result = call_service(form, finance_compare, plans=plans, **form.cleaned_data)
        status = 200 if result is not None else 422
    elif request.GET:
        status = 422
    return render(request, "showroom/finance.html", {"form": form, "result": result, "tab": "tools"}, status=status)


# --- delivery ---------------------------------------------------------------------------------------


@login_required
@require_POST
def delivery_start(request, prospect_id: int):
    prospect = selectors.prospect_get(user=request.user, prospect_id=prospect_id)
    form = forms.DeliveryStartForm(request.POST)
    if form.is_valid():
        started = call_service(form, delivery.delivery_start, user=request.user, prospect=prospect, **form.cleaned_data)
        if started is not None:
            for warning in started[1]:
                messages.warning(request, warning)
            return redirect("showroom:delivery", started[0].pk)
    context = _detail_context(request, prospect, delivery_form=form)
    return render(request, "showroom/prospect_detail.html", context, status=422)


def _delivery_context(request, found, **overrides) -> dict:
    results = found.pdi_results or {}
    initial = {}
    for item in PdiItem:
        entry = results.get(item.value)
        if entry:
            initial[f"{item.value}_ok"] = "1" if entry["ok"] else "0"
            initial[f"{item.value}_note"] = entry["note"]
    context = {
        "delivery": found,
        "prospect": found.prospect,
        "pdi_form": forms.PdiForm(initial=initial),
        "photo_form": forms.PhotoForm(),
        "checklist_form": forms.ChecklistForm(
            initial={
                "explained_features": found.explained_features,
                "explained_after_sales": found.explained_after_sales,
                "explained_membership": found.explained_membership,
            }
        ),
        "photos": list(found.photos.only("id", "item", "uploaded_at")),
        "pdi_url": request.build_absolute_uri(reverse("showroom_pdi_report", args=[delivery.pdi_token(found)])),
        "errors": {},
        "tab": "prospects",
    }
    context.update(overrides)
    return context


@login_required
def delivery_page(request, sales_delivery_id: int):
    found = selectors.delivery_get(user=request.user, delivery_id=sales_delivery_id)
    return render(request, "showroom/delivery.html", _delivery_context(request, found))


def _delivery_action(request, found, form, service, form_key: str, success: str, /, **kwargs):
    if form.is_valid():
        try:
            service(user=request.user, delivery=found, **kwargs)
        except DomainError as exc:
            found.refresh_from_db()
            errors = exc.errors or {"detail": exc.detail}
            context = _delivery_context(request, found, errors=errors, **{form_key: form})
            return render(request, "showroom/delivery.html", context, status=exc.status)
        messages.success(request, success)
        return redirect("showroom:delivery", found.pk)
    context = _delivery_context(request, found, **{form_key: form})
    return render(request, "showroom/delivery.html", context, status=422)


@login_required
@require_POST
def pdi_record(request, sales_delivery_id: int):
    found = selectors.delivery_get(user=request.user, delivery_id=sales_delivery_id)
    form = forms.PdiForm(request.POST)
    results = form.results() if form.is_valid() else {}
    return _delivery_action(request, found, form, delivery.pdi_record, "pdi_form", "PDI 检查结果已保存", results=results)


@login_required
@require_POST
def pdi_photo(request, sales_delivery_id: int):
    found = selectors.delivery_get(user=request.user, delivery_id=sales_delivery_id)
    form = forms.PhotoForm(request.POST, request.FILES)
    photo = request.FILES.get("photo")
    data = photo.read(delivery.PHOTO_MAX_BYTES + 1) if photo else b""
    item = request.POST.get("item", "")
    return _delivery_action(request, found, form, delivery.pdi_photo_add, "photo_form", "照片已上传", item=item, data=data)


@login_required
@require_POST
def delivery_checklist(request, sales_delivery_id: int):
    found = selectors.delivery_get(user=request.user, delivery_id=sales_delivery_id)
    form = forms.ChecklistForm(request.POST)
    data = form.cleaned_data if form.is_valid() else {}
    return _delivery_action(request, found, form, delivery.delivery_checklist, "checklist_form", "交车清单已保存", **data)


@login_required
@require_POST
def delivery_complete(request, sales_delivery_id: int):
    found = selectors.delivery_get(user=request.user, delivery_id=sales_delivery_id)
    form = forms.ConfirmForm(request.POST)
    return _delivery_action(
        request, found, form, delivery.delivery_complete, "complete_form", "已交车：客户与车辆已入档，交接表计时开始"
    )


@login_required
def photo(request, pdi_photo_id: int):
    found = PdiPhoto.objects.filter(pk=pdi_photo_id).select_related("delivery").first()
    if found is None:
        raise Http404
    selectors.delivery_get(user=request.user, delivery_id=found.delivery_id)  # 404 for another store
    return HttpResponse(bytes(found.data), content_type=found.content_type)


@ratelimit(key=lambda group, request: client_ip(request) or "unknown", rate="60/m", block=True)
def pdi_report(request, token: str):
    """The customer's PDI report behind a signed link (no login)."""
    try:
        found = delivery.delivery_for_pdi_token(token)
    except delivery.PdiLinkInvalid as exc:
        return render(request, "showroom/pdi_closed.html", {"message": exc.detail}, status=410)
    rows = [(item.label, (found.pdi_results or {}).get(item.value)) for item in PdiItem]
    photos = list(found.photos.only("id", "item"))
    return render(request, "showroom/pdi_report.html", {"delivery": found, "rows": rows, "photos": photos, "token": token})


@ratelimit(key=lambda group, request: client_ip(request) or "unknown", rate="120/m", block=True)
def pdi_report_photo(request, token: str, photo_id: int):
    try:
        found = delivery.delivery_for_pdi_token(token)
    except delivery.PdiLinkInvalid:
        raise Http404 from None
    image = PdiPhoto.objects.filter(pk=photo_id, delivery=found).first()
    if image is None:
        raise Http404
    return HttpResponse(bytes(image.data), content_type=image.content_type)


# --- configuration and funnel -----------------------------------------------------------------------


CONFIG_FORMS = {
    "car_model": (forms.CarModelForm, catalogue.car_model_save, "车型已添加"),
    "package": (forms.PackageForm, catalogue.value_package_save, "套餐已添加"),
    "plan": (forms.FinancePlanForm, catalogue.finance_plan_save, "金融方案已添加"),
    "demo_car": (forms.DemoCarForm, catalogue.demo_car_save, "试驾车已添加"),
    "matrix": (forms.MatrixRuleForm, catalogue.recommendation_rule_add, "矩阵推荐已添加"),
}


def _config_forms(request, bound=None) -> dict:
    car_models = selectors.car_model_list(user=request.user)
    made = {}
    for key, (form_class, _, _) in CONFIG_FORMS.items():
        extra = {"car_models": car_models} if key in ("demo_car", "matrix") else {}
        made[f"{key}_form"] = bound if bound is not None and bound.prefix == key else form_class(prefix=key, **extra)
    return made


@login_required
def settings_page(request):
    """The manager's showroom settings: catalogue, needs → model matrix, packages, finance rates, demo cars."""
    status = 200
    bound = None
    if request.method == "POST":
        key = request.POST.get("kind", "")
        if key not in CONFIG_FORMS:
            raise Http404
        form_class, service, success = CONFIG_FORMS[key]
        extra = {"car_models": selectors.car_model_list(user=request.user)} if key in ("demo_car", "matrix") else {}
        bound = form_class(request.POST, prefix=key, **extra)
        if bound.is_valid():
            data = bound.service_kwargs() if hasattr(bound, "service_kwargs") else bound.cleaned_data
            if call_service(bound, service, user=request.user, **data) is not None:
                messages.success(request, success)
                return redirect("showroom:settings")
            if getattr(bound.domain_error, "status", 422) == 403:
                messages.error(request, bound.domain_error.detail)
                return redirect("showroom:settings")
        status = 422
    context = {
        "car_models": selectors.car_model_list(user=request.user)[:500],
        "packages": selectors.value_package_list(user=request.user)[:500],
        "plans": selectors.finance_plan_list(user=request.user)[:500],
        "demo_cars": selectors.demo_car_list(user=request.user)[:500],
        "rules": selectors.recommendation_rule_list(user=request.user)[:1000],
        "can_configure": has_perm(request.user, Perm.SHOWROOM_CONFIGURE),
        "tab": "settings",
        **_config_forms(request, bound),
    }
    return render(request, "showroom/settings.html", context, status=status)


@login_required
@require_POST
def matrix_remove(request, matrix_rule_id: int):
    rule = selectors.recommendation_rule_get(user=request.user, rule_id=matrix_rule_id)
    try:
        catalogue.recommendation_rule_remove(user=request.user, rule=rule)
    except DomainError as exc:
        messages.error(request, exc.detail)
    return redirect("showroom:settings")


@login_required
def funnel(request):
    today = timezone.localdate()
    form = forms.FunnelForm(request.GET or {"since": today.replace(day=1), "until": today})
    data = call_service(form, selectors.sales_funnel, user=request.user, **form.cleaned_data) if form.is_valid() else None
    status = 200 if data is not None else 422
    labels = {"sources": dict(ProspectSource.choices), "reasons": dict(services.LostReason.choices)}
    return render(request, "showroom/funnel.html", {"form": form, "data": data, "labels": labels, "tab": "funnel"}, status=status)


@login_required
def customer_card(request, customer_id: int):
    """The customer 360 page's showroom card: this customer's prospects and deliveries."""
    from customers.selectors import customer_get

    customer = customer_get(user=request.user, customer_id=customer_id)
    prospects = list(selectors.prospect_list(user=request.user).filter(customer=customer)[:10])
    return render(request, "showroom/_customer_card.html", {"prospects": prospects})
