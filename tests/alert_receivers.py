"""Real receivers on 127.0.0.1 for the alert tests: a robot webhook and an SMTP server.

`RobotReceiver` answers like 企业微信/钉钉 robots (HTTP 200 `{"errcode": 0}`), or with a chosen
status, an errcode, or after a delay longer than the sender's timeout; it keeps every request
(path, query, JSON body). `MailReceiver` is aiosmtpd's real SMTP server keeping every message;
`TlsMailReceiver` the same behind TLS (STARTTLS or SMTP over TLS) with a login, its certificate
issued for 127.0.0.1 by a throwaway CA (trustme) that the sender is told to trust.
"""

from __future__ import annotations

import json
import socket
import ssl
import threading
import time
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port() -> int:
    """A port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RobotReceiver:
    def __init__(self, status: int = 200, errcode: int = 0, delay: float = 0.0) -> None:
        self.status, self.errcode, self.delay = status, errcode, delay
        self.requests: list[dict] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                parts = urlsplit(self.path)
                receiver.requests.append(
                    {
                        "path": parts.path,
                        "query": {k: v[0] for k, v in parse_qs(parts.query).items()},
                        "content_type": self.headers.get("Content-Type", ""),
                        "json": json.loads(raw.decode("utf-8")),
                        "raw": raw,
                        "received_ms": int(time.time() * 1000),
                    }
                )
                if receiver.delay:
                    time.sleep(receiver.delay)
                body = json.dumps({"errcode": receiver.errcode, "errmsg": "ok"}).encode()
                try:
                    self.send_response(receiver.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except BrokenPipeError:  # the sender gave up waiting (the timeout case)
                    pass

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def webhook(self, path: str = "/cgi-bin/webhook/send", token: str = "key=T0KEN") -> str:
        return f"{self.url}{path}?{token}"

    def __enter__(self) -> RobotReceiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class _Keep:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 OK"


class MailReceiver:
    """aiosmtpd on 127.0.0.1 (plain SMTP, as an intranet relay)."""

    def __init__(self) -> None:
        self.handler = _Keep()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    @property
    def messages(self) -> list[tuple[str, list[str], EmailMessage]]:
        return self.handler.messages

    def __enter__(self) -> MailReceiver:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()


class TlsMailReceiver(MailReceiver):
    """aiosmtpd with a certificate for 127.0.0.1 and AUTH (PLAIN, LOGIN) of one user: `security`
    "starttls" (plain session, upgraded; no login before it) or "ssl" (TLS from the first byte;
    `offer_auth=False`: a relay that takes no login). `ca_file` is the CA bundle a client must
    trust to talk to it."""

    def __init__(
        self, security: str, ca_dir, user: str, password: str, offer_auth: bool = True
    ) -> None:
        super().__init__()
        ca = trustme.CA()
        self.ca_file = str(ca_dir / "ca.pem")
        ca.cert_pem.write_to_path(self.ca_file)
        server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("127.0.0.1").configure_cert(server_tls)
        self.logins: list[str] = []
        receiver = self

        def authenticate(server, session, envelope, mechanism, auth_data) -> AuthResult:
            ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
                user.encode(),
                password.encode(),
            )
            if ok:
                receiver.logins.append(f"{mechanism}:{user}")
            return AuthResult(success=ok, handled=False)

        tls = (
            {"tls_context": server_tls, "require_starttls": True}
            if security == "starttls"
            else {"ssl_context": server_tls}
        )
        self.controller = Controller(
            self.handler,
            hostname="127.0.0.1",
            port=self.port,
            authenticator=authenticate,
            # aiosmtpd counts only STARTTLS as TLS for AUTH: over SMTP-over-TLS it would never
            # offer AUTH, unless told not to require it (the whole session is TLS there).
            auth_require_tls=not (security == "ssl" and offer_auth),
            **tls,
        )
