"""URLconf of the DRF floor (``bench/floor.py``): one authenticated view that inserts one row."""

import json

from django.db import connection, transaction
from django.urls import path
from rest_framework import status
from rest_framework.authentication import TokenAuthentication
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from bookings.policies import BOOKING
from config.viewsets import ScopedAPIView
from studio.tenancy import Scope


class FloorView(ScopedAPIView):
    """The API's authentication, acting organisation, roles, throttles, parser and renderer; one INSERT.

    Its policy is the booking's: a POST is checked as a create would be (a company, a planning role)."""

    scope = Scope.ORGANIZATION
    policy = BOOKING

    def get(self, request):
        return Response({"ok": True})

    def post(self, request):
        return Response({"id": insert(request.data), "organization": request.organization.pk}, status=201)


class MinimalView(APIView):
    """The least an authenticated JSON write needs from DRF: DRF's token look-up, nothing else."""

    authentication_classes = [TokenAuthentication]
    permission_classes = [IsAuthenticated]
    throttle_classes = []
    parser_classes = [JSONParser]
    renderer_classes = [JSONRenderer]

    def get(self, request):
        return Response({"ok": True})

    def post(self, request):
        return Response({"id": insert(request.data)}, status=status.HTTP_201_CREATED)


def insert(data) -> int:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_floor (payload) VALUES (%s) RETURNING id", [json.dumps(data)])
        return cursor.fetchone()[0]


urlpatterns = [path("api/floor/", FloorView.as_view()), path("api/floor-minimal/", MinimalView.as_view())]
