"""Tornado charts as inline SVG (presentation attributes only, so the pages' strict content security policy holds):
one bar per assumption from the KPI at its low end to the KPI at its high end, around the scenario's value."""

from html import escape

import polars as pl

WIDTH, ROW, LABEL = 720, 22, 260
EXPLAINED = (
    "Each bar: the KPI with one assumption at the low and at the high end of its range, the rest as in the scenario "
    "(blue: the KPI rises with the assumption; red: it falls)."
)


def tornado_svg(tornado: pl.DataFrame, kpi: str, base: float, top: int = 12) -> str:
    rows = tornado.filter(pl.col("kpi") == kpi).head(top)
    if rows.is_empty():
        return ""
    values = [base, *rows["at_low"].to_list(), *rows["at_high"].to_list()]
    lo, hi = min(values), max(values)
    span = (hi - lo) or 1.0
    plot = WIDTH - LABEL - 20

    def x(value: float) -> float:
        return LABEL + (value - lo) / span * plot

    height = ROW * (rows.height + 2)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
        f'aria-label="Tornado chart: {escape(kpi)}, each assumption from the low to the high end of its range">'
    ]
    for i, row in enumerate(rows.iter_rows(named=True)):
        y = ROW * (i + 1)
        left, right = sorted((x(row["at_low"]), x(row["at_high"])))
        raises = row["at_high"] >= row["at_low"]
        colour = "#005eb8" if raises else "#d5281b"  # NHS blue: the KPI rises with the assumption; red: it falls
        parts.append(
            f'<text x="{LABEL - 6}" y="{y + 15}" text-anchor="end" font-size="12" fill="#212b32">'
            f"{escape(row['parameter'])}</text>"
            f'<rect x="{left:.1f}" y="{y + 3}" width="{max(right - left, 1):.1f}" height="{ROW - 6}" fill="{colour}">'
            f"<title>{escape(row['parameter'])}: {row['low']:.4g} gives {row['at_low']:,.4g}; "
            f"{row['high']:.4g} gives {row['at_high']:,.4g}</title></rect>"
        )
    centre = x(base)
    parts.append(
        f'<line x1="{centre:.1f}" x2="{centre:.1f}" y1="{ROW - 4}" y2="{height - ROW + 4}" stroke="#212b32"/>'
        f'<text x="{centre:.1f}" y="{height - 4}" text-anchor="middle" font-size="12" fill="#212b32">'
        f"scenario {base:,.4g}</text></svg>"
    )
    return "".join(parts)


def tornado_sections(result) -> list[dict]:
    """Per headline KPI: its value in the scenario, the tornado (SVG), and the global analysis's most influential
    assumptions with the fit of its linear model."""
    sections = []
    for kpi, base in result.base.items():
        top = result.influence.filter(pl.col("kpi") == kpi).head(5)
        sections.append(
            {
                "kpi": kpi,
                "base": base,
                "svg": tornado_svg(result.tornado, kpi, base),
                "influence": top.select("parameter", "src", "spearman").to_dicts(),
                "r_squared": top["r_squared"][0] if top.height else 0.0,
            }
        )
    return sections


def report_html(result, kpi_descriptions: dict[str, str]) -> str:
    """A page of tornado charts and the global analysis, for the output folder."""
    parts = []
    for section in tornado_sections(result):
        listed = "".join(
            f"<li>{escape(r['parameter'])}: SRC {r['src']:+.2f}, Spearman {r['spearman']:+.2f}</li>"
            for r in section["influence"]
        )
        parts.append(
            f"<h2>{escape(section['kpi'])}</h2><p>{escape(kpi_descriptions.get(section['kpi'], ''))}</p>"
            f"{section['svg']}<p>Global analysis (Latin hypercube, R² of the linear fit {section['r_squared']:.2f}): "
            f"the most influential</p><ol>{listed}</ol>"
        )
    return (
        '<!doctype html><html lang="en"><meta charset="utf-8">'
        f"<title>Sensitivity: {escape(result.scenario)}</title><body>"
        f"<h1>Sensitivity of {escape(result.scenario)}</h1><p>{EXPLAINED}</p>" + "".join(parts) + "</body></html>"
    )
