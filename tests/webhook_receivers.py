"""Local HTTP receivers for webhook tests: they record what arrives and answer with the
status codes they are told (200 when the script runs out)."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver:
    """An HTTP server on 127.0.0.1 recording every POST (headers, body bytes)."""

    def __init__(self, statuses=()):
        self.received: list[tuple[dict, bytes]] = []
        self.statuses = list(statuses)
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                with receiver.lock:
                    status = receiver.statuses.pop(0) if receiver.statuses else 200
                    if status < 300:
                        receiver.received.append(
                            ({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/hook"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


def register_endpoint(client, org, url, types=()) -> dict:
    """``POST /api/v1/webhook-endpoints`` as ``org``: the created endpoint (201 asserted)."""
    response = client.post("/api/v1/webhook-endpoints", headers=org.headers,
                           json={"url": url, "types": list(types)})
    assert response.status_code == 201, response.json
    return response.json
