"""Policy simulation: practices, NHS 111, out-of-hours and A&E as one discrete-event model."""
