from django.urls import path

from network import views

app_name = "network"

urlpatterns: list = [
    path("", views.network_home, name="home"),
]
