"""Records a Kinesis stream turns away are seen: producers are throttled once they exceed the
shards' write rate, and a record not retried by its producer is lost without a trace in Lambda's
own metrics (the consumer never sees it)."""

import pytest

from gencheck import generate, load_template


@pytest.mark.parametrize("patterns", [["kinesis-stream"], ["api-gateway-lambda", "kinesis-stream"]])
def test_records_the_stream_refuses_raise_an_alarm(patterns):
    resources = load_template(generate(patterns, name="clicks", trigger="event", client_waits=False,
                                       peak_rps=1500)["clicks/template.yaml"])["Resources"]
    alarms = [r["Properties"] for r in resources.values() if r["Type"] == "AWS::CloudWatch::Alarm"
              and r["Properties"]["Namespace"] == "AWS/Kinesis"]
    throttled = [a for a in alarms if a["MetricName"] == "WriteProvisionedThroughputExceeded"]
    assert len(throttled) == 1, alarms
    alarm = throttled[0]
    assert alarm["Dimensions"] == [{"Name": "StreamName", "Value": {"Ref": "EventStream"}}]
    assert alarm["Statistic"] == "Sum" and alarm["Threshold"] == 0 and alarm["ComparisonOperator"] == "GreaterThanThreshold"
    assert alarm["AlarmActions"] == [{"Ref": "AlarmTopic"}]
