"""The comparison functions are pure: dicts in, Difference lines out."""

from django.test import SimpleTestCase

from patterns.catalogue import load_files
from patterns.wording import words_for
from advisor.architectures.changes import Difference, compare_recommendations, diff_answers, diff_revisions, grouped


def rec(**overrides):
    base = {
        "recommendations": [{"pattern": "sqs-worker", "score": 0.7, "reasons": []},
                            {"pattern": "eventbridge", "score": 0.4, "reasons": []}],
        "selected": ["sqs-worker"],
        "warnings": [{"id": "poison-message", "severity": "high", "pattern": "sqs-worker", "message": "m"}],
        "limits": [{"id": "lambda-max-duration", "ok": True, "value": 30, "limit": 900, "unit": "s", "message": ""}],
        "checklist": ["Add a DLQ"],
        "cost": {"monthly_usd": 8.55, "lines": []},
        "rules_version": "v1",
    }
    return {**base, **overrides}


NAMES = {"sqs-worker": "SQS worker", "eventbridge": "EventBridge", "step-functions": "Step Functions"}


class CompareRecommendationsTestCase(SimpleTestCase):
    def test_it_finds_nothing_when_only_the_rules_version_moved(self):
        self.assertEqual(compare_recommendations(rec(), rec(rules_version="v2")), [])

    def test_it_reports_every_kind_of_change(self):
        after = rec(
            recommendations=[{"pattern": "step-functions", "score": 0.8, "reasons": []},
                             {"pattern": "sqs-worker", "score": 0.5, "reasons": []}],
            selected=["step-functions"],
            warnings=[{"id": "poison-message", "severity": "critical", "pattern": "sqs-worker", "message": "m"},
                      {"id": "workflow-cost", "severity": "low", "pattern": "step-functions", "message": "Costs add up."}],
            limits=[{"id": "lambda-max-duration", "ok": False, "value": 1200, "limit": 900, "unit": "s", "message": ""}],
            checklist=["Add a DLQ", "Set Retry on tasks"],
            cost={"monthly_usd": 20, "lines": []},
        )
        self.assertEqual(compare_recommendations(rec(), after, NAMES), [
            Difference("Ranking", "changed", "Best fit: SQS worker → Step Functions"),
            Difference("Ranking", "added", "Step Functions now fits (80%)"),
            Difference("Ranking", "changed", "SQS worker fit 70% → 50%"),
            Difference("Ranking", "removed", "EventBridge no longer fits"),
            Difference("Patterns in the architecture", "added", "Step Functions"),
            Difference("Patterns in the architecture", "removed", "SQS worker"),
            Difference("Risks", "changed", "poison-message on SQS worker: high → critical"),
            Difference("Risks", "added", "workflow-cost on Step Functions (low)"),
            Difference("Hard limits broken", "added", "lambda-max-duration: 1,200 s against a limit of 900 s"),
            Difference("Monthly cost", "changed", "$8.55 → $20.00"),
            Difference("Checklist", "added", "Set Retry on tasks"),
        ])

    def test_small_score_moves_are_not_news(self):
        after = rec(recommendations=[{"pattern": "sqs-worker", "score": 0.72, "reasons": []},
                                     {"pattern": "eventbridge", "score": 0.4, "reasons": []}])
        self.assertEqual(compare_recommendations(rec(), after), [])

    def test_a_fixed_limit_and_a_removed_risk(self):
        before = rec(limits=[{"id": "sqs-message-size", "ok": False, "value": 2048, "limit": 1024, "unit": "KB",
                              "message": ""}])
        after = rec(warnings=[], limits=[])
        self.assertEqual(compare_recommendations(before, after), [
            Difference("Risks", "removed", "poison-message on sqs-worker (high)"),
            Difference("Hard limits broken", "removed", "sqs-message-size is no longer broken"),
        ])

    def test_a_changed_limit_value_is_reported(self):
        after = rec(limits=[{"id": "lambda-max-duration", "ok": True, "value": 30, "limit": 1000, "unit": "s",
                             "message": ""}])
        self.assertEqual(compare_recommendations(rec(), after),
                         [Difference("Hard limits", "changed", "lambda-max-duration: limit 900 → 1,000 s")])


class DiffRevisionsTestCase(SimpleTestCase):
    def snapshot(self, answers, patterns, follows=True, recommendation=None):
        return {"answers": answers, "patterns": patterns, "follows_recommendation": follows,
                "recommendation": recommendation or rec()}

    def test_it_lists_answers_patterns_and_outcome(self):
        before = self.snapshot({"trigger": "queue", "client_waits": False, "downstream_max_rps": None}, ["sqs-worker"])
        after = self.snapshot({"trigger": "queue", "client_waits": True, "downstream_max_rps": 50.0, "steps": 3},
                              ["sqs-worker", "step-functions"], follows=False,
                              recommendation=rec(cost={"monthly_usd": 9, "lines": []}))
        self.assertEqual(diff_revisions(before, after, NAMES), [
            Difference("Answers", "changed", "client_waits: No → Yes"),
            Difference("Answers", "changed", "downstream_max_rps: not set → 50"),
            Difference("Answers", "added", "steps: 3"),
            Difference("Chosen patterns", "added", "Step Functions"),
            Difference("Chosen patterns", "changed", "Pattern set is now hand-picked"),
            Difference("Monthly cost", "changed", "$8.55 → $9.00"),
        ])

    def test_with_the_catalogue_every_line_reads_in_its_words(self):
        words = words_for(load_files())
        before = self.snapshot({"trigger": "queue", "client_waits": False, "payload_kb": 4}, ["sqs-worker"])
        after = self.snapshot(
            {"trigger": "event", "client_waits": True, "payload_kb": 2048}, ["sqs-worker"],
            recommendation=rec(
                recommendations=[{"pattern": "sqs-worker", "score": 0.83, "reasons": []}],
                warnings=[{"id": "event-schema-drift", "severity": "medium", "pattern": "eventbridge", "message": "m"}],
                limits=[{"id": "lambda-concurrency", "ok": False, "value": 3000, "limit": 1000, "unit": "count",
                         "message": ""}]))
        texts = [line.text for line in diff_revisions(before, after, words)]
        self.assertEqual(texts, [
            "What starts one unit of work? A message or job put on a queue → A business event another system publishes",
            "Does the caller wait for the result? No → Yes",
            "Size of one request or message: 4 KB → 2,048 KB",
            "Lambda + SQS worker fit 70% → 83%",
            "Lambda + EventBridge no longer fits",
            "Event shape changes break consumers silently on Lambda + EventBridge (medium)",
            "Unprocessable messages are retried over and over on Lambda + SQS worker (high)",
            "Lambda concurrent executions per Region (default quota): 3,000 against a limit of 1,000",
        ])

    def test_identical_revisions_have_no_differences(self):
        snapshot = self.snapshot({"trigger": "http"}, ["api-gateway-lambda"])
        self.assertEqual(diff_revisions(snapshot, snapshot), [])

    def test_removed_answer_keys_are_listed(self):
        self.assertEqual(diff_answers({"colour": "blue", "latency_ms": 1500.5}, {}), [
            Difference("Answers", "removed", "colour: blue"),
            Difference("Answers", "removed", "latency_ms: 1,500.5"),
        ])

    def test_grouped_keeps_section_order(self):
        lines = [Difference("B", "added", "1"), Difference("A", "added", "2"), Difference("B", "removed", "3")]
        self.assertEqual([section for section, _ in grouped(lines)], ["B", "A"])
