"""What an example really used while it ran: requests sent to moto, calls answered locally,
calls checked against botocore's service model, connections to PostgreSQL.

Only the example and its call are recorded, not the setup or the assertions. The
verification level a page shows (`generator.levels`) must equal the level this record
earns; `tests/test_examples.py` checks that for every section.
"""

from __future__ import annotations

import copy
from collections import deque


class Usage:
    """The record of one example's run, and the hooks that keep it."""

    def __init__(self) -> None:
        self.recording = False
        self.backends: set[str] = set()
        self.calls: list[str] = []
        self.answers: dict[tuple[str, str], deque[dict]] = {}
        self.model_stubs: dict[str, ModelStub] = {}

    def record(self, backend: str, call: str) -> None:
        if self.recording:
            self.backends.add(backend)
            self.calls.append(f"{backend}:{call}")

    def answer_locally(self, service: str, operation: str, response: dict | list[dict]) -> None:
        """While the example runs, answer `service.operation` (snake case) with `response` instead of asking moto.

        A list of responses answers the calls in turn and repeats its last one, so a sensor can
        see a state change between checks.
        """
        responses = response if isinstance(response, list) else [response]
        if not responses:
            raise ValueError(f"answer_locally({service!r}, {operation!r}) needs at least one response")
        self.answers[(service, operation)] = deque(responses)

    def next_answer(self, service: str, operation: str) -> dict:
        """The response for this call of `service.operation`: the next in turn, the last one repeated."""
        responses = self.answers[(service, operation)]
        return copy.deepcopy(responses.popleft() if len(responses) > 1 else responses[0])

    def model_stub(self, service: str) -> ModelStub:
        """While the example runs, check every `service` request against botocore's model instead of sending it."""
        return self.model_stubs.setdefault(service, ModelStub(service))

    def finish(self) -> None:
        """After the call: every expected model-checked call must have been made."""
        for stub in self.model_stubs.values():
            stub.check_all_called()

    def install(self) -> None:
        """Wrap botocore's API call and request, and psycopg2's connect, to record them."""
        import botocore.client
        import botocore.endpoint
        import psycopg2
        from botocore import xform_name

        usage = self
        real_api_call = botocore.client.BaseClient._make_api_call
        real_request = botocore.endpoint.Endpoint.make_request
        real_connect = psycopg2.connect

        def make_api_call(client, operation_name, api_params):
            service = client.meta.service_model.service_name
            operation = xform_name(operation_name)
            if usage.recording and (service, operation) in usage.answers:
                usage.record("answered", f"{service}.{operation}")
                return usage.next_answer(service, operation)
            if usage.recording and service in usage.model_stubs:
                usage.record("model", f"{service}.{operation}")
                return usage.model_stubs[service].respond(client, operation_name, api_params)
            return real_api_call(client, operation_name, api_params)

        def make_request(endpoint, operation_model, request_dict):
            usage.record("moto", f"{operation_model.service_model.service_name}.{xform_name(operation_model.name)}")
            return real_request(endpoint, operation_model, request_dict)

        def connect(*args, **kwargs):
            usage.record("postgres", "connect")
            return real_connect(*args, **kwargs)

        botocore.client.BaseClient._make_api_call = make_api_call
        botocore.endpoint.Endpoint.make_request = make_request
        psycopg2.connect = connect


class ModelStub:
    """Expected requests of one service, each checked against botocore's service model (as `botocore.stub.Stubber` does)."""

    def __init__(self, service: str) -> None:
        self.service = service
        self.expected: deque[tuple[str, dict, dict | None]] = deque()

    def add_response(self, operation: str, response: dict, expected_params: dict | None = None) -> None:
        """Expect a call of `operation` (snake case), with `expected_params` if given; answer `response`."""
        self.expected.append((operation, response, expected_params))

    def respond(self, client, operation_name: str, params: dict) -> dict:
        from botocore import xform_name
        from botocore.validate import ParamValidator, validate_parameters

        operation = xform_name(operation_name)
        if not self.expected:
            raise AssertionError(f"{self.service}.{operation} was called, but no call was expected")
        expected_operation, response, expected_params = self.expected.popleft()
        if operation != expected_operation:
            raise AssertionError(f"{self.service}.{operation} was called, but {self.service}.{expected_operation} was expected")
        model = client.meta.service_model.operation_model(operation_name)
        params = with_idempotency_tokens(params, model)
        validate_parameters(params, model.input_shape)
        if expected_params is not None and params != expected_params:
            raise AssertionError(f"{self.service}.{operation} was called with {params}, not {expected_params}")
        if model.output_shape is not None:
            report = ParamValidator().validate(response, model.output_shape)
            if report.has_errors():
                raise AssertionError(f"the answer given for {self.service}.{operation} does not match the model: {report.generate_report()}")
        return copy.deepcopy(response)

    def check_all_called(self) -> None:
        if self.expected:
            missing = ", ".join(f"{self.service}.{operation}" for operation, _, _ in self.expected)
            raise AssertionError(f"expected call(s) not made: {missing}")


def with_idempotency_tokens(params: dict, model) -> dict:
    """`params` with the idempotency tokens botocore fills in when a caller leaves them out.

    botocore does this in a handler of `before-parameter-build`, which runs inside the real
    `_make_api_call` that a model-checked call never reaches.
    """
    import uuid

    filled = dict(params)
    for name, shape in (model.input_shape.members.items() if model.input_shape is not None else ()):
        if shape.metadata.get("idempotencyToken") and name not in filled:
            filled[name] = str(uuid.uuid4())
    return filled
