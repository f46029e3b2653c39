"""Jinja filters: instants in UK local time and the time left on a clock."""

from datetime import datetime

from primarycare.economy.calendar import uk_local


def uk(instant: datetime | None, pattern: str = "%H:%M %a %d %b") -> str:
    return "" if instant is None else uk_local(instant).strftime(pattern)


def left(seconds: float | None) -> str:
    """'12 min', '1 h 05 min', or '5 min late' once the deadline has passed."""
    if seconds is None:
        return ""
    late, minutes = seconds < 0, int(abs(seconds) // 60)
    text = f"{minutes // 60} h {minutes % 60:02d} min" if minutes >= 60 else f"{minutes} min"
    return f"{text} late" if late else text


FILTERS = {"uk": uk, "left": left}
