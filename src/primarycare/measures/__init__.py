"""Practice performance: measures defined in reviewed data files, each practice's value and percentile among its
peers, deciles over time, change detection, what needs attention, and the alerts that follow."""
