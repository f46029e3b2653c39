"""The out-of-hours service: cases from NHS 111 or direct calls, their events and quality clocks, monthly reports."""
