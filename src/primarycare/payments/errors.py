"""Bad payment input: a year without parameters, a bad scheme, a negative or missing value."""


class PaymentsError(ValueError):
    """Raised before anything is written; the message names the file and the field or practice at fault."""
