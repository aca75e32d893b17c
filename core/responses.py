"""Response helpers shared by every domain's HTTP edge."""

from flask import jsonify


def json_response(body, status: int):
    """A finished JSON response (flask-smorest passes it through without dumping again)."""
    response = jsonify(body)
    response.status_code = status
    return response
