"""The web app: create_app(settings) builds pages and a JSON API around the store; no logic of its own."""
