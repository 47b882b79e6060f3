"""Connection converter: an Airflow connection (URI or JSON) → the Prefect code that replaces it.

Pure functions from text to text. `docs/assets/javascripts/connection-converter.js`
is the same converter for the browser; both are tested on `tests/connection_vectors.json`
and must print the same output.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from urllib.parse import unquote

KNOWN_TYPES = ("aws", "postgres", "redshift")
TYPE_ALIASES = {"postgresql": "postgres", "amazon_redshift": "redshift"}
DEFAULT_PORTS = {"postgres": 5432, "redshift": 5439}
BOOLEAN_EXTRAS = ("iam", "redshift", "redshift-serverless", "verify")
CONNECT_ARGS = ("sslmode", "sslrootcert", "sslcert", "sslkey", "connect_timeout", "application_name", "options")
TOKEN_SECONDS = 900
# scheme://[login[:password]@]host[:port][/schema][?extras] — parsed by hand, the same way in Python and JavaScript.
URI = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*)://([^/?#]*)(/[^?#]*)?(?:\?([^#]*))?(?:#.*)?$")


class ConnectionInputError(ValueError):
    """Input that is not an Airflow connection the converter understands."""


@dataclass
class AirflowConnection:
    conn_type: str
    login: str | None = None
    password: str | None = None
    host: str | None = None
    port: int | None = None
    schema: str | None = None
    extra: dict = field(default_factory=dict)


def parse_connection(text: str) -> AirflowConnection:
    """Read an Airflow connection URI (`aws://…`) or JSON object (`{"conn_type": …}`)."""
    text = text.strip()
    if text.startswith("{"):
        return _parse_json(text)
    if "://" not in text:
        raise ConnectionInputError("not an Airflow connection: expected a URI such as aws://… or a JSON object")
    return _parse_uri(text)


def _conn_type(name: str) -> str:
    normalized = name.lower().replace("-", "_")
    normalized = TYPE_ALIASES.get(normalized, normalized)
    if normalized not in KNOWN_TYPES:
        raise ConnectionInputError(f"unknown connection type '{name}'; the converter knows {', '.join(KNOWN_TYPES)}")
    return normalized


def _decode(text: str, plus_is_space: bool = False) -> str:
    """Percent-decoding that rejects a stray '%', as the browser's decoder does."""
    if re.search(r"%(?![0-9A-Fa-f]{2})", text):
        raise ConnectionInputError("bad percent-encoding in the URI: URL-encode '%' as %25")
    if plus_is_space:
        text = text.replace("+", " ")
    try:
        return unquote(text, errors="strict")
    except UnicodeDecodeError:
        raise ConnectionInputError("bad percent-encoding in the URI: not UTF-8") from None


def _parse_uri(text: str) -> AirflowConnection:
    match = URI.match(text)
    if not match:
        raise ConnectionInputError("not an Airflow connection: expected a URI such as aws://… or a JSON object")
    scheme, netloc, path, query = match[1], match[2], match[3] or "", match[4] or ""
    conn_type = _conn_type(scheme)
    userinfo, _, hostport = netloc.rpartition("@")
    host, _, port_text = hostport.partition(":")
    if port_text and not port_text.isdigit():
        hint = "; an aws:// URI with credentials needs a trailing '@' (aws://KEY:SECRET@)" if conn_type == "aws" else ""
        raise ConnectionInputError(f"port '{_decode(port_text)}' is not a number{hint}")
    login, _, password = userinfo.partition(":")
    extra: dict = {}
    pairs = [pair.partition("=") for pair in query.split("&") if pair]
    if len(pairs) == 1 and pairs[0][0] == "__extra__":
        extra = _json_object(_decode(pairs[0][2], plus_is_space=True), "the __extra__ parameter")
    else:
        for key, _, value in pairs:
            key, value = _decode(key, plus_is_space=True), _decode(value, plus_is_space=True)
            extra[key] = _json_object(value, f"extra '{key}'") if value.startswith("{") else value
    return AirflowConnection(
        conn_type=conn_type,
        login=_decode(login) or None,
        password=_decode(password) or None,
        host=_decode(host) or None,
        port=int(port_text) if port_text else None,
        schema=_decode(path.lstrip("/")) or None,
        extra=_typed_extras(extra),
    )


