"""Non-page URLs owned by the published site (feeds, calendars) live here."""

app_name = "cms"

urlpatterns: list = []
