from django.urls import path

from northstar.roadmap import views

urlpatterns = [
    path("roadmap/", views.timeline, name="roadmap"),
]
