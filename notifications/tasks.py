"""Thin Celery tasks over the outbox services; the relay runs periodically from beat."""

from config.celery import app
from notifications import conf, services


@app.task(name="notifications.delivery_attempt", ignore_result=True, acks_late=True)
def delivery_attempt(delivery_id: int) -> str | None:
    return services.delivery_attempt(delivery_id=delivery_id)


@app.task(name="notifications.deliveries_attempt", ignore_result=True, acks_late=True)
def deliveries_attempt(delivery_ids: list[int]) -> int:
    """Several deliveries in one task, each in its own transaction; returns how many were handled."""
    return sum(services.delivery_attempt(delivery_id=delivery_id) is not None for delivery_id in delivery_ids)


@app.task(name="notifications.deliveries_relay", ignore_result=True)
def deliveries_relay() -> int:
    return services.deliveries_relay()


@app.on_after_finalize.connect
def schedule_relay(sender, **kwargs) -> None:
    sender.add_periodic_task(
        conf.relay_interval_seconds(),
        deliveries_relay.s(),
        name="notifications: re-queue overdue deliveries",
        expires=conf.relay_interval_seconds(),
    )
