"""Model cards of model versions: a page, and the same card as PDF and Markdown downloads
(each download is an access event)."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.views.generic import TemplateView, View

from core.choices import AccessAction
from core.pdf import pdf_response
from core.services.audit import access_event_record
from inventory.models import ModelVersion
from inventory.selectors.modelcards import ModelCard, model_card, model_card_versions

__all__ = ["ModelCardMarkdownView", "ModelCardPdfView", "ModelCardView", "visible_card"]


def visible_card(request, pk: int) -> ModelCard:
    """The card of version `pk` if the user may see the version, else 404."""
    versions = model_card_versions().filter(
        pk__in=ModelVersion.objects.restrict(request.user, "view").values("pk"))
    try:
        return model_card(versions.get(pk=pk), user=request.user)
    except ModelVersion.DoesNotExist as missing:
        raise Http404 from missing


def card_filename(card: ModelCard, extension: str) -> str:
    return f"model-card-{card.version.model.name}-v{card.version.version}.{extension}"


class ModelCardView(LoginRequiredMixin, TemplateView):
    """The card as a page, with what is missing listed first."""

    template_name = "inventory/modelcard_detail.html"

    def get_context_data(self, **kwargs) -> dict:
        card = visible_card(self.request, kwargs["pk"])
        return {**super().get_context_data(**kwargs), "card": card,
                "version": card.version, "object": card.version.model}


class ModelCardPdfView(LoginRequiredMixin, View):
    """The card as a PDF (`core.pdf`)."""

    def get(self, request, pk: int):
        card = visible_card(request, pk)
        access_event_record(request=request, action=AccessAction.DOWNLOAD, obj=card.version,
                            query="model card (PDF)")
        return pdf_response(request, "inventory/modelcard_pdf.html", {"card": card},
                            card_filename(card, "pdf"))


class ModelCardMarkdownView(LoginRequiredMixin, View):
    """The card as Markdown, for a repository's README or a wiki."""

    def get(self, request, pk: int):
        card = visible_card(request, pk)
        access_event_record(request=request, action=AccessAction.DOWNLOAD, obj=card.version,
                            query="model card (Markdown)")
        response = HttpResponse(render_to_string("inventory/modelcard.md", {"card": card}),
                                content_type="text/markdown; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{card_filename(card, "md")}"'
        return response
