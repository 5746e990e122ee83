from django.urls import path

from northstar.insights import views, views_alignment, views_backlog

urlpatterns = [
    path("insights/coverage/", views.coverage, name="coverage"),
    path("insights/optimise/", views.optimise_page, name="optimise"),
    path("insights/capacity/", views.capacity, name="capacity"),
    path("insights/backlog/", views_backlog.backlog, name="backlog"),
    path("alignment/", views_alignment.alignment_map, name="alignment"),
]
