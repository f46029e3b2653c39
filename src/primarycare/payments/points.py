"""QOF points from achievement between the lower and upper thresholds."""


def points_from_achievement(achievement_pct: float, lower_pct: float, upper_pct: float, maximum: float) -> float:
    """0 at or below the lower threshold, the maximum at or above the upper, pro rata between."""
    if upper_pct <= lower_pct:
        raise ValueError(f"the upper threshold ({upper_pct}) must be above the lower ({lower_pct})")
    if achievement_pct <= lower_pct:
        return 0.0
    if achievement_pct >= upper_pct:
        return float(maximum)
    return maximum * (achievement_pct - lower_pct) / (upper_pct - lower_pct)
