"""PDF rendering: a template becomes a PDF whose text can be read back, offline."""

from __future__ import annotations

import io
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.template import engines

from core.pdf import pdf_from_html, pdf_from_template


def _text(pdf: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_a_template_prints_to_a_pdf_with_its_rows(tmp_path, settings):
    (tmp_path / "pdf").mkdir()
    (tmp_path / "pdf" / "rows.html").write_text(
        '{% extends "pdf/base.html" %}{% block heading %}Register{% endblock %}'
        "{% block content %}<table>{% for row in rows %}<tr><td>{{ row }}</td></tr>"
        "{% endfor %}</table>{% endblock %}")
    settings.TEMPLATES = [{**settings.TEMPLATES[0],
                           "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    engines._engines = {}
    try:
        pdf = pdf_from_template("pdf/rows.html", {"rows": ["credit-default-xgb", "churn-lgbm"]})
    finally:
        engines._engines = {}
    assert pdf.startswith(b"%PDF-")
    text = _text(pdf)
    assert "Register" in text and "credit-default-xgb" in text and "churn-lgbm" in text


def test_rendering_fetches_nothing_from_the_network():
    requested: list[str] = []

    class Recorder(BaseHTTPRequestHandler):
        def do_GET(self):
            requested.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}"
        pdf = pdf_from_html(f'<link rel="stylesheet" href="{url}/style.css">'
                            f'<p>kept</p><img src="{url}/tracker.png">')
    finally:
        server.shutdown()
    assert requested == []
    assert "kept" in _text(pdf)


@pytest.mark.parametrize("html", ["", "<p>"])
def test_degenerate_html_still_gives_a_pdf(html):
    assert pdf_from_html(html).startswith(b"%PDF-")
