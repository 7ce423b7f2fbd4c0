from django.urls import path

from bookings.web import views

app_name = "bookings"

urlpatterns = [
    path("board/", views.board, name="board"),
    path("board/week/", views.board_week, name="board-week"),
    path("board/print/", views.board_print, name="board-print"),
    path("board/pending/", views.pending, name="board-pending"),
    path("board/bookings/<int:pk>/", views.booking_detail, name="booking"),
    *(
        path(f"board/bookings/<int:pk>/{action.replace('_', '-')}/", view, name=f"booking-{action}")
        for action, view in views.BOOKING_ACTIONS.items()
    ),
]
