"""Dashboard forms of the monitoring app."""

from __future__ import annotations

from django import forms

from monitoring.services.costs import COST_CSV_COLUMNS

__all__ = ["CostUploadForm"]


class CostUploadForm(forms.Form):
    file = forms.FileField(
        label="CSV bill",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv",
                                               "class": "form-control"}),
        help_text="One cost per row; the first row names the columns: "
                  + ", ".join(COST_CSV_COLUMNS) + ". month, scope and amount are required.")
    change_reason = forms.CharField(
        label="Reason", max_length=500, required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
        help_text="Kept in each record's history, e.g. “March cloud bill”.")
