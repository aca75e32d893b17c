"""HTTP edge of the market: thin routes that parse, call one use case, and dump."""

from flask import jsonify


def json_response(body, status: int):
    """A finished response (flask-smorest passes it through without dumping again)."""
    response = jsonify(body)
    response.status_code = status
    return response
