"""Held storage pages: upload a version's file, or copy it in from an allowed folder.

The upload form is streamed straight into held storage by `HeldUploadHandler`: the view is
exempt from the CSRF middleware so that it can refuse (permission, state, size) before any
byte is read, then runs the CSRF check itself with the handler installed.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from core.exceptions import ConflictError
from core.forms import form_errors_from
from core.models import JobRun
from core.storage import CHUNK_BYTES, HeldUploadHandler, held_storage_name, max_upload_bytes
from inventory.forms import HeldCopyInForm, HeldUploadForm
from inventory.models import DatasetVersion, ModelVersion
from inventory.services.held import (
    COPY_IN_TASK,
    held_copy_in_submit,
    held_file_record,
    held_target_check,
    held_target_kind,
    held_upload_name,
)

__all__ = ["DatasetVersionHeldView", "ModelVersionHeldView"]


def _css(form) -> None:
    for field in form.fields.values():
        field.widget.attrs.setdefault("class", "form-control")


@method_decorator(csrf_exempt, name="dispatch")
class _HeldStorageView(LoginRequiredMixin, View):
    model: type = DatasetVersion
    template_name = "inventory/held_storage.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        related = "dataset" if self.model is DatasetVersion else "model"
        self.target = get_object_or_404(
            self.model.objects.restrict(request.user, "view").select_related(related),
            pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk: int) -> HttpResponse:
        return self.page(HeldUploadForm(), HeldCopyInForm())

    def post(self, request, pk: int) -> HttpResponse:
        # Who may, and when, before a byte is read (PermissionDenied becomes a 403).
        try:
            held_target_check(target=self.target, actor=request.user)
        except ConflictError as conflict:
            messages.error(request, conflict.message)
            return HttpResponseRedirect(request.path)
        if request.GET.get("copy-in"):
            return self.copy_in(request)
        return self.upload(request)

    def upload(self, request) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > max_upload_bytes() + CHUNK_BYTES:  # a form's other fields fit in a MiB
            return self.too_large()
        handler = HeldUploadHandler(
            request, name_for=lambda filename: held_upload_name(self.target, filename))
        request.upload_handlers = [handler]
        refused = CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {})
        if refused is not None:
            handler.discard()
            return refused
        post = request.POST  # parsed here unless the CSRF check already did
        if handler.too_large:
            return self.too_large()
        form = HeldUploadForm(post)
        if handler.stored is None:
            form.add_error(None, "Choose a file to upload.")
        if not form.is_valid():
            handler.discard()
            return self.page(form, HeldCopyInForm())
        try:
            held_file_record(target=self.target, actor=request.user,
                             reason=form.cleaned_data["change_reason"], stored=handler.stored,
                             sha256=form.cleaned_data["sha256"])
        except ValidationError as error:
            form_errors_from(form, error)
            return self.page(form, HeldCopyInForm())
        except ConflictError as conflict:
            messages.error(request, conflict.message)
            return HttpResponseRedirect(request.path)
        messages.success(request, f"Stored {handler.stored.size:,} bytes for {self.target}, "
                                  f"SHA-256 {handler.stored.sha256}.")
        return HttpResponseRedirect(request.path)

    def copy_in(self, request) -> HttpResponse:
        refused = CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {})
        if refused is not None:
            return refused
        form = HeldCopyInForm(request.POST)
        if form.is_valid():
            try:
                run = held_copy_in_submit(target=self.target, actor=request.user,
                                          reason=form.cleaned_data["change_reason"],
                                          source=form.cleaned_data["source"],
                                          sha256=form.cleaned_data["sha256"])
            except ValidationError as error:
                form_errors_from(form, error)
            else:
                return HttpResponseRedirect(reverse("core:jobrun_detail", args=[run.pk]))
        return self.page(HeldUploadForm(), form)

    def too_large(self) -> HttpResponse:
        return self.page(HeldUploadForm(), HeldCopyInForm(), status=413,
                         error=f"The file is larger than the {max_upload_bytes():,} bytes "
                               "allowed; nothing was kept.")

    def page(self, upload_form, copy_form, status: int = 200, error: str = "") -> HttpResponse:
        _css(upload_form)
        _css(copy_form)
        target = self.target
        if isinstance(target, DatasetVersion):
            uri, sha256, size, owner = target.uri, target.sha256, target.size, target.dataset
        else:
            uri, sha256, size, owner = (target.artifact_uri, target.artifact_sha256,
                                        target.artifact_size, target.model)
        runs = JobRun.objects.filter(
            name=COPY_IN_TASK, parameters__kind=held_target_kind(target),
            parameters__pk=target.pk).order_by(
            "-created_at")[:5] if self.request.user.has_perm("core.view_jobrun") else []
        return render(self.request, self.template_name, {
            "version": target, "owner": owner, "held_name": held_storage_name(uri),
            "sha256": sha256, "size": size, "upload_form": upload_form,
            "copy_form": copy_form, "runs": runs, "limit": max_upload_bytes(),
            "upload_error": error}, status=status)


class DatasetVersionHeldView(_HeldStorageView):
    model = DatasetVersion


class ModelVersionHeldView(_HeldStorageView):
    model = ModelVersion
