from django.urls import path

from northstar.roadmap import views

urlpatterns = [
    path("roadmap/", views.timeline, name="roadmap"),
    path("roadmap/timeline.json", views.timeline_json, name="roadmap-timeline-json"),
    path("roadmap/board/", views.board, name="roadmap-board"),
    path("roadmap/list/", views.item_list, name="roadmap-list"),
    path("roadmap/baselines/new/", views.baseline_create, name="baseline-create"),
    path("roadmap/pick/work-items/", views.pick_work_items, name="pick-work-items"),
    path("roadmap/pick/key-results/", views.pick_key_results, name="pick-key-results"),
    path("roadmap/pick/objectives/", views.pick_objectives, name="pick-objectives"),
    path("roadmap/pick/teams/", views.pick_teams, name="pick-teams"),
    path("roadmap/pick/people/", views.pick_people, name="pick-people"),
    path("roadmap/items/new/", views.item_create, name="work-item-create"),
    path("roadmap/items/<int:pk>/", views.item_detail, name="work-item"),
    path("roadmap/items/<int:pk>/edit/", views.item_edit, name="work-item-edit"),
    path("roadmap/items/<int:pk>/delete/", views.item_delete, name="work-item-delete"),
    path("roadmap/items/<int:pk>/push-successors/", views.push_successors, name="work-item-push"),
    path("roadmap/items/<int:pk>/dependencies/new/", views.dependency_add, name="dependency-add"),
    path("roadmap/dependencies/<int:pk>/delete/", views.dependency_remove, name="dependency-remove"),
    path("roadmap/items/<int:pk>/serves/new/", views.contribution_add, name="contribution-add"),
    path("roadmap/serves/<int:pk>/delete/", views.contribution_remove, name="contribution-remove"),
]
