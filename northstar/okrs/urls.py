from django.urls import include, path

from northstar.okrs import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("okrs/", views.okr_page, name="okrs"),
    path("settings/periods/", include("northstar.okrs.urls_periods")),
]
