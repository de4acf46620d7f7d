"""Websocket routes: one socket per browser tab, multiplexing every stream."""

from django.urls import path

from realtime.consumers import HubConsumer

websocket_urlpatterns = [
    path("ws/", HubConsumer.as_asgi()),
]
