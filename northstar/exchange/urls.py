from django.urls import path

from northstar.exchange import views

urlpatterns = [
    path("exchange/", views.exchange_page, name="exchange"),
    path("exchange/import/", views.upload, name="exchange-upload"),
    path("exchange/import/<int:pk>/", views.confirm, name="exchange-confirm"),
    path("exchange/import/<int:pk>/state/", views.upload_state, name="exchange-state"),
    path("exchange/export.<str:fmt>", views.export, name="exchange-export"),
    path("exchange/template.<str:fmt>", views.template, name="exchange-template"),
    path("exchange/backup.json", views.backup, name="exchange-backup"),
    path("exchange/restore/", views.restore, name="exchange-restore"),
]
