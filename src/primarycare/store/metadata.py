"""The one MetaData every table of the schema is registered on."""

from sqlalchemy import MetaData

metadata = MetaData()
