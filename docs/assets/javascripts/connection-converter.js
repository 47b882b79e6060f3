// The connection converter in the browser: the same rules, line for line, as
// generator/connection.py; tests/connection_vectors.json holds both to one output.
// Runs locally: nothing typed here is sent anywhere.
"use strict"

const ConnectionConverter = (() => {
  const KNOWN_TYPES = ["aws", "postgres", "redshift"]
  const TYPE_ALIASES = { postgresql: "postgres", amazon_redshift: "redshift" }
  const DEFAULT_PORTS = { postgres: 5432, redshift: 5439 }
  const BOOLEAN_EXTRAS = ["iam", "redshift", "redshift-serverless", "verify"]
  const CONNECT_ARGS = ["sslmode", "sslrootcert", "sslcert", "sslkey", "connect_timeout", "application_name", "options"]
  const TOKEN_SECONDS = 900
  const URI = /^([A-Za-z][A-Za-z0-9+.\-]*):\/\/([^/?#]*)(\/[^?#]*)?(?:\?([^#]*))?(?:#.*)?$/

  class ConnectionInputError extends Error {}

  const fail = message => { throw new ConnectionInputError(message) }

  function parseConnection(text) {
    text = text.trim()
    if (text.startsWith("{")) return parseJson(text)
    if (!text.includes("://")) fail("not an Airflow connection: expected a URI such as aws://… or a JSON object")
    return parseUri(text)
  }

  function connType(name) {
    let normalized = name.toLowerCase().replace(/-/g, "_")
    normalized = TYPE_ALIASES[normalized] || normalized
    if (!KNOWN_TYPES.includes(normalized))
      fail(`unknown connection type '${name}'; the converter knows ${KNOWN_TYPES.join(", ")}`)
    return normalized
  }

  function decode(text, plusIsSpace = false) {
    if (/%(?![0-9A-Fa-f]{2})/.test(text)) fail("bad percent-encoding in the URI: URL-encode '%' as %25")
    if (plusIsSpace) text = text.replace(/\+/g, " ")
    try {
      return decodeURIComponent(text)
    } catch (error) {
      fail("bad percent-encoding in the URI: not UTF-8")
    }
  }

  function partition(text, separator, fromEnd = false) {
    const index = fromEnd ? text.lastIndexOf(separator) : text.indexOf(separator)
    if (index < 0) return fromEnd ? ["", "", text] : [text, "", ""]
    return [text.slice(0, index), separator, text.slice(index + separator.length)]
  }

  function parseUri(text) {
    const match = URI.exec(text)
    if (!match) fail("not an Airflow connection: expected a URI such as aws://… or a JSON object")
    const [scheme, netloc, path, query] = [match[1], match[2], match[3] || "", match[4] || ""]
    const type = connType(scheme)
    const [userinfo, , hostport] = partition(netloc, "@", true)
    const [host, , portText] = partition(hostport, ":")
    if (portText && !/^[0-9]+$/.test(portText)) {
      const hint = type === "aws" ? "; an aws:// URI with credentials needs a trailing '@' (aws://KEY:SECRET@)" : ""
      fail(`port '${decode(portText)}' is not a number${hint}`)
    }
    const [login, , password] = partition(userinfo, ":")
    let extra = {}
    const pairs = query.split("&").filter(pair => pair).map(pair => partition(pair, "="))
    if (pairs.length === 1 && pairs[0][0] === "__extra__") {
      extra = jsonObject(decode(pairs[0][2], true), "the __extra__ parameter")
    } else {
      for (const [rawKey, , rawValue] of pairs) {
        const key = decode(rawKey, true)
        const value = decode(rawValue, true)
        extra[key] = value.startsWith("{") ? jsonObject(value, `extra '${key}'`) : value
      }
    }
    return {
      connType: type,
      login: decode(login) || null,
      password: decode(password) || null,
      host: decode(host) || null,
      port: portText ? parseInt(portText, 10) : null,
      schema: decode(path.replace(/^\/+/, "")) || null,
      extra: typedExtras(extra),
    }
  }

  function jsonObject(text, what) {
    let value
    try {
      value = JSON.parse(text)
    } catch (error) {
      fail(`${what} is not valid JSON`)
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) fail(`${what} must be a JSON object`)
    return value
  }

  function parseJson(text) {
    const data = jsonObject(text, "the connection")
    if (!("conn_type" in data)) fail("the JSON connection has no 'conn_type'")
    let extra = data.extra || {}
    if (typeof extra === "string") extra = jsonObject(extra, "'extra'")
    const port = data.port
    return {
      connType: connType(String(data.conn_type)),
      login: data.login ?? null,
      password: data.password ?? null,
      host: data.host ?? null,
      port: port !== undefined && port !== null && port !== "" ? parseInt(port, 10) : null,
      schema: data.schema ?? null,
      extra: typedExtras(extra),
    }
  }

  function typedExtras(extra) {
    const typed = { ...extra }
    for (const key of BOOLEAN_EXTRAS)
      if (typeof typed[key] === "string" && ["true", "false"].includes(typed[key].toLowerCase()))
        typed[key] = typed[key].toLowerCase() === "true"
    return typed
  }

  function py(value) {
    if (value === true) return "True"
    if (value === false) return "False"
    if (value === null || value === undefined) return "None"
    if (typeof value === "number" || typeof value === "string") return JSON.stringify(value)
    if (Array.isArray(value)) return "[" + value.map(py).join(", ") + "]"
    return "{" + Object.entries(value).map(([key, item]) => `${py(key)}: ${py(item)}`).join(", ") + "}"
  }

  function pop(object, key, fallback = null) {
    if (!(key in object)) return fallback
    const value = object[key]
    delete object[key]
    return value
  }

  function text(conversion) {
    let out = [...conversion.lines]
    if (conversion.warnings.length)
      out = out.concat(["", "# Not carried over:"], conversion.warnings.map(warning => `#   - ${warning}`))
    return out.join("\n") + "\n"
  }

  const secret = (value, variable, showSecrets) => (showSecrets ? py(value) : `os.environ["${variable}"]`)

  function convert(connection, { name = null, showSecrets = false } = {}) {
    if (name !== null && !/^[a-z0-9][a-z0-9-]*$/.test(name))
      fail(`block name '${name}' must be lowercase letters, digits and hyphens`)
    if (connection.connType === "aws") return convertAws(connection, name || "aws-default", showSecrets)
    return convertDatabase(connection, name || `${connection.connType}-default`, showSecrets)
  }

  function convertAws(connection, name, showSecrets) {
    const result = { lines: [], warnings: [] }
    const extra = { ...connection.extra }
    const args = []
    let usesEnvironment = false
    if (connection.login) {
      args.push(`aws_access_key_id=${secret(connection.login, "AWS_ACCESS_KEY_ID", showSecrets)}`)
      usesEnvironment = !showSecrets
    }
    if (connection.password) {
      args.push(`aws_secret_access_key=${secret(connection.password, "AWS_SECRET_ACCESS_KEY", showSecrets)}`)
      usesEnvironment = !showSecrets
    }
    if (connection.host && !connection.login)
      result.warnings.push(
        `host '${connection.host}': an aws:// URI with credentials needs a trailing '@' (aws://KEY:SECRET@), ` +
          "else they are read as host and port"
      )
    const token = pop(extra, "aws_session_token")
    if (token) {
      args.push(`aws_session_token=${secret(token, "AWS_SESSION_TOKEN", showSecrets)}`)
      usesEnvironment = usesEnvironment || !showSecrets
    }
    const sessionKwargs = { ...(pop(extra, "session_kwargs") || {}) }
    const region = pop(extra, "region_name") || pop(sessionKwargs, "region_name")
    if (region) args.push(`region_name=${py(region)}`)
    const profile = pop(sessionKwargs, "profile_name")
    if (profile) args.push(`profile_name=${py(profile)}`)
    for (const key of Object.keys(sessionKwargs))
      result.warnings.push(`session_kwargs '${key}': AwsCredentials has no such setting`)

    const clientParameters = []
    const endpoint = pop(extra, "endpoint_url") || pop(extra, "host")
    if (endpoint) clientParameters.push(`endpoint_url=${py(endpoint)}`)
    if ("verify" in extra) clientParameters.push(`verify=${py(pop(extra, "verify"))}`)
    const config = pop(extra, "config_kwargs")
    if (config && Object.keys(config).length) clientParameters.push(`config=${py(config)}`)
    if (clientParameters.length) args.push(`aws_client_parameters=AwsClientParameters(${clientParameters.join(", ")})`)

    let roleArn = pop(extra, "role_arn")
    const roleName = pop(extra, "aws_iam_role")
    const account = pop(extra, "aws_account_id")
    if (!roleArn && roleName) {
      if (account) roleArn = `arn:aws:iam::${account}:role/${roleName}`
      else
        result.warnings.push(
          `aws_iam_role '${roleName}': without aws_account_id the role's ARN is unknown; set assume_role_arn`
        )
    }
    const assumeKwargs = { ...(pop(extra, "assume_role_kwargs") || {}) }
    const externalId = pop(extra, "external_id")
    if (externalId && !("ExternalId" in assumeKwargs)) assumeKwargs.ExternalId = externalId
    const method = pop(extra, "assume_role_method")
    if (method && method !== "assume_role") {
      result.warnings.push(
        `assume_role_method '${method}': AwsCredentials assumes roles with sts:AssumeRole only; for web identity, ` +
          "leave the block empty and set AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE (boto3's default chain assumes the role)"
      )
      roleArn = null
    }
    if (roleArn) {
      args.push(`assume_role_arn=${py(roleArn)}`)
      if (Object.keys(assumeKwargs).length) args.push(`assume_role_kwargs=${py(assumeKwargs)}`)
    }
    for (const key of Object.keys(extra)) result.warnings.push(`extra '${key}': AwsCredentials has no such setting`)

    const imports = clientParameters.length ? "AwsClientParameters, AwsCredentials" : "AwsCredentials"
    const header = [
      "# Prefect code for this Airflow AWS connection (pip install prefect-aws).",
      `# Run it once to save the block; flows load it with AwsCredentials.load("${name}").`,
    ]
    if (!args.length)
      header.push(
        "# No credentials: boto3's default chain applies (environment, ~/.aws files, ECS task role, instance profile)."
      )
    if (usesEnvironment) header.push("# Secrets are read from the environment: set the variables named below before running it.")
    result.lines = header.concat(usesEnvironment ? ["", "import os"] : [], ["", `from prefect_aws import ${imports}`, ""])
    if (args.length)
      result.lines = result.lines.concat(["AwsCredentials("], args.map(arg => `    ${arg},`), [
        `).save("${name}", overwrite=True)`,
      ])
    else result.lines.push(`AwsCredentials().save("${name}", overwrite=True)`)
    result.lines = result.lines.concat(cliLines("prefect_aws", `aws-credentials/${name}`))
    return result
  }

  function cliLines(module, block) {
    return [
      "",
      "# With the prefect CLI: register the block types, save the block (above, or in the UI), check it:",
      `#   prefect block register -m ${module}`,
      `#   prefect block create ${block.split("/")[0]}`,
      `#   prefect block inspect ${block}`,
    ]
  }

  function convertDatabase(connection, name, showSecrets) {
    const result = { lines: [], warnings: [] }
    const extra = { ...connection.extra }
    const isRedshift = connection.connType === "redshift" || Boolean(pop(extra, "redshift", false))
    const serverless = Boolean(pop(extra, "redshift-serverless", false))
    const iam = Boolean(pop(extra, "iam", false))
    const port = connection.port || DEFAULT_PORTS[isRedshift || serverless ? "redshift" : "postgres"]
    const firstLabel = (connection.host || "").split(".")[0] || null
    const cluster = pop(extra, "cluster-identifier") || firstLabel
    const workgroup = pop(extra, "workgroup-name") || firstLabel
    const awsBlock = String(pop(extra, "aws_conn_id") || "aws_default").replace(/_/g, "-")
    const region = pop(extra, "region_name")
    const connectArgs = {}
    for (const key of CONNECT_ARGS) if (key in extra) connectArgs[key] = pop(extra, key)
    for (const key of Object.keys(extra)) result.warnings.push(`extra '${key}': no SqlAlchemyConnector setting`)

    const components = [
      "driver=SyncDriver.POSTGRESQL_PSYCOPG2",
      `host=${py(connection.host)}`,
      `port=${port}`,
      `database=${py(connection.schema)}`,
    ]
    const tail = Object.keys(connectArgs).length ? [`    connect_args=${py(connectArgs)},`] : []
    const imports = "from prefect_sqlalchemy import ConnectionComponents, SqlAlchemyConnector, SyncDriver"
    if (!iam) {
      const usesEnvironment = Boolean(connection.password) && !showSecrets
      components.push(`username=${py(connection.login)}`)
      if (connection.password) components.push(`password=${secret(connection.password, "DATABASE_PASSWORD", showSecrets)}`)
      result.lines = [
        `# Prefect code for this Airflow ${connection.connType} connection (pip install prefect-sqlalchemy psycopg2-binary).`,
        `# Run it once to save the block; flows load it with SqlAlchemyConnector.load("${name}").`,
      ]
      if (usesEnvironment)
        result.lines.push("# The password is read from the environment: set DATABASE_PASSWORD before running it.", "", "import os")
      result.lines = result.lines.concat(
        ["", imports, "", "SqlAlchemyConnector(", "    connection_info=ConnectionComponents("],
        components.map(component => `        ${component},`),
        ["    ),"],
        tail,
        [`).save("${name}", overwrite=True)`],
        cliLines("prefect_sqlalchemy", `sqlalchemy-connector/${name}`)
      )
      return result
    }

    let kind, call, user, password
    if (serverless) {
      kind = "Redshift Serverless"
      call = [
        '    credentials = aws.get_client("redshift-serverless").get_credentials(',
        `        workgroupName=${py(workgroup)}, dbName=${py(connection.schema)}, durationSeconds=${TOKEN_SECONDS}`,
        "    )",
      ]
      ;[user, password] = ['credentials["dbUser"]', 'credentials["dbPassword"]']
    } else if (isRedshift) {
      kind = "provisioned Redshift"
      call = [
        '    credentials = aws.get_client("redshift").get_cluster_credentials(',
        `        DbUser=${py(connection.login)}, DbName=${py(connection.schema)}, ClusterIdentifier=${py(cluster)}, DurationSeconds=${TOKEN_SECONDS}`,
        "    )",
      ]
      ;[user, password] = ['credentials["DbUser"]', 'credentials["DbPassword"]']
    } else {
      const regionArgument = region ? `, Region=${py(region)}` : ""
      kind = "RDS PostgreSQL"
      call = [
        '    token = aws.get_client("rds").generate_db_auth_token(',
        `        DBHostname=${py(connection.host)}, Port=${port}, DBUsername=${py(connection.login)}${regionArgument}`,
        "    )",
      ]
      ;[user, password] = [py(connection.login), "token"]
    }
    const fn = `${name.replace(/-/g, "_")}_connector`
    result.lines = [
      `# Prefect code for this Airflow ${connection.connType} connection with IAM authentication to ${kind}`,
      "# (pip install prefect-aws prefect-sqlalchemy psycopg2-binary). IAM credentials last 15 minutes:",
      `# call ${fn}() for each run; the connection guide shows a fresh token per new connection.`,
      "",
      "from prefect_aws import AwsCredentials",
      imports,
      "",
      "",
      `def ${fn}() -> SqlAlchemyConnector:`,
      `    aws = AwsCredentials.load("${awsBlock}")`,
      ...call,
      "    return SqlAlchemyConnector(",
      "        connection_info=ConnectionComponents(",
      ...components.map(component => `            ${component},`),
      `            username=${user},`,
      `            password=${password},`,
      "        ),",
      ...tail.map(line => "    " + line),
      "    )",
    ]
    if (region && (serverless || isRedshift))
      result.warnings.push(`region_name '${region}': set it on the '${awsBlock}' AwsCredentials block`)
    return result
  }

  /** The converter's whole output for `input`: { ok, text } where text is the code or "error: …". */
  function run(input, options = {}) {
    try {
      const conversion = convert(parseConnection(input), options)
      return { ok: true, text: text(conversion), warnings: conversion.warnings }
    } catch (error) {
      if (error instanceof ConnectionInputError) return { ok: false, text: `error: ${error.message}\n`, warnings: [] }
      throw error
    }
  }

  return { run }
})()

if (typeof document$ !== "undefined")
  document$.subscribe(() => {
    const input = document.getElementById("connection-input")
    if (!input) return
    const showSecrets = document.getElementById("connection-show-secrets")
    const name = document.getElementById("connection-block-name")
    const output = document.getElementById("connection-converter-output")
    const update = () => {
      if (!input.value.trim()) {
        output.textContent = ""
        return
      }
      const result = ConnectionConverter.run(input.value, {
        showSecrets: showSecrets.checked,
        name: name.value.trim() || null,
      })
      output.textContent = result.text
      output.dataset.ok = String(result.ok)
      if (window.hljs && result.ok) {
        delete output.dataset.highlighted
        hljs.highlightElement(output)
      }
    }
    for (const element of [input, showSecrets, name]) element.addEventListener("input", update)
    update()
  })
