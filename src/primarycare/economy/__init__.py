"""The local health economy: commissioners, networks, practices, registered lists and QOF data. Pure, no I/O."""
