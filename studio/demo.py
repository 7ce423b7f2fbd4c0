"""Demo organisations, users and productions (filled in by the Foundation work)."""


def seed(*, scale: str, stdout) -> list[str]:
    return []
