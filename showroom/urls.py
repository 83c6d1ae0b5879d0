app_name = "showroom"
urlpatterns: list = []
