from django.urls import path

from network import views

app_name = "network"

urlpatterns: list = [
    path("", views.network_home, name="home"),
    path("people/", views.directory, name="directory"),
    path("people.json", views.directory_json, name="directory_json"),
    path("people/<str:handle>/", views.profile, name="profile"),
    path("people/<str:handle>/profile.json", views.profile_json, name="profile_json"),
    path("parties/", views.parties, name="parties"),
    path("parties/<slug:slug>/", views.party, name="party"),
    path("welcome/", views.onboarding, name="onboarding"),
    path("me/edit/", views.edit_profile, name="edit_profile"),
    path("me/preview/", views.preview_profile, name="preview_profile"),
    path("me/data/", views.my_data, name="my_data"),
    path("me/data/archive.json", views.download_my_data, name="download_my_data"),
    path("me/delete/", views.delete_my_account, name="delete_account"),
]
