"""Dashboard routes of the governance app, under /governance/."""

app_name = "governance"

urlpatterns: list = []
