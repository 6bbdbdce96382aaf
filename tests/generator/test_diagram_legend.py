"""Diagrams a reader can decode: a glyph (shape) per component kind, and a legend naming them and the arrows."""

import re

import pytest

import generator
from generator import diagram
from generator.build import compose_checked
from gencheck import answers

needs_graphviz = pytest.mark.skipif(not generator.dot_available(), reason="Graphviz not installed")


def selection(*patterns):
    return generator.Selection(patterns=patterns, answers=answers(), name="order-pipeline")


def test_every_component_kind_has_a_glyph_of_its_own():
    shapes = [(style[1], kind == "function") for kind, style in diagram.STYLES.items()]
    assert len(set(shapes)) == len(diagram.STYLES)
    looks = [(style, head) for style, _, head in diagram.CONNECTION_STYLES.values()]
    assert len(set(looks)) == len(diagram.CONNECTION_STYLES)


def test_the_legend_lists_the_kinds_drawn_and_no_others():
    source = diagram.architecture_dot(selection("api-gateway-lambda", "sqs-worker"))
    architecture = compose_checked(selection("api-gateway-lambda", "sqs-worker").validated()).architecture
    components, connections = diagram.legend_kinds(architecture)
    assert "function" in components and "queue" in components and "stream" not in components
    assert "failure" in connections
    assert "subgraph cluster_legend" in source and 'label=Legend' in source
    for kind in components:
        name = diagram.STYLES[kind][0] or diagram.LEGEND_NAMES[kind]
        assert re.search(rf'legend_{kind.replace("-", "_")} \[label="?{name}"? ', source)
    for kind in connections:
        assert re.search(rf"legend_{kind}_from -> legend_{kind}_to \[label={kind}\b", source)
    assert "legend_stream" not in source


@needs_graphviz
def test_the_svg_shows_the_legend_named_components_and_edge_kinds():
    svg = diagram.architecture_svg(selection("api-gateway-lambda", "sqs-worker", "dynamodb-streams")).decode()
    legend = svg[svg.index("cluster_legend"):]
    assert ">Legend<" in legend
    for text in ("API Gateway", "Lambda", "SQS DLQ", "DynamoDB", ">poll<", ">failure<", ">write<"):
        assert text in legend
    # Components are named, and each edge carries its kind.
    assert ">Work queue<" in svg and "failure: " in svg and "poll: " in svg
    assert "<script" not in svg


def test_the_legend_stacks_arrows_like_samples_so_it_stays_a_few_rows_tall():
    source = diagram.architecture_dot(selection(*generator.PATTERN_SLUGS))
    legend = source[source.index("subgraph cluster_legend"):]
    columns = [column.split() for column in re.findall(r"\{\s*rank=same\s([^}]*)\}", legend)]
    arrows = [node for column in columns for node in column if node.endswith("_from")]
    assert len(arrows) == len(diagram.CONNECTION_STYLES) > diagram.LEGEND_ROWS  # every arrow, more than a column
    assert max(len(column) for column in columns) == diagram.LEGEND_ROWS
