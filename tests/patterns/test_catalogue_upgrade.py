"""A database in use gets the catalogue rows a new version ships when it is migrated, without
losing what staff removed or changed."""

import io

import pytest
from django.forms.models import model_to_dict

from patterns import signals
from patterns.catalogue import load_files
from patterns.models import CatalogueChange, ChecklistItem, LambdaAlternative, Limit, Question, Rule, Scenario, WarningKind
from patterns.store import catalogue_from_db, current_engine

NEW_KEYS = ("wait_s", "replay_days")
NEW_LIMITS = ("step-functions-standard-duration", "sqs-max-retention", "dynamodb-stream-retention",
              "kinesis-max-retention")
NEW_WARNING = "replay-window"


def _mentions(text: str) -> bool:
    return any(word in text for word in (*NEW_KEYS, *NEW_LIMITS, NEW_WARNING))


def make_it_a_database_from_before_the_new_questions():
    """Remove every row that names the new questions, limits or warning, and the history of
    removing them: the database as it was before they shipped."""
    for model in (Rule, Scenario):
        for row in model.objects.all():
            if _mentions(str(model_to_dict(row))):
                row.delete()
    for alternative in LambdaAlternative.objects.all():
        if _mentions(alternative.when):
            alternative.delete()
    for item in ChecklistItem.objects.all():
        if _mentions(item.when):
            item.delete()
    Question.objects.filter(key__in=NEW_KEYS).delete()
    Limit.objects.filter(id__in=NEW_LIMITS).delete()
    WarningKind.objects.filter(id=NEW_WARNING).delete()
    CatalogueChange.objects.all().delete()


def migrate(**kwargs):
    signals.load_shipped_catalogue(sender=None, verbosity=1, **kwargs)


@pytest.mark.django_db
def test_migrating_an_older_database_adds_the_new_questions_and_their_rules():
    make_it_a_database_from_before_the_new_questions()
    assert not Question.objects.filter(key__in=NEW_KEYS).exists()
    out = io.StringIO()
    migrate(stdout=out)
    assert set(Question.objects.filter(key__in=NEW_KEYS).values_list("key", flat=True)) == set(NEW_KEYS)
    shipped, held = load_files(), catalogue_from_db()
    assert [q.key for q in held.questions] == [q.key for q in shipped.questions]  # in questionnaire order
    assert {r.name for r in held.rules} == {r.name for r in shipped.rules}
    assert set(held.limit_map) == set(shipped.limit_map) and set(held.warning_map) == set(shipped.warning_map)
    assert "Catalogue rows added:" in out.getvalue() and "2 questions" in out.getvalue()
    advice = current_engine().recommend(current_engine().validate({"trigger": "queue", "client_waits": False,
                                                                    "replay_days": 30}))
    assert "replay-window" in {w.id for w in advice.warnings}


@pytest.mark.django_db
def test_rows_staff_removed_stay_removed_and_edits_stay():
    item = ChecklistItem.objects.first()
    item.delete()  # on purpose, so the history records it
    Rule.objects.filter(name="api-http-entry").update(weight=1)
    migrate(stdout=io.StringIO())
    assert not ChecklistItem.objects.filter(pk=item.pk).exists()
    assert Rule.objects.get(name="api-http-entry").weight == 1


@pytest.mark.django_db
def test_new_rows_that_do_not_fit_the_edited_catalogue_are_left_out_with_the_reason():
    make_it_a_database_from_before_the_new_questions()
    # Staff had once added, then removed, a question of the same key: it stays removed, so
    # the rules that read it cannot be added either.
    CatalogueChange.objects.create(kind="questions", key="wait_s", action="remove")
    rules_before = Rule.objects.count()
    out = io.StringIO()
    migrate(stdout=out)
    assert Rule.objects.count() == rules_before
    assert not Question.objects.filter(key__in=NEW_KEYS).exists()
    assert "were not added" in out.getvalue() and "load_catalogue --update" in out.getvalue()
