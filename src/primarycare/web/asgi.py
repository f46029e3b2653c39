"""For an ASGI server with several worker processes: `uvicorn --factory primarycare.web.asgi:app_from_env`.
Each worker builds its app from the environment (PRIMARYCARE_DATABASE_URL, PRIMARYCARE_SECRET_KEY, ...)."""

from fastapi import FastAPI

from primarycare.web.app import create_app
from primarycare.web.settings import Settings


def app_from_env() -> FastAPI:
    return create_app(Settings.from_env())
