app_name = "editing"

urlpatterns: list = []
