from django.urls import path

from bookings.web import occupancy, views

app_name = "bookings"

urlpatterns = [
    path("board/", views.board, name="board"),
    path("occupancy/", occupancy.occupancy, name="occupancy"),
    path("occupancy/data/", occupancy.occupancy_json, name="occupancy-data"),
    path("occupancy/export.csv", occupancy.occupancy_csv, name="occupancy-csv"),
    path("occupancy/export.xlsx", occupancy.occupancy_xlsx, name="occupancy-xlsx"),
    path("board/week/", views.board_week, name="board-week"),
    path("board/print/", views.board_print, name="board-print"),
    path("board/pending/", views.pending, name="board-pending"),
    path("board/bookings/<int:pk>/", views.booking_detail, name="booking"),
    *(
        path(f"board/bookings/<int:pk>/{action.replace('_', '-')}/", view, name=f"booking-{action}")
        for action, view in views.BOOKING_ACTIONS.items()
    ),
]
