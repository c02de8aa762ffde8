"""Dashboard routes of the monitoring app, under /monitoring/."""

app_name = "monitoring"

urlpatterns: list = []
