from django.urls import path

from forums import views

app_name = "forums"

urlpatterns: list = [
    path("", views.index, name="index"),
    path("feed/", views.LatestThreadsFeed(), name="feed"),
    path("search/", views.search, name="search"),
    path("mentions/", views.mentions, name="mentions"),
    path("preview/", views.preview, name="preview"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("notifications/count/", views.notification_count, name="notification_count"),
    path("preferences/", views.preferences, name="preferences"),
    path("moderation/", views.queue, name="queue"),
    path("members/<str:handle>/", views.member, name="member"),
    path("members/<str:handle>/silence/", views.silence, name="silence"),
    path("resolutions/<int:page_id>/", views.resolution, name="resolution"),
    path("c/<slug:slug>/", views.category, name="category"),
    path("c/<slug:slug>/new/", views.new_thread, name="new_thread"),
    path("c/<slug:slug>/watch/", views.category_watch, name="category_watch"),
    path("c/<slug:slug>/feed/", views.LatestThreadsFeed(), name="category_feed"),
    path("t/<int:pk>/", views.thread, name="thread_short"),
    path("t/<int:pk>/unread/", views.thread_unread, name="thread_unread"),
    path("t/<int:pk>/reply/", views.reply, name="reply"),
    path("t/<int:pk>/watch/", views.thread_watch, name="thread_watch"),
    path("t/<int:pk>/move/", views.thread_move, name="thread_move"),
    path("t/<int:pk>/merge/", views.thread_merge, name="thread_merge"),
    path("t/<int:pk>/mod/<str:action>/", views.thread_moderate, name="thread_moderate"),
    path("t/<int:pk>/<str:slug>/", views.thread, name="thread"),
    path("p/<int:pk>/", views.post_permalink, name="post"),
    path("p/<int:pk>/edit/", views.post_edit, name="post_edit"),
    path("p/<int:pk>/history/", views.post_history, name="post_history"),
    path("p/<int:pk>/react/", views.post_react, name="post_react"),
    path("p/<int:pk>/flag/", views.post_flag, name="post_flag"),
    path("p/<int:pk>/delete/", views.post_delete, name="post_delete"),
    path("p/<int:pk>/solve/", views.post_solve, name="post_solve"),
    path("p/<int:pk>/mod/<str:action>/", views.post_moderate, name="post_moderate"),
]
