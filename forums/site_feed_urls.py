"""Site-level feed URLs (personal secret feeds). Filled in by the feeds work."""

urlpatterns: list = []
