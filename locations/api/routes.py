def register(router) -> None:
    """Register this app's viewsets on the one API router (config/api.py)."""
