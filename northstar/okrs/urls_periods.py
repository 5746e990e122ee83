from django.urls import path

from northstar.okrs import views_closing
from northstar.okrs import views_periods as views

urlpatterns = [
    path("", views.periods, name="periods"),
    path("new/", views.period_create, name="period-create"),
    path("<int:pk>/", views.period_detail, name="period"),
    path("<int:pk>/close/", views.period_close, name="period-close"),
    path("<int:pk>/results/", views_closing.period_results, name="period-results"),
    path("<int:pk>/delete/", views.period_delete, name="period-delete"),
    path("<int:pk>/quarters/", views.period_quarters, name="period-quarters"),
]
