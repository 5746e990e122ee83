from django.http import HttpResponse
from django.urls import path


def _todo(request, *args, **kwargs):  # replaced by the period pages
    return HttpResponse("todo")


urlpatterns = [
    path("", _todo, name="periods"),
]
