"""The catalogue exports to the repository's YAML layout and imports back, as a whole."""

import pytest
import yaml
from django.core.management import call_command

from patterns.catalogue import Catalogue, load_files, read_catalogue_dir
from patterns.models import ChecklistItem, Limit, Pattern, Price, Question, Rule, Scenario, WarningKind
from patterns.scenarios import load_scenario_files
from patterns.store import catalogue_from_db, current_engine, scenarios_from_db


def command(name, *args, capsys):
    try:
        call_command(name, *args)
        code = 0
    except SystemExit as exc:
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, out.err


def empty_the_database():
    for model in (Scenario, Rule, ChecklistItem, Pattern, Question, Price, Limit, WarningKind):
        model.objects.all().delete()


def edit_a_rule(weight=1):
    rule = Rule.objects.get(name="api-http-entry")
    rule.weight = weight
    rule.save()


@pytest.mark.django_db
def test_export_then_import_on_an_empty_database_gives_the_same_rules_version(tmp_path, capsys):
    edit_a_rule()  # an admin edit: the export is the database's content, not the shipped files'
    before = catalogue_from_db()
    scenarios = scenarios_from_db()
    assert before.version != load_files().version

    code, out, _ = command("export_catalogue", "--out", str(tmp_path), capsys=capsys)
    assert code == 0 and f"rules version {before.version}" in out
    empty_the_database()
    code, out, err = command("load_catalogue", "--dir", str(tmp_path), capsys=capsys)
    assert (code, err) == (0, "")

    assert catalogue_from_db().version == before.version
    assert current_engine().version == before.version
    assert scenarios_from_db() == scenarios


@pytest.mark.django_db
def test_the_export_has_the_repository_layout(tmp_path, capsys):
    command("export_catalogue", "--out", str(tmp_path), capsys=capsys)
    shared_rules = yaml.safe_load((tmp_path / "patterns/data/rules.yaml").read_text())
    assert shared_rules and all("pattern" not in row for row in shared_rules)
    own = yaml.safe_load((tmp_path / "pattern_library/sqs_worker/catalogue.yaml").read_text())
    assert own["pattern"]["name"] == "Lambda + SQS worker" and "slug" not in own["pattern"]
    assert own["rules"] and all("pattern" not in row for row in own["rules"])
    names = {row["name"] for row in yaml.safe_load((tmp_path / "patterns/data/scenarios.yaml").read_text())}
    assert "crud-http-api" in names
    for kind in ("warnings", "limits", "prices", "questions", "checklist"):
        assert yaml.safe_load((tmp_path / f"patterns/data/{kind}.yaml").read_text()), kind


@pytest.mark.django_db
def test_the_exported_files_read_as_the_shipped_catalogue(tmp_path, capsys):
    command("export_catalogue", "--out", str(tmp_path), capsys=capsys)
    assert Catalogue.from_dict(read_catalogue_dir(tmp_path)).version == load_files().version
    by_name = lambda scenarios: sorted(scenarios, key=lambda s: s.name)  # noqa: E731
    assert by_name(load_scenario_files(tmp_path)) == by_name(load_scenario_files())


@pytest.mark.django_db
def test_update_shows_the_difference_and_changes_nothing_without_apply(capsys):
    edit_a_rule()
    ChecklistItem.objects.create(id="staff-added-item", text="Added by staff.", order=999)
    Scenario.objects.filter(name="crud-http-api").delete()
    version = catalogue_from_db().version

    code, out, _ = command("load_catalogue", "--update", capsys=capsys)
    assert code == 0
    assert "~ rules api-http-entry" in out and "weight: 1.0 -> 4.0" in out
    assert "- checklist staff-added-item" in out
    assert "+ scenarios crud-http-api" in out
    assert "1 added, 1 changed, 1 removed" in out and "run again with --apply" in out
    assert catalogue_from_db().version == version
    assert Rule.objects.get(name="api-http-entry").weight == 1


@pytest.mark.django_db
def test_update_with_apply_makes_the_database_the_files(capsys):
    edit_a_rule()
    ChecklistItem.objects.create(id="staff-added-item", text="Added by staff.", order=999)
    untouched = Rule.objects.get(name="warn-api-timeout").updated_at

    code, out, _ = command("load_catalogue", "--update", "--apply", capsys=capsys)
    assert code == 0 and "applied: 0 added, 1 changed, 1 removed" in out
    assert catalogue_from_db().version == load_files().version
    assert current_engine().version == load_files().version
    assert not ChecklistItem.objects.filter(id="staff-added-item").exists()
    assert Rule.objects.get(name="warn-api-timeout").updated_at == untouched  # only the changed rows are written

    code, out, _ = command("load_catalogue", "--update", capsys=capsys)
    assert "nothing to do" in out


@pytest.mark.django_db
def test_an_import_that_breaks_the_catalogue_is_refused_whole_with_reasons(tmp_path, capsys):
    command("export_catalogue", "--out", str(tmp_path), capsys=capsys)
    rules = tmp_path / "patterns/data/rules.yaml"
    rows = yaml.safe_load(rules.read_text())
    rows[0]["warning"] = "no-such-warning"
    rows[1]["when"] = "trigger == 'fax'"
    rules.write_text(yaml.safe_dump(rows))
    edit_a_rule()
    version = catalogue_from_db().version

    code, _, err = command("load_catalogue", "--dir", str(tmp_path), "--update", "--apply", capsys=capsys)
    assert code == 2
    assert "no-such-warning" in err and "'fax' is not one of the choices" in err
    assert "Traceback" not in err
    assert catalogue_from_db().version == version


@pytest.mark.django_db
@pytest.mark.parametrize("args, files, message", [
    (("--apply",), None, "--apply goes with --update"),
    (("--update",), {"rules.yaml": "- name: [unclosed\n"}, "is not valid YAML (did not find expected ',' or ']', line 2)"),
    (("--update",), {"scenarios.yaml": "- name: x\n  answers: {}\n  top: [kafka-streams]\n"},
     "top: unknown pattern 'kafka-streams'"),
])
def test_bad_input_to_load_catalogue_exits_2(tmp_path, capsys, args, files, message):
    directory = []
    if files is not None:
        call_command("export_catalogue", "--out", str(tmp_path))
        for name, text in files.items():
            (tmp_path / "patterns/data" / name).write_text(text)
        directory = ["--dir", str(tmp_path)]
    code, _, err = command("load_catalogue", *directory, *args, capsys=capsys)
    assert code == 2
    assert message in err and "Traceback" not in err


@pytest.mark.django_db
def test_export_into_a_file_path_exits_2(tmp_path, capsys):
    target = tmp_path / "a-file"
    target.write_text("")
    code, _, err = command("export_catalogue", "--out", str(target), capsys=capsys)
    assert code == 2 and "is not a folder" in err
