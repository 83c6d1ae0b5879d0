from django.urls import path

from showroom import views

app_name = "showroom"
urlpatterns = [
    path("", views.prospect_list, name="index"),
    path("prospects/new/", views.prospect_new, name="prospect_new"),
    path("prospects/<id:prospect_id>/", views.prospect_detail, name="prospect"),
    path("prospects/<id:prospect_id>/advance/", views.prospect_advance, name="advance"),
    path("prospects/<id:prospect_id>/lose/", views.prospect_lose, name="lose"),
    path("prospects/<id:prospect_id>/reassign/", views.prospect_reassign, name="reassign"),
    path("prospects/<id:prospect_id>/win/", views.prospect_win, name="win"),
    path("prospects/<id:prospect_id>/interview/", views.prospect_interview, name="interview"),
    path("prospects/<id:prospect_id>/test-drives/", views.test_drive_schedule, name="test_drive_schedule"),
    path("prospects/<id:prospect_id>/quotes/new/", views.quote_new, name="quote_new"),
    path("prospects/<id:prospect_id>/delivery/", views.delivery_start, name="delivery_start"),
    path("reception/", views.reception, name="reception"),
    path("reception/identity/", views.visitor_identity, name="identity"),
    path("walk-ins/<id:sales_walk_in_id>/register/", views.walk_in_register, name="walk_in_register"),
    path("test-drives/", views.test_drive_board, name="test_drives"),
    path("test-drives/<id:test_drive_id>/feedback/", views.test_drive_feedback, name="test_drive_feedback"),
    path("test-drives/<id:test_drive_id>/cancel/", views.test_drive_cancel, name="test_drive_cancel"),
    path("quotes/<id:sales_quote_id>/", views.quote_print, name="quote"),
    path("compare/", views.compare, name="compare"),
    path("finance/", views.finance, name="finance"),
    path("deliveries/<id:sales_delivery_id>/", views.delivery_page, name="delivery"),
    path("deliveries/<id:sales_delivery_id>/pdi/", views.pdi_record, name="pdi"),
    path("deliveries/<id:sales_delivery_id>/photos/", views.pdi_photo, name="pdi_photo"),
    path("deliveries/<id:sales_delivery_id>/checklist/", views.delivery_checklist, name="checklist"),
    path("deliveries/<id:sales_delivery_id>/complete/", views.delivery_complete, name="complete"),
    path("photos/<id:pdi_photo_id>/", views.photo, name="photo"),
    path("settings/", views.settings_page, name="settings"),
    path("settings/matrix/<id:matrix_rule_id>/remove/", views.matrix_remove, name="matrix_remove"),
    path("funnel/", views.funnel, name="funnel"),
    path("customers/<id:customer_id>/card/", views.customer_card, name="customer_card"),
]
