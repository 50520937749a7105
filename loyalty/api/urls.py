from django.urls import include, path

urlpatterns = [
    path("", include("points.api.urls")),
    path("", include("rewards.api.urls")),
    path("", include("members.api.urls")),
]
