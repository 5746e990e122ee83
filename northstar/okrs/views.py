from django.http import HttpRequest, HttpResponse


def dashboard(request: HttpRequest) -> HttpResponse:
    return HttpResponse("northstar")


def okr_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse("okrs")
