from django.urls import path

from bookings.web import occupancy, productions, views, zone

app_name = "bookings"

urlpatterns = [
    path("board/", views.board, name="board"),
    path("occupancy/", occupancy.occupancy, name="occupancy"),
    path("occupancy/data/", occupancy.occupancy_json, name="occupancy-data"),
    path("occupancy/export.csv", occupancy.occupancy_csv, name="occupancy-csv"),
    path("occupancy/export.xlsx", occupancy.occupancy_xlsx, name="occupancy-xlsx"),
    path("zone/", zone.zone, name="zone"),
    path("zone/data/", zone.zone_json, name="zone-data"),
    path("zone/export.csv", zone.zone_csv, name="zone-csv"),
    path("zone/print/", zone.zone_print, name="zone-print"),
    path("board/week/", views.board_week, name="board-week"),
    path("board/print/", views.board_print, name="board-print"),
    path("board/pending/", views.pending, name="board-pending"),
    path("board/bookings/<int:pk>/", views.booking_detail, name="booking"),
    *(
        path(f"board/bookings/<int:pk>/{action.replace('_', '-')}/", view, name=f"booking-{action}")
        for action, view in views.BOOKING_ACTIONS.items()
    ),
    path("productions/", productions.production_list, name="productions"),
    path("productions/<int:pk>/", productions.production_page, name="production"),
    path("productions/<int:pk>/spend.json", productions.production_spend_json, name="production-spend"),
    path("productions/<int:pk>/spend.csv", productions.production_spend_csv, name="production-spend-csv"),
    path(
        "productions/bookings/<int:pk>/cancellation-quote/",
        productions.booking_cancellation_quote,
        name="production-booking-quote",
    ),
    path(
        "productions/bookings/<int:pk>/cancel/", productions.booking_cancel, name="production-booking-cancel"
    ),
    path(
        "productions/bookings/<int:pk>/reschedule/",
        productions.booking_reschedule,
        name="production-booking-reschedule",
    ),
]
