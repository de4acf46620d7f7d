from django.urls import path

from mentoring import views

app_name = "mentoring"

urlpatterns: list = [
    path("", views.index, name="index"),
    path("offer/", views.offer_edit, name="offer_edit"),
    path("offer/pause/", views.offer_pause, name="offer_pause"),
    path("looking/", views.request_edit, name="request_edit"),
    path("suggestions/", views.suggestions, name="suggestions"),
    path("ask/<int:offer_id>/", views.ask, name="ask"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/withdraw/", views.request_withdraw, name="request_withdraw"),
    path("m/<int:pk>/", views.mentorship_detail, name="mentorship_detail"),
    path("m/<int:pk>/conversation/", views.conversation, name="conversation"),
    path("m/<int:pk>/messages/", views.post_message, name="post_message"),
    path("m/<int:pk>/goals/", views.add_goal, name="add_goal"),
    path("m/<int:pk>/goals/<int:goal_id>/", views.update_goal, name="update_goal"),
    path("m/<int:pk>/check-ins/", views.add_check_in, name="add_check_in"),
    path("m/<int:pk>/good-fit/", views.good_fit, name="good_fit"),
    path("m/<int:pk>/end/", views.end, name="end"),
    path("m/<int:pk>/feedback/", views.feedback, name="feedback"),
    path("m/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("rounds/<int:pk>/join/", views.round_join, name="round_join"),
    path("notifications/", views.notifications, name="notifications"),
]
