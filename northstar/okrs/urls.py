from django.urls import path

from northstar.okrs import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
]
