"""The cost estimate's model: what each answer changes, what is priced per component, how
stored estimates load, and how a new kind of component gets a price."""

from __future__ import annotations

import dataclasses

import pytest

from architecture import Architecture, Component, Connection
from architecture.sizing import Proposal, Sizing
from patterns import cost as cost_model
from patterns.catalogue import Price, load_files
from patterns.engine import Engine, Recommendation, recommend

CATALOGUE = load_files()
P = CATALOGUE.price_map


def lines_of(result, price_id):
    return [line for line in result.cost.lines if line.price == price_id]


def test_every_line_shows_its_arithmetic_and_the_assumption_behind_it():
    result = recommend({"trigger": "queue", "client_waits": False}, CATALOGUE)
    assert result.cost.lines
    for line in result.cost.lines:
        assert line.usd == round(line.quantity * line.unit_usd, 2)
        assert line.unit and line.assumption and line.price in P
        assert f"{line.unit} × $" in line.basis and line.assumption in line.basis
    assert result.cost.region == "us-east-1"
    assert result.cost.monthly_usd == pytest.approx(sum(line.usd for line in result.cost.lines), abs=0.005)


def test_the_free_tier_is_off_unless_asked_for():
    plain = recommend({}, CATALOGUE).cost
    free = recommend({"free_tier": True}, CATALOGUE).cost
    assert not plain.free_tier and all(line.usd >= 0 for line in plain.lines)
    assert free.free_tier and free.monthly_usd < plain.monthly_usd
    assert {line.price for line in free.lines if line.usd < 0} >= {"lambda-requests", "lambda-gb-second-arm64"}


def test_six_consumers_get_six_queues_each_priced():
    result = recommend({"trigger": "event", "consumers": 6, "client_waits": False,
                        "consumer_names": "billing,shipping,analytics,search,email,audit"}, CATALOGUE,
                       patterns=("sns-fanout",))
    queues = lines_of(result, "sqs-standard-requests")
    assert len(queues) == 6 and len({line.component for line in queues}) == 6
    assert {line.component_name for line in queues} >= {"billing queue", "audit queue"}
    assert not result.cost.notes
    # Unnamed, the generated project has fewer consumer queues than consumers, and the estimate says so.
    unnamed = recommend({"trigger": "event", "consumers": 6, "client_waits": False}, CATALOGUE,
                        patterns=("sns-fanout",))
    queues = lines_of(unnamed, "sqs-standard-requests")
    assert any(f"feeds {len(queues)} consumer queues for the 6 consumers" in note for note in unnamed.cost.notes)


def test_results_written_back_to_the_source_are_priced_and_do_not_trigger_the_work_again():
    # Uploads processed into another prefix of the same bucket: every upload is invoked once and
    # the bucket takes the uploads and the results.
    uploads = recommend({"trigger": "file_upload", "writes_back_to_source": True, "monthly_invocations": 1000},
                        CATALOGUE, patterns=("s3-processing",))
    assert [line.quantity for line in lines_of(uploads, "lambda-requests")] == [1000]
    assert [line.quantity for line in lines_of(uploads, "s3-put-requests")] == [2000]
    # A stream reader that writes back to the items that changed: invoked once per change from
    # outside (its own writes are filtered out), paying for both writes, storing the items once.
    changes = {"trigger": "data_change", "data_store": "dynamodb", "writes_back_to_source": True,
               "monthly_invocations": 1000}
    for patterns in (("dynamodb-streams",), ("dynamodb-streams", "sns-fanout")):
        result = recommend({**changes, "consumer_names": "search,audit"}, CATALOGUE, patterns=patterns)
        assert [line.quantity for line in lines_of(result, "lambda-requests")
                if line.component == "StreamProcessorFunction"] == [1000]
        data = [line for line in result.cost.lines if line.component == "DataTable"]
        assert {line.price: line.quantity for line in data}["dynamodb-write-units"] == 2000
        assert {line.price: line.quantity for line in data}["dynamodb-storage"] == pytest.approx(1000 / 1024 ** 2)
        assert result.cost.monthly_usd > 0


def test_when_the_patterns_cannot_be_composed_the_note_says_why():
    result = recommend({"trigger": "queue", "consumers": 2, "consumer_names": "worker,audit"}, CATALOGUE,
                       patterns=("sqs-worker", "sns-fanout"))
    assert result.architecture is None and result.cost.monthly_usd == 0
    (note,) = result.cost.notes
    assert "the consumer name 'worker' gives the resource WorkerFunction" in note
    assert "choose another consumer name" in note


