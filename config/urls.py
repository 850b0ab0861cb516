from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from core import twofactor
from core import views as core_views

admin.site.site_header = "干部监督信息平台 · 系统管理"
admin.site.site_title = "干部监督信息平台"
admin.site.index_title = "系统设置"

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", core_views.PasswordChangeView.as_view(), name="password_change"),
    path("otp/", twofactor.verify, name="otp_verify"),
    path("admin/", admin.site.urls),
    path("cadres/", include("cadres.urls")),
    path("petitions/", include("petitions.urls")),
    path("audits/", include("audits.urls")),
    path("liaison/", include("liaison.urls")),
    path("vetting/", include("vetting.urls")),
    path("matters/", include("matters.urls")),
    path("dashboard/", include("dashboard.urls")),
    path("", include("api.page_urls")),
    path("api/v1/", include("api.urls")),
    path("", include("core.urls")),
]
