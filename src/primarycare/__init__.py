"""primarycare: commissioning and running GP services in England."""
