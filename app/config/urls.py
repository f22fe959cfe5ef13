"""URL routes: the admin and the two endpoints the deployment relies on."""

from __future__ import annotations

from django.contrib import admin
from django.urls import path

from core import views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/version/", views.version, name="version"),
    path("api/health-check/", views.health_check, name="health-check"),
]
