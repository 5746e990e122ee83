from django.urls import include, path

from northstar.okrs import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("okrs/", views.okr_page, name="okrs"),
    path("okrs/new/", views.objective_create, name="objective-create"),
    path("okrs/<int:pk>/", views.objective_detail, name="objective"),
    path("okrs/<int:pk>/edit/", views.objective_edit, name="objective-edit"),
    path("okrs/<int:pk>/delete/", views.objective_delete, name="objective-delete"),
    path("okrs/<int:pk>/close/", views.objective_close, name="objective-close"),
    path("okrs/<int:objective_pk>/key-results/new/", views.key_result_create, name="key-result-create"),
    path("key-results/<int:pk>/", views.key_result_detail, name="key-result"),
    path("key-results/<int:pk>/edit/", views.key_result_edit, name="key-result-edit"),
    path("key-results/<int:pk>/delete/", views.key_result_delete, name="key-result-delete"),
    path("key-results/<int:pk>/check-in/", views.check_in, name="check-in"),
    path("settings/periods/", include("northstar.okrs.urls_periods")),
]
