"""Staff pages of bulk import (upload → mapping → dry-run report → commit, with a live progress bar)
and list export. Thin: every rule lives in services/exports."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.models import Store
from accounts.permissions import Perm, has_perm
from core.api import client_ip
from core.errors import DomainError, Forbidden
from core.forms import call_service
from dataio import api, exports, selectors, services
from dataio.forms import ExportForm, MappingForm, UploadForm
from dataio.mapping import targets_for


def _require(request, perm: Perm) -> None:
    if not has_perm(request.user, perm):
        raise PermissionDenied("您的角色无权导入或导出数据")


def _batch(request, batch_id: int):
    """404 for another store's batch, 403 for a role without import rights."""
    try:
        return selectors.batch_get(user=request.user, batch_id=batch_id)
    except Forbidden:
        raise PermissionDenied("您的角色无权导入数据") from None


def _stores(user):
    return list(Store.objects.filter(pk__in=user.accessible_store_ids()).order_by("code"))


@login_required
def import_index(request):
    _require(request, Perm.DATA_IMPORT)
    stores = _stores(request.user)
    form = UploadForm(request.POST or None, request.FILES or None, stores=stores)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        batch = call_service(
            form,
            services.import_upload,
            user=request.user,
            kind=form.cleaned_data["kind"],
            file_name=upload.name,
            data=upload.read(),
            store_id=form.cleaned_data.get("store") or None,
        )
        if batch is not None:
            return redirect("dataio:batch", batch_id=batch.pk)
    status = 422 if form.errors else 200
    batches = list(selectors.batch_list(user=request.user)[:30])
    return render(request, "dataio/index.html", {"form": form, "batches": batches}, status=status)


def _batch_context(batch, form=None):
    return {
        "batch": batch,
        "form": form or MappingForm(kind=batch.kind, columns=batch.columns, initial_mapping=batch.mapping),
        "targets": targets_for(batch.kind),
        "counts": batch.report.get("counts", {}),
        "errors": batch.report.get("errors", [])[:50],
        "warnings": batch.report.get("warnings", [])[:20],
        "editable": batch.status in (batch.Status.UPLOADED, batch.Status.CHECKED, batch.Status.FAILED),
    }


@login_required
def batch_detail(request, batch_id: int):
    batch = _batch(request, batch_id)
    return render(request, "dataio/batch.html", _batch_context(batch))


@login_required
def batch_progress(request, batch_id: int):
    """Polled by htmx every second while the batch runs; a finished batch reloads the page."""
    batch = _batch(request, batch_id)
    response = render(request, "dataio/_progress.html", {"batch": batch})
    if not batch.is_running:
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def batch_check(request, batch_id: int):
    batch = _batch(request, batch_id)
    form = MappingForm(request.POST, kind=batch.kind, columns=batch.columns, initial_mapping=batch.mapping)
    if form.is_valid() and call_service(form, services.import_check, user=request.user, batch=batch, mapping=form.mapping()):
        return redirect("dataio:batch", batch_id=batch.pk)
    batch.refresh_from_db()
    return render(request, "dataio/batch.html", _batch_context(batch, form), status=422)


@login_required
@require_POST
def batch_commit(request, batch_id: int):
    batch = _batch(request, batch_id)
    try:
        services.import_commit(user=request.user, batch=batch)
    except DomainError as exc:
        messages.error(request, exc.detail)
    return redirect("dataio:batch", batch_id=batch.pk)


@login_required
def batch_report(request, batch_id: int):
    return api.report_response(_batch(request, batch_id))


@login_required
def export_page(request):
    """The export form; submitting it (download=1) streams the file."""
    _require(request, Perm.DATA_EXPORT)
    form = ExportForm(
        request.GET if "download" in request.GET else None,
        initial={"list": request.GET.get("list", "customers"), "day": request.GET.get("day")},
    )
    can_reveal = has_perm(request.user, Perm.PII_REVEAL)
    if not can_reveal:
        del form.fields["reveal"], form.fields["reason"]
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        export = call_service(
            form,
            exports.export_prepare,
            user=request.user,
            list_name=data["list"],
            fmt=data["format"],
            reveal=data.get("reveal", False),
            reason=data.get("reason", ""),
            ip_address=client_ip(request),
            filters={"day": data["day"].isoformat() if data["day"] else ""},
        )
        if export is not None:
            return api.export_response(export)
    status = 422 if form.is_bound and form.errors else 200
    context = {"form": form, "can_reveal": can_reveal}
    return render(request, "dataio/export.html", context, status=status)
