"""Command-line entry points; each feature's commands are registered here."""

from flask import Flask


def register_commands(app: Flask) -> None:
    pass
