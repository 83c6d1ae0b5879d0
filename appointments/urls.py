from django.urls import path

from appointments import views

app_name = "appointments"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.book, name="book"),
    path("slots/", views.slot_list, name="slots"),
    path("<id:appointment_id>/", views.detail, name="detail"),
    path("<id:appointment_id>/check-in/", views.check_in, name="check_in"),
    path("<id:appointment_id>/confirm/", views.confirm, name="confirm"),
    path("<id:appointment_id>/no-show/", views.no_show, name="no_show"),
    path("<id:appointment_id>/cancel/", views.cancel, name="cancel"),
    path("<id:appointment_id>/reschedule/", views.reschedule, name="reschedule"),
    path("parts/<id:appointment_part_id>/arrive/", views.part_arrive, name="part_arrive"),
    path("customer/<id:customer_id>/card/", views.customer_card, name="customer_card"),
    path("walk-ins/", views.walk_ins, name="walk_ins"),
    path("walk-ins/<id:service_walk_in_id>/close/", views.walk_in_close, name="walk_in_close"),
    path("board/", views.board, name="board"),
    path("board/rows/", views.board_rows, name="board_rows"),
]
