from django.urls import path

from followups import views

app_name = "followups"
urlpatterns = [
    path("", views.follow_up_list, name="list"),
    path("<id:follow_up_id>/outcome/", views.follow_up_record, name="record"),
    path("<id:follow_up_id>/resolve/", views.follow_up_resolve, name="resolve"),
    path("surveys/", views.survey_list, name="surveys"),
    path("surveys/<id:survey_id>/", views.survey_results, name="survey_results"),
    path("win-backs/", views.win_back_list, name="win_backs"),
    path("interviews/", views.interview_list, name="interviews"),
]

public_urlpatterns = [path("s/<str:token>/", views.survey_page, name="survey_page")]
