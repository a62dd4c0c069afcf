"""Times on screen: every digest's time in one zone, so that the order of the list always matches
the times it shows. Pure, no Textual."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone, tzinfo

from digesttui.model import Digest


def zone_name(offset: timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02}:{abs(minutes) % 60:02}"


def display_zone(digests: Sequence[Digest], setting: str | None = None) -> tuple[tzinfo | None, str]:
    """The zone to show times in (None: the machine's own), and its name for the header ("" for
    the machine's own). `setting` is the config's `timezone`: "local", an IANA name, or None for
    the zone most digests are written in (a Chinese generator's +08:00 stays +08:00 on a UTC
    server), else the machine's own."""
    if setting == "local":
        return None, ""
    if setting:
        from zoneinfo import ZoneInfo

        return ZoneInfo(setting), setting
    offsets = Counter(d.date.utcoffset() for d in digests if d.date is not None and d.date.tzinfo is not None)
    if not offsets:
        return None, ""
    offset = offsets.most_common(1)[0][0]
    if offset is None or offset == datetime.now().astimezone().utcoffset():
        return None, ""
    return timezone(offset), zone_name(offset)


def shown_time(digest: Digest, zone: tzinfo | None) -> datetime | None:
    """The digest's time in the zone shown; a time written without a zone is taken to be in it
    (else on the machine's own clock); a bare date stays as it is."""
    when = digest.date
    if when is None or not digest.timed:
        return when
    if when.tzinfo is None:
        return when if zone is None else when.replace(tzinfo=zone)
    return when.astimezone(zone) if zone is not None else when.astimezone()


def when_text(digest: Digest, zone: tzinfo | None, this_year: int) -> str:
    """`12-18 08:00`; the year when it is not this year; no time when only the day is known."""
    when = shown_time(digest, zone)
    if when is None:
        return "?"
    day = f"{when:%m-%d}" if when.year == this_year else f"{when:%Y-%m-%d}"
    return f"{day} {when:%H:%M}" if digest.timed else day


def in_order(digests: Sequence[Digest], zone: tzinfo | None) -> tuple[Digest, ...]:
    """Newest first by the times shown. (The library orders by the machine's clock; only times
    written without a zone can move once they are taken to be in another zone.)"""
    if zone is None or not any(d.date is not None and d.date.tzinfo is None and d.timed for d in digests):
        return tuple(digests)

    def instant(d: Digest) -> float:
        when = d.date
        if when is None or when.tzinfo is not None or not d.timed:
            return d.sort_key  # the instant itself (`fields.timestamp`), or a bare day's: as the library has it
        try:
            return when.replace(tzinfo=zone).timestamp()
        except (OverflowError, ValueError, OSError):  # (as `fields.timestamp`)
            return d.sort_key

    # a float a digest, no tuple: the ties keep the library's order (10 MiB less made again for
    # every snapshot of a loading library, at 100,000 digests)
    return tuple(sorted(digests, key=instant, reverse=True))