def test_a_read_only_api_pays_no_writes_and_a_bulk_import_pays_every_row():
    base = {"data_store": "dynamodb", "monthly_invocations": 1000}
    read_only = recommend({**base, "read_percent": 100}, CATALOGUE, patterns=("api-gateway-lambda",))
    data_writes = [line for line in lines_of(read_only, "dynamodb-write-units") if line.component == "DataTable"]
    assert data_writes == []
    assert [line.quantity for line in lines_of(read_only, "dynamodb-read-units")] == [1000 * 0.5]
    # A monthly import of one 2-billion-row file: every row is a write.
    bulk = recommend({"trigger": "file_upload", "client_waits": False, "data_store": "dynamodb",
                      "monthly_invocations": 1, "items_per_unit": 10_000_000}, CATALOGUE,
                     patterns=("sqs-worker",))
    data_writes = [line for line in lines_of(bulk, "dynamodb-write-units") if line.component == "DataTable"]
    assert [line.quantity for line in data_writes] == [10_000_000]


@pytest.mark.parametrize("api_type, price_id", [("auto", "apigw-http-requests"), ("http", "apigw-http-requests"),
                                                ("rest", "apigw-rest-requests"),
                                                ("websocket", "apigw-websocket-messages")])
def test_the_api_is_priced_as_the_type_chosen(api_type, price_id):
    result = recommend({"api_type": api_type}, CATALOGUE, patterns=("api-gateway-lambda",))
    assert {line.price for line in result.cost.lines if line.service == "API Gateway"} == {price_id}
    if api_type == "rest":
        assert result.architecture.component("RestApi") is not None  # the same API the generator builds


def test_a_nightly_job_starts_cold_every_time():
    result = recommend({"trigger": "schedule", "client_waits": False, "monthly_invocations": 30, "duration_s": 60},
                       CATALOGUE, patterns=("sqs-worker",))
    (init,) = [line for line in lines_of(result, "lambda-gb-second-arm64") if "INIT" in line.assumption]
    assert init.quantity == 30 * cost_model.INIT_SECONDS * 0.5 and "every invocation starts cold" in init.assumption


def test_provisioned_concurrency_is_priced_only_when_the_advice_recommends_it():
    tight = recommend({"latency_ms": 300}, CATALOGUE, patterns=("api-gateway-lambda",))
    relaxed = recommend({"latency_ms": 3000}, CATALOGUE, patterns=("api-gateway-lambda",))
    assert "cold-start-latency" in {w.id for w in tight.warnings}
    assert lines_of(tight, "lambda-provisioned-gb-second-arm64")
    assert not lines_of(relaxed, "lambda-provisioned-gb-second-arm64")


def test_lines_are_grouped_by_the_components_of_the_architecture():
    result = recommend({"trigger": "queue", "client_waits": False}, CATALOGUE)
    ids = {c.id for c in result.architecture.components}
    assert {line.component for line in result.cost.lines} - {""} <= ids
    assert all(line.component_name for line in result.cost.lines)


def test_the_cost_is_computed_only_when_read():
    result = Engine(CATALOGUE).recommend({})
    assert "cost" not in vars(result) and "proposal" not in vars(result)
    assert result.cost.monthly_usd > 0
    assert "cost" in vars(result)


def test_a_stored_estimate_loads_as_it_was_saved_even_without_the_arithmetic():
    stored = recommend({}, CATALOGUE).to_dict()
    stored["cost"] = {"monthly_usd": 8.55, "lines": [{"service": "Lambda", "usd": 8.55, "basis": "old basis"}]}
    loaded = Recommendation.from_dict(stored, {})
    assert loaded.cost.monthly_usd == 8.55 and loaded.cost.lines[0].basis == "old basis"
    assert loaded.cost.lines[0].arithmetic == ""
    assert loaded.to_dict()["cost"]["lines"][0]["service"] == "Lambda"


def _stream_proposal() -> Proposal:
    components = (Component("Producers", "external", "producers"), Component("ClicksStream", "stream", "clicks"),
                  Component("ReaderFunction", "function", "reader"))
    edges = (Connection("Producers", "ClicksStream", "publish"), Connection("ClicksStream", "ReaderFunction", "poll"))
    return Proposal(Architecture(components, edges), {"ReaderFunction": Sizing(memory_mb=1024)})


