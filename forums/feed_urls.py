"""Per-community feed URLs, under /c/<slug>/forum/. Filled in by the feeds work."""

urlpatterns: list = []
