"""Members endpoints (API.md "Members")."""

from django.urls import path

from . import views

urlpatterns = [
    path("members/", views.MembersView.as_view(), name="api-members"),
    path("members/<str:card>/", views.MemberDetailView.as_view(), name="api-member"),
    path(
        "members/<str:card>/qualification/<str:year>/",
        views.QualificationView.as_view(),
        name="api-member-qualification",
    ),
]
