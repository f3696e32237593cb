"""Quiet hours (design §8): nothing but codes is sent to a person by SMS between 22:00 and 08:00 lender time.
Used when a message is queued (``events.queue_sms``) and again when it is sent (``outbox.deliver``)."""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

NIGHT_START, NIGHT_END = time(22, 0), time(8, 0)


def night_hold(now: datetime, tz) -> datetime | None:
    """The first 08:00 local at or after ``now`` when ``now`` falls in 22:00-08:00 local time, else None."""
    local = now.astimezone(tz)
    if NIGHT_END <= local.time() < NIGHT_START:
        return None
    day = local.date() if local.time() < NIGHT_END else local.date() + timedelta(days=1)
    return datetime.combine(day, NIGHT_END, tzinfo=tz).astimezone(timezone.utc)