def _json_object(text: str, what: str) -> dict:
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        raise ConnectionInputError(f"{what} is not valid JSON") from None
    if not isinstance(value, dict):
        raise ConnectionInputError(f"{what} must be a JSON object")
    return value


def _parse_json(text: str) -> AirflowConnection:
    data = _json_object(text, "the connection")
    if "conn_type" not in data:
        raise ConnectionInputError("the JSON connection has no 'conn_type'")
    extra = data.get("extra") or {}
    if isinstance(extra, str):
        extra = _json_object(extra, "'extra'")
    port = data.get("port")
    return AirflowConnection(
        conn_type=_conn_type(str(data["conn_type"])),
        login=data.get("login"),
        password=data.get("password"),
        host=data.get("host"),
        port=int(port) if port not in (None, "") else None,
        schema=data.get("schema"),
        extra=_typed_extras(extra),
    )


def _typed_extras(extra: dict) -> dict:
    """Extras from a URI arrive as strings: turn the boolean ones into booleans."""
    typed = dict(extra)
    for key in BOOLEAN_EXTRAS:
        if isinstance(typed.get(key), str) and typed[key].lower() in ("true", "false"):
            typed[key] = typed[key].lower() == "true"
    return typed


def py(value: object) -> str:
    """A Python literal for a JSON-like value."""
    if isinstance(value, bool):
        return "True" if value else "False"
    if value is None:
        return "None"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(py(item) for item in value) + "]"
    return "{" + ", ".join(f"{py(key)}: {py(item)}" for key, item in value.items()) + "}"


@dataclass
class Conversion:
    lines: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def text(self) -> str:
        out = list(self.lines)
        if self.warnings:
            out += ["", "# Not carried over:"] + [f"#   - {warning}" for warning in self.warnings]
        return "\n".join(out) + "\n"


def secret(value: str | None, variable: str, show_secrets: bool) -> str:
    return py(value) if show_secrets else f'os.environ["{variable}"]'


def convert(connection: AirflowConnection, *, name: str | None = None, show_secrets: bool = False) -> Conversion:
    """The Prefect code for a parsed Airflow connection."""
    if name is not None:
        _check_name(name)
    if connection.conn_type == "aws":
        return _convert_aws(connection, name or "aws-default", show_secrets)
    return _convert_database(connection, name or f"{connection.conn_type}-default", show_secrets)


