from django.urls import path

from northstar.integrations import views

urlpatterns = [
    path("settings/webhooks/", views.webhooks, name="webhooks"),
    path("settings/webhooks/<int:pk>/", views.webhook, name="webhook"),
    path("settings/webhooks/<int:pk>/test/", views.webhook_test, name="webhook-test"),
    path("settings/webhooks/<int:pk>/delete/", views.webhook_delete, name="webhook-delete"),
    path("key-results/<int:pk>/source/", views.key_result_source, name="key-result-source"),
    path("calendar/", views.calendar_page, name="calendar"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar-feed"),
]
