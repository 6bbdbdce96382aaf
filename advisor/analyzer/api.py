"""POST /analyze/api/ {"template": "..."} -> the analysis JSON (SPEC 4.4).

Open to anyone, like the page, so it is throttled: per client address for anonymous
callers, per account otherwise.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ParseError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from advisor.api.parsers import BoundedJSONParser
from advisor.diagrams import architecture_svg, marking_of
from advisor.throttling import AccountThrottle, AnonymousClientThrottle
from architecture import COMPONENT_KINDS, CONNECTION_KINDS
from pattern_library import registry
from analyzer import FINDING_IDS, MAX_TEMPLATE_BYTES, TemplateError, analyze
from analyzer.marks import marks_of
from patterns.catalogue import SEVERITIES
from patterns.store import current_engine

# JSON escaping can make a 1 MB template up to six times longer on the wire.
MAX_BODY_BYTES = 6 * MAX_TEMPLATE_BYTES + 1024


class AnalyzeAnonThrottle(AnonymousClientThrottle):
    scope = "analyze-anon"


class AnalyzeUserThrottle(AccountThrottle):
    scope = "analyze-user"


class TemplateInput(serializers.Serializer):
    template = serializers.CharField(
        trim_whitespace=False,
        help_text=f"The template text: YAML (short tags like !Ref allowed) or JSON, up to {MAX_TEMPLATE_BYTES // 1024} KB.")


class FindingOutput(serializers.Serializer):
    id = serializers.ChoiceField(choices=FINDING_IDS)
    severity = serializers.ChoiceField(choices=SEVERITIES)
    resource = serializers.CharField(help_text="Logical id of the resource to change.")
    line = serializers.IntegerField(allow_null=True, min_value=1,
                                    help_text="Line (from 1) of the resource, or of its property concerned, in the "
                                              "template as sent; null when it cannot be told.")
    title = serializers.CharField(help_text="The finding's title, as the catalogue words it.")
    message = serializers.CharField(help_text="Why it matters and what to do: the explanation, then the fix.")
    explanation = serializers.CharField(help_text="What is wrong on this resource and why it matters.")
    fix = serializers.CharField(help_text="What to change.")
    rule_ids = serializers.ListField(child=serializers.CharField(),
                                     help_text="The equivalent serverless-rules ids (e.g. ES6000), where there are any.")


class ComponentOutput(serializers.Serializer):
    id = serializers.CharField(help_text="Logical id in the template (or of the parameter standing for it).")
    kind = serializers.ChoiceField(choices=COMPONENT_KINDS)
    name = serializers.CharField(help_text="Short name, e.g. billing for BillingQueue.")
    pattern = serializers.CharField(allow_null=True)
    label = serializers.CharField(required=False)


# "from" is a Python keyword, so this serializer is built from a mapping of its fields.
EdgeOutput = type("EdgeOutput", (serializers.Serializer,), {
    "from": serializers.CharField(help_text="Id of the component it starts from."),
    "to": serializers.CharField(help_text="Id of the component it reaches."),
    "kind": serializers.ChoiceField(choices=CONNECTION_KINDS),
    "label": serializers.CharField(required=False),
    "__module__": __name__,
})


class ArchitectureOutput(serializers.Serializer):
    version = serializers.IntegerField()
    components = ComponentOutput(many=True)
    edges = EdgeOutput(many=True)


class MarkedComponentOutput(serializers.Serializer):
    id = serializers.CharField(help_text="Id of the component.")
    findings = serializers.ListField(child=serializers.CharField(), help_text="Ids of the findings it carries.")


MarkedEdgeOutput = type("MarkedEdgeOutput", (serializers.Serializer,), {
    "from": serializers.CharField(),
    "to": serializers.CharField(),
    "kind": serializers.CharField(help_text="The edge's kind, as in the architecture's edges."),
    "findings": serializers.ListField(child=serializers.CharField(), help_text="Ids of the findings it carries."),
    "__module__": __name__,
})


class MarksOutput(serializers.Serializer):
    components = MarkedComponentOutput(many=True)
    edges = MarkedEdgeOutput(many=True)


class AnalysisOutput(serializers.Serializer):
    patterns = serializers.ListField(child=serializers.ChoiceField(choices=registry.slugs()))
    resources = serializers.IntegerField(help_text="Number of resources the template declares.")
    findings = FindingOutput(many=True)
    architecture = ArchitectureOutput(help_text="The components the template declares and how they are "
                                                "connected; systems outside the stack that feed "
                                                "it appear as one external component, Producers.")
    marks = MarksOutput(help_text="The components and edges of the architecture that carry findings, with "
                                  "the ids of those findings: what the drawing outlines.")
    diagram = serializers.CharField(required=False, allow_null=True,
                                    help_text="With ?diagram=svg: the architecture drawn as SVG, its marked parts "
                                              "outlined; null when it is not drawn (too many components, or no "
                                              "Graphviz on the server).")


class ErrorOutput(serializers.Serializer):
    error = serializers.CharField()


def _content_length(request: Request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def bad_input(message: str) -> Response:
    return Response({"error": message}, status=400)


class AnalyzeView(APIView):
    """Report the patterns a SAM/CloudFormation template uses and the risks it carries."""

    permission_classes = [AllowAny]
    parser_classes = [BoundedJSONParser]
    throttle_classes = [AnalyzeAnonThrottle, AnalyzeUserThrottle]

    @extend_schema(
        operation_id="analyze_template",
        request=TemplateInput,
        responses={
            200: AnalysisOutput,
            400: OpenApiResponse(ErrorOutput, description="Not a template we can read: not YAML/JSON, too large, "
                                                          "nested too deeply, no Resources, YAML aliases or merge "
                                                          "keys, a key repeated in one mapping, more resources "
                                                          "than the cap, or over the time one analysis may take."),
            429: OpenApiResponse(description="Too many requests; retry after the time in Retry-After."),
        },
        parameters=[OpenApiParameter("diagram", str, enum=["svg"], required=False,
                                     description="svg: also return the architecture drawn, in `diagram`.")],
        examples=[OpenApiExample("SQS worker", request_only=True, value={"template": (
            "Transform: AWS::Serverless-2016-10-31\nResources:\n  Jobs:\n    Type: AWS::SQS::Queue\n"
            "  Worker:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: app.handler\n"
            "      Runtime: python3.13\n      Events:\n        Queue:\n          Type: SQS\n"
            "          Properties:\n            Queue: !GetAtt Jobs.Arn\n")})],
    )
    def post(self, request: Request) -> Response:
        if _content_length(request) > MAX_BODY_BYTES:
            return bad_input(f"Too large: the template is over {MAX_TEMPLATE_BYTES // 1024:,} KB, "
                             "more than CloudFormation accepts.")
        try:
            data = request.data
        except ParseError as exc:
            return bad_input(str(exc.detail))
        text = data.get("template") if isinstance(data, dict) else None
        if not isinstance(text, str):
            return bad_input('Send a JSON object with the template text in "template".')
        try:
            analysis = analyze(text, catalogue=current_engine().catalogue)
        except TemplateError as exc:
            return bad_input(str(exc))
        marks = marks_of(analysis.architecture, analysis.findings)
        data = {**analysis.to_dict(), "marks": marks.to_dict()}
        if request.query_params.get("diagram") == "svg":
            svg = architecture_svg(analysis.architecture, "Your template", marking_of(marks))
            data["diagram"] = svg.decode() if svg else None
        return Response(data)
