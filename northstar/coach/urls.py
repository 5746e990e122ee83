from django.urls import path

from northstar.coach import views

urlpatterns = [
    path("coach/", views.quality, name="coach"),
    path("coach/rules/", views.rules, name="coach-rules"),
    path("coach/check/objective/", views.check_objective, name="coach-check-objective"),
    path("coach/check/key-result/<int:objective_pk>/", views.check_key_result, name="coach-check-key-result"),
]
