"""The ceiling for the load benchmarks: a bare FastAPI endpoint, served the same way as primarycare."""

from fastapi import FastAPI


def app() -> FastAPI:
    bare = FastAPI()

    @bare.get("/ping")
    def ping() -> dict:
        return {"ok": True}

    return bare
