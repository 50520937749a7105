"""Bills endpoints (API.md "Bills")."""

from django.urls import path

from . import views

urlpatterns = [
    path("bills/", views.BillsView.as_view(), name="api-bills"),
    path("bills/<str:hotel>/<path:number>/refund/", views.BillRefundView.as_view(), name="api-bill-refund"),
]
