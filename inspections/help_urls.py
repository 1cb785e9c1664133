"""The in-app help (使用说明), at /help/ for every signed-in person."""

from django.urls import path

from . import help_page

app_name = "help"

urlpatterns = [
    path("", help_page.help_page, name="index"),
]
