from django.urls import path

from northstar.insights import (
    views,
    views_adjust,
    views_alignment,
    views_backlog,
    views_reviews,
    views_scenarios,
)

urlpatterns = [
    path("insights/coverage/", views.coverage, name="coverage"),
    path("insights/optimise/", views.optimise_page, name="optimise"),
    path("insights/capacity/", views.capacity, name="capacity"),
    path("insights/backlog/", views_backlog.backlog, name="backlog"),
    path("insights/optimise/scenario/", views_scenarios.scenario_from_optimiser, name="optimise-scenario"),
    path("scenarios/", views_scenarios.scenario_list, name="scenarios"),
    path("scenarios/new/", views_scenarios.scenario_create, name="scenario-create"),
    path("scenarios/<int:pk>/", views_scenarios.scenario_detail, name="scenario"),
    path("scenarios/<int:pk>/changes/", views_scenarios.scenario_change_add, name="scenario-change-add"),
    path(
        "scenarios/<int:pk>/changes/<int:change_id>/delete/",
        views_scenarios.scenario_change_remove,
        name="scenario-change-remove",
    ),
    path("scenarios/<int:pk>/apply/", views_scenarios.scenario_apply, name="scenario-apply"),
    path("scenarios/<int:pk>/delete/", views_scenarios.scenario_delete, name="scenario-delete"),
    path("insights/adjust/", views_adjust.adjustments, name="adjustments"),
    path("insights/adjust/scenario/", views_adjust.adjustment_scenario, name="adjustment-scenario"),
    path("reviews/", views_reviews.review_list, name="reviews"),
    path("reviews/new/", views_reviews.review_create, name="review-create"),
    path("reviews/<int:pk>/", views_reviews.review_detail, name="review"),
    path("reviews/<int:pk>/pdf/", views_reviews.review_pdf, name="review-pdf"),
    path("reviews/<int:pk>/delete/", views_reviews.review_delete, name="review-delete"),
    path("alignment/", views_alignment.alignment_map, name="alignment"),
]
