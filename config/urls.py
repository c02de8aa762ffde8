"""Top-level routes: dashboards at /, the admin, the REST API under /api/v1/, health."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core.forms import ThrottledAdminAuthenticationForm
from core.views import generic as base_views
from core.views import signin

admin.site.login_form = ThrottledAdminAuthenticationForm

api_v1 = [
    path("", include("core.api.urls")),
    path("", include("inventory.api.urls")),
    path("", include("lineage.api.urls")),
    path("", include("monitoring.api.urls")),
    path("", include("governance.api.urls")),
]

urlpatterns = [
    path("", base_views.HomeView.as_view(), name="home"),
    path("healthz", base_views.healthz, name="healthz"),
    path("login/", signin.SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("oidc/authenticate/", signin.oidc_start, name="oidc_authentication_init"),
    path("oidc/callback/", signin.oidc_callback, name="oidc_authentication_callback"),
    path("inventory/", include("core.urls")),
    path("inventory/", include("inventory.urls")),
    path("lineage/", include("lineage.urls")),
    path("monitoring/", include("monitoring.urls")),
    path("governance/", include("governance.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    # The MLflow Model Registry REST API over the inventory (MlflowClient's paths).
    path("api/2.0/mlflow/", include("inventory.api.mlflow_urls")),
    path("ajax-api/2.0/mlflow/", include("inventory.api.mlflow_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
]

handler403 = "core.views.generic.permission_denied"
handler404 = "core.views.generic.page_not_found"
handler500 = "core.views.generic.server_error"