def test_a_kind_without_a_pricer_is_named_and_one_entry_prices_it(monkeypatch):
    answers = Engine(CATALOGUE).validate({"monthly_invocations": 1000})
    unpriced = cost_model.estimate(answers, _stream_proposal(), P)
    assert any("clicks (stream)" in note for note in unpriced.notes)
    assert {line.component for line in unpriced.lines} == {"ReaderFunction", ""}

    shard_hour = Price("stream-shard-hours", "Kinesis", "Shard hours", 0.015, 1, "shard-hours")

    def stream(est, component):
        est.add(component, "stream-shard-hours", cost_model.HOURS_PER_MONTH, "one shard all month")

    monkeypatch.setitem(cost_model.PRICERS, "stream", stream)
    priced = cost_model.estimate(answers, _stream_proposal(), {**P, shard_hour.id: shard_hour})
    (line,) = [line for line in priced.lines if line.component == "ClicksStream"]
    assert line.usd == round(730 * 0.015, 2) and not priced.notes
    # the function behind the stream gets the stream's records
    assert [ln.quantity for ln in priced.lines if ln.price == "lambda-requests"] == [1000]


def test_tiered_log_prices_apply_each_tier_to_its_part():
    answers = Engine(CATALOGUE).validate({"monthly_invocations": 12 * 1024 ** 3, "duration_s": 0.001})
    result = recommend(answers, CATALOGUE, patterns=("sqs-worker",))
    tiers = {line.price: line.quantity for line in result.cost.lines if line.price.startswith("lambda-logs")}
    assert tiers == {"lambda-logs-ingestion-1": 10240, "lambda-logs-ingestion-2": 12 * 1024 - 10240}


def test_a_price_row_edit_changes_only_its_lines():
    dearer = dataclasses.replace(CATALOGUE, prices=tuple(
        dataclasses.replace(p, usd=p.usd * 2) if p.id == "sqs-standard-requests" else p for p in CATALOGUE.prices))
    before = recommend({"trigger": "queue", "client_waits": False}, CATALOGUE, patterns=("sqs-worker",)).cost
    after = recommend({"trigger": "queue", "client_waits": False}, dearer, patterns=("sqs-worker",)).cost
    queue = sum(line.usd for line in before.lines if line.price == "sqs-standard-requests")
    assert after.monthly_usd == pytest.approx(before.monthly_usd + queue, abs=0.01)


def test_the_questions_the_cost_needs_show_only_when_they_matter():
    engine = Engine(CATALOGUE)
    shown = lambda answers: {q.key for q in engine.visible_questions(engine.validate(answers))}  # noqa: E731
    assert "api_type" in shown({"trigger": "http"}) and "api_type" not in shown({"trigger": "queue"})
    data_keys = {"read_percent", "item_kb", "items_per_unit"}
    assert not data_keys & shown({"data_store": "none"})
    assert data_keys <= shown({"data_store": "dynamodb"})
    assert "free_tier" in shown({})
    for key in data_keys | {"api_type", "free_tier"}:
        assert CATALOGUE.question_map[key].help, key


def test_answers_saved_before_the_new_questions_take_their_defaults():
    answers = Engine(CATALOGUE).validate({"trigger": "queue", "client_waits": False})
    assert (answers["read_percent"], answers["item_kb"], answers["items_per_unit"], answers["api_type"],
            answers["free_tier"]) == (50, 1, 1, "auto", False)


@pytest.mark.parametrize("slug", ["sqs-worker", "sns-fanout", "step-functions"])
def test_the_free_tier_never_makes_a_service_cost_less_than_nothing(slug):
    engine = Engine(CATALOGUE)
    for units in range(0, 20_000, 97):
        cost = engine.recommend({"free_tier": True, "monthly_invocations": units, "duration_s": 0.013},
                                patterns=(slug,)).cost
        net: dict[str, float] = {}
        for line in cost.lines:
            net[line.price] = round(net.get(line.price, 0.0) + line.usd, 2)
        assert cost.monthly_usd >= 0 and min(net.values(), default=0) >= 0, (units, net)


def test_a_pattern_folders_own_cost_part_prices_its_new_kind(monkeypatch):
    class StreamCost:
        @staticmethod
        def usage(answers, limits):
            yield "Kinesis", "stream-shard-hours", 2 * cost_model.HOURS_PER_MONTH, "2 shards all month"

    components = (Component("Producers", "external", "producers"),
                  Component("ClicksStream", "stream", "clicks", "clicks-pattern"),
                  Component("ReaderFunction", "function", "reader", "clicks-pattern"))
    edges = (Connection("Producers", "ClicksStream", "publish"), Connection("ClicksStream", "ReaderFunction", "poll"))
    proposal = Proposal(Architecture(components, edges), {})
    monkeypatch.setattr(cost_model, "pattern_cost_part", lambda slug: StreamCost if slug == "clicks-pattern" else None)
    shard_hour = Price("stream-shard-hours", "Kinesis", "Shard hours", 0.015, 1, "shard-hours")
    answers = Engine(CATALOGUE).validate({"monthly_invocations": 1000})
    cost = cost_model.estimate(answers, proposal, {**P, shard_hour.id: shard_hour})
    (line,) = [line for line in cost.lines if line.price == "stream-shard-hours"]
    assert (line.component, line.service, line.usd) == ("ClicksStream", "Kinesis", round(1460 * 0.015, 2))
    assert not cost.notes


