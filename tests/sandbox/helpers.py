"""Names the verification code of a mapping can use: direct handles on the
local AWS and the database, independent of the example under test."""

from __future__ import annotations

import os

from tests.sandbox.services import post_json

AWS_REGION = "us-east-1"
AWS_ACCOUNT_ID = "123456789012"  # moto's default account

TRANSITIONS_SET: list[str] = []
"""State-manager models whose transition this example changed; `/moto-api/reset` keeps them, so they are unset after it."""


def verification_namespace(usage=None) -> dict:
    """The helpers every verification block sees; `usage` (a `tests.sandbox.usage.Usage`) records the run."""
    moto_url = os.environ["SANDBOX_MOTO_URL"]
    database_url = os.environ["SANDBOX_DATABASE_URL"]

    def aws(service_name: str):
        """A boto3 client for `service_name` on the local AWS."""
        import boto3

        return boto3.client(
            service_name,
            endpoint_url=moto_url,
            region_name=AWS_REGION,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )

    def moto_api(path: str, payload: object) -> None:
        """POST `payload` to moto's own API (`/moto-api/...`), e.g. to queue a Lambda response."""
        if path.endswith("/state-manager/set-transition"):
            TRANSITIONS_SET.append(payload["model_name"])
        post_json(f"{moto_url}{path}", payload)

    def sql(statement: str, parameters: dict | None = None) -> list[tuple]:
        """Run one SQL statement on the local PostgreSQL; give the rows it returns."""
        import sqlalchemy

        engine = sqlalchemy.create_engine(database_url)
        try:
            with engine.begin() as connection:
                result = connection.execute(sqlalchemy.text(statement), parameters or {})
                return [tuple(row) for row in result] if result.returns_rows else []
        finally:
            engine.dispose()

    def forward_port(port: int) -> None:
        """Make 127.0.0.1:`port` reach the local AWS, for examples that name a fixed endpoint."""
        import socket
        import threading
        from urllib.parse import urlsplit

        target = urlsplit(moto_url)
        listener = socket.create_server(("127.0.0.1", port))

        def pipe(source: socket.socket, sink: socket.socket) -> None:
            with source, sink:
                while data := source.recv(65536):
                    sink.sendall(data)

        def serve() -> None:
            while True:
                client, _ = listener.accept()
                upstream = socket.create_connection((target.hostname, target.port))
                threading.Thread(target=pipe, args=(client, upstream), daemon=True).start()
                threading.Thread(target=pipe, args=(upstream, client), daemon=True).start()

        threading.Thread(target=serve, daemon=True).start()

    from urllib.parse import urlsplit as _urlsplit

    database = _urlsplit(database_url)
    return {
        "POSTGRES_HOST": database.hostname,
        "POSTGRES_PORT": database.port,
        "forward_port": forward_port,
        "aws": aws,
        "moto_api": moto_api,
        "answer_locally": usage.answer_locally if usage else None,
        "model_stub": usage.model_stub if usage else None,
        "sql": sql,
        "MOTO_URL": moto_url,
        "AWS_REGION": AWS_REGION,
        "AWS_ACCOUNT_ID": AWS_ACCOUNT_ID,
    }


def unset_transitions() -> None:
    """Put back moto's default state transitions that this example changed."""
    moto_url = os.environ["SANDBOX_MOTO_URL"]
    while TRANSITIONS_SET:
        post_json(f"{moto_url}/moto-api/state-manager/unset-transition", {"model_name": TRANSITIONS_SET.pop()})