def _convert_aws(connection: AirflowConnection, name: str, show_secrets: bool) -> Conversion:
    result = Conversion()
    extra = dict(connection.extra)
    arguments: list[str] = []
    uses_environment = False
    if connection.login:
        arguments.append(f"aws_access_key_id={secret(connection.login, 'AWS_ACCESS_KEY_ID', show_secrets)}")
        uses_environment = not show_secrets
    if connection.password:
        arguments.append(f"aws_secret_access_key={secret(connection.password, 'AWS_SECRET_ACCESS_KEY', show_secrets)}")
        uses_environment = not show_secrets
    if connection.host and not connection.login:
        result.warnings.append(
            f"host '{connection.host}': an aws:// URI with credentials needs a trailing '@' (aws://KEY:SECRET@), "
            "else they are read as host and port"
        )
    token = extra.pop("aws_session_token", None)
    if token:
        arguments.append(f"aws_session_token={secret(token, 'AWS_SESSION_TOKEN', show_secrets)}")
        uses_environment = uses_environment or not show_secrets
    session_kwargs = dict(extra.pop("session_kwargs", None) or {})
    region = extra.pop("region_name", None) or session_kwargs.pop("region_name", None)
    if region:
        arguments.append(f"region_name={py(region)}")
    profile = session_kwargs.pop("profile_name", None)
    if profile:
        arguments.append(f"profile_name={py(profile)}")
    for key in session_kwargs:
        result.warnings.append(f"session_kwargs '{key}': AwsCredentials has no such setting")

    client_parameters = []
    endpoint = extra.pop("endpoint_url", None) or extra.pop("host", None)
    if endpoint:
        client_parameters.append(f"endpoint_url={py(endpoint)}")
    if "verify" in extra:
        client_parameters.append(f"verify={py(extra.pop('verify'))}")
    config = extra.pop("config_kwargs", None)
    if config:
        client_parameters.append(f"config={py(config)}")
    if client_parameters:
        arguments.append(f"aws_client_parameters=AwsClientParameters({', '.join(client_parameters)})")

    role_arn = extra.pop("role_arn", None)
    role_name = extra.pop("aws_iam_role", None)
    account = extra.pop("aws_account_id", None)
    if not role_arn and role_name:
        if account:
            role_arn = f"arn:aws:iam::{account}:role/{role_name}"
        else:
            result.warnings.append(f"aws_iam_role '{role_name}': without aws_account_id the role's ARN is unknown; set assume_role_arn")
    assume_kwargs = dict(extra.pop("assume_role_kwargs", None) or {})
    external_id = extra.pop("external_id", None)
    if external_id:
        assume_kwargs.setdefault("ExternalId", external_id)
    method = extra.pop("assume_role_method", None)
    if method and method != "assume_role":
        result.warnings.append(
            f"assume_role_method '{method}': AwsCredentials assumes roles with sts:AssumeRole only; for web identity, "
            "leave the block empty and set AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE (boto3's default chain assumes the role)"
        )
        role_arn = None
    if role_arn:
        arguments.append(f"assume_role_arn={py(role_arn)}")
        if assume_kwargs:
            arguments.append(f"assume_role_kwargs={py(assume_kwargs)}")
    for key in extra:
        result.warnings.append(f"extra '{key}': AwsCredentials has no such setting")

    imports = "AwsClientParameters, AwsCredentials" if client_parameters else "AwsCredentials"
    header = [
        "# Prefect code for this Airflow AWS connection (pip install prefect-aws).",
        f'# Run it once to save the block; flows load it with AwsCredentials.load("{name}").',
    ]
    if not arguments:
        header.append("# No credentials: boto3's default chain applies (environment, ~/.aws files, ECS task role, instance profile).")
    if uses_environment:
        header.append("# Secrets are read from the environment: set the variables named below before running it.")
    result.lines = header + ([""] + ["import os"] if uses_environment else []) + ["", f"from prefect_aws import {imports}", ""]
    if arguments:
        result.lines += ["AwsCredentials("] + [f"    {argument}," for argument in arguments] + [f').save("{name}", overwrite=True)']
    else:
        result.lines += [f'AwsCredentials().save("{name}", overwrite=True)']
    result.lines += _cli_lines("prefect_aws", f"aws-credentials/{name}")
    return result


def _cli_lines(module: str, block: str) -> list[str]:
    return [
        "",
        "# With the prefect CLI: register the block types, save the block (above, or in the UI), check it:",
        f"#   prefect block register -m {module}",
        f"#   prefect block create {block.split('/')[0]}",
        f"#   prefect block inspect {block}",
    ]