def fargate_lines(result):
    return [line for line in result.cost.alternatives if line.service == "Fargate"]


def test_work_longer_than_a_function_may_run_is_also_priced_as_the_container_task_advised():
    answers = {"trigger": "file_upload", "max_duration_s": 1200, "duration_s": 600, "memory_mb": 3538,
               "monthly_invocations": 10_000}
    result = recommend(answers, CATALOGUE, patterns=("s3-processing", "step-functions"))
    assert not result.fits_lambda and "fargate-task" in {a.id for a in result.alternatives}
    fargate = fargate_lines(result)
    # The function doing the work is priced as one task per upload; the one handing it on is not.
    doing = {line.component for line in lines_of(result, "lambda-gb-second-arm64")
             if "of the work per invocation" in line.assumption}
    assert {line.component for line in fargate} == doing and len(doing) == 1
    vcpu, memory = (next(line for line in fargate if line.price == p) for p in
                    ("fargate-vcpu-hours-arm64", "fargate-gb-hours-arm64"))
    # 10,000 tasks × 600 s = 1,666.67 hours, at two vCPUs (3,538 MB is two of Lambda's 1,769 MB
    # shares) and 3.455 GB.
    assert vcpu.quantity == pytest.approx(10_000 * 600 / 3600 * 2)
    assert memory.quantity == pytest.approx(10_000 * 600 / 3600 * 3538 / 1024)
    assert vcpu.usd == round(vcpu.quantity * P["fargate-vcpu-hours-arm64"].usd, 2)
    # Beside the total, never in it.
    assert result.cost.monthly_usd == pytest.approx(sum(line.usd for line in result.cost.lines), abs=0.005)
    assert not {line.price for line in result.cost.lines} & {line.price for line in fargate}


def test_functions_built_for_x86_64_are_priced_at_the_x86_rows_lambda_and_fargate_alike():
    answers = {"trigger": "file_upload", "max_duration_s": 1200, "duration_s": 600, "monthly_invocations": 3600}
    arm = recommend(answers, CATALOGUE, patterns=("s3-processing", "step-functions"))
    proposal = arm.proposal
    x86 = dataclasses.replace(proposal, sizing={cid: dataclasses.replace(size, cpu="x86_64")
                                                for cid, size in proposal.sizing.items()})
    cost = cost_model.estimate(arm.answers, x86, P, limits=arm.limit_values, container_instead=True)
    prices = {line.price for line in (*cost.lines, *cost.alternatives)}
    assert {"lambda-gb-second-x86", "fargate-vcpu-hours-x86", "fargate-gb-hours-x86"} <= prices
    assert not any(price.endswith("arm64") for price in prices)
    assert cost.monthly_usd > arm.cost.monthly_usd  # x86 compute costs more per GB-second


def test_the_container_is_priced_only_when_the_advice_names_it():
    # A long import of uploaded rows into a table is advised as a Distributed Map, not a task.
    result = recommend({"trigger": "file_upload", "data_store": "dynamodb", "max_duration_s": 1200},
                       CATALOGUE, patterns=("s3-processing", "step-functions"))
    assert "fargate-task" not in {a.id for a in result.alternatives}
    assert "sfn-distributed-map" in {a.id for a in result.alternatives}
    assert not fargate_lines(result) and not result.cost.prices_a_container_instead


def test_work_that_fits_a_function_has_no_container_price_and_the_limit_rows_decide():
    fits = recommend({"trigger": "file_upload", "max_duration_s": 600}, CATALOGUE,
                     patterns=("s3-processing", "step-functions"))
    assert not fargate_lines(fits)
    long = {"trigger": "file_upload", "max_duration_s": 1200, "duration_s": 5, "monthly_invocations": 3600}
    shipped = fargate_lines(recommend(long, CATALOGUE, patterns=("s3-processing", "step-functions")))
    assert shipped and all("at least 60 s is billed" in line.assumption for line in shipped)
    edited = dataclasses.replace(CATALOGUE, limits=tuple(
        dataclasses.replace(limit, value=120) if limit.id == "fargate-minimum-billed-seconds" else limit
        for limit in CATALOGUE.limits))
    longer = fargate_lines(recommend(long, edited, patterns=("s3-processing", "step-functions")))
    assert [line.quantity for line in longer] == pytest.approx([2 * line.quantity for line in shipped])
