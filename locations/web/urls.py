from django.urls import path

from locations.web import views

app_name = "locations"

urlpatterns = [
    path("circle/", views.planner, name="planner"),
    path("circle/map/", views.planner_map, name="planner-map"),
    path("circle/book/", views.book_plan, name="book-plan"),
    path("circle/search/", views.search, name="search"),
    path("circle/search/request/", views.request_set, name="request-set"),
]
