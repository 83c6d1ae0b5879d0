from django.urls import path

from leads import views

app_name = "leads"
urlpatterns = [
    path("", views.lead_list, name="list"),
    path("<id:lead_id>/", views.lead_detail, name="detail"),
    path("<id:lead_id>/follow-up/", views.lead_follow_up, name="follow_up"),
    path("<id:lead_id>/assign/", views.lead_assign, name="assign"),
    path("customer/<id:customer_id>/card/", views.record_card, name="record_card"),
    path("customer/<id:customer_id>/record/", views.lead_record, name="record"),
    path("customer/<id:customer_id>/propose/", views.suggestion_accept, name="suggestion_accept"),
    path("suggestions/", views.suggestions, name="suggestions"),
    path("report/", views.report, name="report"),
]
