"""PDF documents (reports, audit extracts, model cards) rendered from HTML templates with
WeasyPrint. Rendering never touches the network: only `data:` URLs are fetched, so a
document's styles live in the template (see `templates/pdf/base.html`)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

__all__ = ["pdf_from_html", "pdf_from_template", "pdf_response"]


def pdf_from_html(html: str) -> bytes:
    """The PDF bytes of an HTML document."""
    # Imported late: loading Pango costs ~0.3 s at start-up.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    offline = URLFetcher(allowed_protocols={"data"})
    return HTML(string=html, url_fetcher=offline, base_url="/").write_pdf()


def pdf_from_template(template_name: str, context: dict[str, Any]) -> bytes:
    """Render `template_name` (which should extend `pdf/base.html`) and print it to PDF."""
    context = {"generated_at": timezone.now(), **context}
    return pdf_from_html(render_to_string(template_name, context))


def pdf_response(request: HttpRequest | None, template_name: str, context: dict[str, Any],
                 filename: str) -> HttpResponse:
    """A download of the rendered PDF. Callers record the export as an access event."""
    response = HttpResponse(pdf_from_template(template_name, context),
                            content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