def _convert_database(connection: AirflowConnection, name: str, show_secrets: bool) -> Conversion:
    result = Conversion()
    extra = dict(connection.extra)
    is_redshift = connection.conn_type == "redshift" or bool(extra.pop("redshift", False))
    serverless = bool(extra.pop("redshift-serverless", False))
    iam = bool(extra.pop("iam", False))
    port = connection.port or DEFAULT_PORTS["redshift" if is_redshift or serverless else "postgres"]
    first_label = (connection.host or "").split(".")[0] or None
    cluster = extra.pop("cluster-identifier", None) or first_label
    workgroup = extra.pop("workgroup-name", None) or first_label
    aws_block = str(extra.pop("aws_conn_id", None) or "aws_default").replace("_", "-")
    region = extra.pop("region_name", None)
    connect_args = {key: extra.pop(key) for key in CONNECT_ARGS if key in extra}
    for key in extra:
        result.warnings.append(f"extra '{key}': no SqlAlchemyConnector setting")

    components = [
        "driver=SyncDriver.POSTGRESQL_PSYCOPG2",
        f"host={py(connection.host)}",
        f"port={port}",
        f"database={py(connection.schema)}",
    ]
    tail = [f"    connect_args={py(connect_args)},"] if connect_args else []
    imports = "from prefect_sqlalchemy import ConnectionComponents, SqlAlchemyConnector, SyncDriver"
    if not iam:
        uses_environment = bool(connection.password) and not show_secrets
        components += [f"username={py(connection.login)}"]
        if connection.password:
            components.append(f"password={secret(connection.password, 'DATABASE_PASSWORD', show_secrets)}")
        result.lines = [
            f"# Prefect code for this Airflow {connection.conn_type} connection (pip install prefect-sqlalchemy psycopg2-binary).",
            f'# Run it once to save the block; flows load it with SqlAlchemyConnector.load("{name}").',
        ]
        if uses_environment:
            result.lines += ["# The password is read from the environment: set DATABASE_PASSWORD before running it.", "", "import os"]
        result.lines += ["", imports, "", "SqlAlchemyConnector(", "    connection_info=ConnectionComponents("]
        result.lines += [f"        {component}," for component in components] + ["    ),"] + tail
        result.lines += [f').save("{name}", overwrite=True)'] + _cli_lines("prefect_sqlalchemy", f"sqlalchemy-connector/{name}")
        return result

    if serverless:
        kind, call = "Redshift Serverless", [
            '    credentials = aws.get_client("redshift-serverless").get_credentials(',
            f"        workgroupName={py(workgroup)}, dbName={py(connection.schema)}, durationSeconds={TOKEN_SECONDS}",
            "    )",
        ]
        user, password = 'credentials["dbUser"]', 'credentials["dbPassword"]'
    elif is_redshift:
        kind, call = "provisioned Redshift", [
            '    credentials = aws.get_client("redshift").get_cluster_credentials(',
            f"        DbUser={py(connection.login)}, DbName={py(connection.schema)}, ClusterIdentifier={py(cluster)}, DurationSeconds={TOKEN_SECONDS}",
            "    )",
        ]
        user, password = 'credentials["DbUser"]', 'credentials["DbPassword"]'
    else:
        region_argument = f", Region={py(region)}" if region else ""
        kind, call = "RDS PostgreSQL", [
            '    token = aws.get_client("rds").generate_db_auth_token(',
            f"        DBHostname={py(connection.host)}, Port={port}, DBUsername={py(connection.login)}{region_argument}",
            "    )",
        ]
        user, password = py(connection.login), "token"
    function = f"{name.replace('-', '_')}_connector"
    result.lines = [
        f"# Prefect code for this Airflow {connection.conn_type} connection with IAM authentication to {kind}",
        "# (pip install prefect-aws prefect-sqlalchemy psycopg2-binary). IAM credentials last 15 minutes:",
        f"# call {function}() for each run; the connection guide shows a fresh token per new connection.",
        "",
        "from prefect_aws import AwsCredentials",
        imports,
        "",
        "",
        f"def {function}() -> SqlAlchemyConnector:",
        f'    aws = AwsCredentials.load("{aws_block}")',
        *call,
        "    return SqlAlchemyConnector(",
        "        connection_info=ConnectionComponents(",
        *[f"            {component}," for component in components],
        f"            username={user},",
        f"            password={password},",
        "        ),",
        *["    " + line for line in tail],
        "    )",
    ]
    if region and (serverless or is_redshift):
        result.warnings.append(f"region_name '{region}': set it on the '{aws_block}' AwsCredentials block")
    return result


def convert_text(text: str, *, name: str | None = None, show_secrets: bool = False) -> Conversion:
    """Parse and convert in one step; raises ConnectionInputError for bad input."""
    return convert(parse_connection(text), name=name, show_secrets=show_secrets)


def _check_name(name: str) -> str:
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", name):
        raise ConnectionInputError(f"block name '{name}' must be lowercase letters, digits and hyphens")
    return name
