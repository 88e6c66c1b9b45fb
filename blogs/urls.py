app_name = "blogs"

urlpatterns: list = []
