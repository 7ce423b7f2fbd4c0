"""The demo's sign-ins, importable without Django: seed_demo prints them after seeding, and
scripts/devserver.py (``make run``) when the server is up."""

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 (demo data only: seed_demo refuses to run with DEBUG off)
#: (username, who they are), in the order they are shown.
DEMO_LOGINS = (
    ("admin", "superuser"),
    ("operator1", "base operator"),
    ("producer1", "production company"),
    ("producer2", "production company"),
    ("reviewer1", "review centre"),
    ("zone1", "zone management"),
)
