from studio.api.views import OrganizationViewSet, ProductionViewSet


def register(router) -> None:
    router.register("organizations", OrganizationViewSet, basename="organization")
    router.register("productions", ProductionViewSet, basename="production")
