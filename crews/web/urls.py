from django.urls import path

from crews.web import views

app_name = "crews"

urlpatterns = [
    path("shoot-days/", views.shoot_week, name="shoot-week"),
    path("shoot-days/<int:pk>/publish/", views.shoot_day_publish, name="shoot-day-publish"),
]
