"""A synthetic health economy written in the published file formats, reproducible from a seed."""
