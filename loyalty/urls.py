from django.urls import path

from loyalty import views

app_name = "loyalty"
urlpatterns = [
    path("", views.tier_overview, name="index"),
    path("referrals/", views.referral_list, name="referrals"),
    path("referrals/<id:referral_id>/reward/", views.referral_reward, name="referral_reward"),
    path("events/", views.event_list, name="events"),
    path("events/<id:event_id>/", views.event_detail, name="event"),
    path("events/<id:event_id>/cancel/", views.event_cancel, name="event_cancel"),
    path("events/<id:event_id>/invite/", views.event_invite, name="event_invite"),
    path("events/<id:event_id>/signup/", views.event_signup, name="event_signup"),
    path("signups/<id:signup_id>/attend/", views.event_attend, name="event_attend"),
    path("signups/<id:signup_id>/feedback/", views.event_feedback, name="event_feedback"),
    path("customers/<id:customer_id>/card/", views.customer_card, name="customer_card"),
    path("customers/<id:customer_id>/card/redeem/", views.card_redeem, name="card_redeem"),
    path("customers/<id:customer_id>/card/refer/", views.card_refer, name="card_refer"),
    path("customers/<id:customer_id>/card/signup/", views.card_signup, name="card_signup"),
    path("customers/<id:customer_id>/points/", views.points_ledger, name="ledger"),
    path("customers/<id:customer_id>/referrals/", views.referral_chain, name="chain"),
]
