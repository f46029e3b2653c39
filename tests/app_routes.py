"""Every endpoint the app serves, found by walking its routes (FastAPI keeps included routers nested): the checks
that must cover routes added later (access matrix, hostile input, the header on every page) all start here."""

from fastapi.routing import APIRoute


def endpoints(routes, prefix: str = ""):
    """(method, full path, route) for every method of every endpoint, HEAD left out."""
    for route in routes:
        context = getattr(route, "include_context", None)
        if context is not None:
            yield from endpoints(context.included_router.routes, prefix + context.prefix)
        elif isinstance(route, APIRoute):
            for method in sorted(route.methods - {"HEAD"}):
                yield method, prefix + route.path, route
