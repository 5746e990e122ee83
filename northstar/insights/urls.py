from django.urls import path

from northstar.insights import views

urlpatterns = [
    path("insights/coverage/", views.coverage, name="coverage"),
]
