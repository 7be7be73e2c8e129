"""The OpenAPI description says what the API really answers: every documented path validated, then fuzzed by schemathesis."""

import jsonschema
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.generation import GenerationMode

from layout import openapi
from layout.models import ScenarioCategory
from layout.wsgi import application

pytestmark = pytest.mark.usefixtures("layout_data")


def response_schema(document, path, status="200"):
    """The documented schema of a path's answer, with the document's components for its $refs."""
    content = document["paths"][path]["get"]["responses"][status]["content"]
    (media,) = content.values()
    return {**media["schema"], "components": document["components"]}


def test_the_document_is_served_at_its_stable_address_and_describes_every_endpoint(client):
    document = client.get("/api/v1/openapi.json").json()
    assert document["openapi"].startswith("3.")
    # The addresses of the edition it describes (the latest published one here); those without a year are
    # the same answers while it is the latest.
    assert set(document["paths"]) == {
        "/api/v1/editions/2025/",
        "/api/v1/editions/2025/districts.geojson",
        "/api/v1/editions/2025/clusters.geojson",
        "/api/v1/editions/2025/scenarios.json",
        "/api/v1/editions/2025/projects.json",
        "/api/v1/editions/2025/chains.json",
        "/api/v1/editions/2025/headline.json",
    }
    chain_values = document["components"]["parameters"]["chain"]["schema"]["enum"]
    assert "biomedicine" in chain_values


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"lang": "en"},
        {"lang": "zh-hans", "datum": "gcj02"},
        {"chain": "biomedicine"},
        {"district": "310115"},
        {"category": ScenarioCategory.DEMONSTRATION},
    ],
)
def test_every_documented_path_answers_with_a_body_that_validates_against_its_schema(client, params):
    document = openapi.document()
    for path, item in document["paths"].items():
        names = {parameter["$ref"].rsplit("/", 1)[1] for parameter in item["get"]["parameters"]}
        query = {name: value for name, value in params.items() if name in names}
        response = client.get(path, query)
        assert response.status_code == 200, (path, query)
        jsonschema.validate(response.json(), response_schema(document, path), cls=jsonschema.Draft202012Validator)


def test_a_refused_parameter_answers_with_the_documented_error(client):
    document = openapi.document()
    response = client.get("/api/v1/clusters.geojson", {"datum": "bd09"})
    assert response.status_code == 400
    jsonschema.validate(
        response.json(),
        response_schema(document, "/api/v1/editions/2025/clusters.geojson", "400"),
        cls=jsonschema.Draft202012Validator,
    )


def test_the_schemas_are_strict_enough_to_catch_drift(client):
    # A property the code adds without documenting it fails validation.
    document = openapi.document()
    body = client.get("/api/v1/headline.json").json()
    body["figures"][0]["undocumented"] = 1
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(
            body, response_schema(document, "/api/v1/editions/2025/headline.json"), cls=jsonschema.Draft202012Validator
        )


def operations():
    # Built from the database, as served: its enums list the chains and districts that exist.
    schema = schemathesis.openapi.from_dict(openapi.document())
    return [result.ok() for result in schema.get_all_operations()]


@pytest.fixture
def keep_test_connection():
    """Calling the WSGI app fires request signals that close the database connection, which would end
    the test's transaction on PostgreSQL; Django's own test client disconnects them the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# schemathesis drives the WSGI app in this process, so it sees the test database. Few examples per
# operation: the parameters are enums, and this stays a quick test.
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_schemathesis_finds_no_answer_that_breaks_the_description(mode, keep_test_connection):
    checked = []
    for operation in operations():

        @settings(max_examples=12, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy(generation_mode=mode))
        def check(case):
            # The in-process WSGI client does not decompress: ask for the plain body.
            case.call_and_validate(app=application, headers={"Accept-Encoding": "identity"})

        check()
        checked.append(operation.path)
    assert len(checked) == 7
