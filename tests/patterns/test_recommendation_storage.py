"""A recommendation survives storage as the typed object, architecture included."""

import json

import pytest

from patterns.catalogue import load_files
from patterns.engine import Recommendation, compile_catalogue


@pytest.fixture(scope="module")
def engine():
    return compile_catalogue(load_files())


def test_a_stored_recommendation_loads_back_equal_with_its_architecture(engine):
    made = engine.recommend({"trigger": "event", "client_waits": False, "consumers": 3,
                             "consumer_names": "billing,shipping,analytics"})
    stored = json.loads(json.dumps(made.to_dict()))
    loaded = Recommendation.from_dict(stored, made.answers)
    assert loaded.to_dict() == made.to_dict()
    assert loaded.architecture == made.architecture
    assert {"BillingQueue", "ShippingQueue", "AnalyticsQueue"} <= {c.id for c in loaded.architecture.components}


def test_risks_apply_only_to_the_proposed_patterns(engine):
    made = engine.recommend({"trigger": "event", "client_waits": False, "consumers": 3,
                             "unreliable_downstream": True, "data_store": "relational", "downstream_max_rps": 20})
    assert "sns-fanout" not in made.selected
    assert all(w.pattern in made.selected for w in made.warnings if w.pattern)
    assert all(c.pattern in made.selected for c in made.limits if c.pattern)
    assert made.architecture.patterns <= set(made.selected)


@pytest.mark.parametrize("names, message", [
    ("Billing", "consumer name 'Billing' is not valid"),
    ("billing,,bad name", "consumer name 'bad name' is not valid"),
    (",".join(f"c{i}" for i in range(21)), "at most 20 consumer names"),
])
def test_consumer_names_are_checked_with_the_answers(engine, names, message):
    from patterns.answers import AnswerError

    with pytest.raises(AnswerError) as error:
        engine.recommend({"trigger": "event", "consumers": 2, "consumer_names": names})
    assert message in error.value.errors["consumer_names"]
