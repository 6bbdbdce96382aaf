"""Architecture diagrams: DOT (graphviz package), SVG/PNG via `dot`, and Mermaid text."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass

import graphviz

from generator.patterns import MODULES
from generator.project import Project

# service -> (caption, DOT shape, fill, font colour, Mermaid shape open/close)
STYLES: dict[str, tuple[str, str, str, str, tuple[str, str]]] = {
    "apigw": ("API Gateway", "invhouse", "#8C4FFF", "white", ("[/", "\\]")),
    "lambda": ("Lambda", "box", "#ED7100", "white", ("(", ")")),
    "sqs": ("SQS", "cds", "#E7157B", "white", (">", "]")),
    "dlq": ("SQS DLQ", "cds", "#FADBE7", "#7A0E3E", (">", "]")),
    "sns": ("SNS", "ellipse", "#E7157B", "white", ("((", "))")),
    "eventbridge": ("EventBridge", "hexagon", "#E7157B", "white", ("{{", "}}")),
    "stepfunctions": ("Step Functions", "component", "#E7157B", "white", ("[[", "]]")),
    "s3": ("S3", "folder", "#7AA116", "white", ("[(", ")]")),
    "dynamodb": ("DynamoDB", "cylinder", "#C925D1", "white", ("[(", ")]")),
    "rds": ("RDS Proxy", "cylinder", "#2E73B8", "white", ("[(", ")]")),
    "secrets": ("Secrets Manager", "note", "#DD344C", "white", ("[", "]")),
    "schedule": ("EventBridge Scheduler", "hexagon", "#F5B3CF", "#5A0B2E", ("{{", "}}")),
    "external": ("", "box", "#EEEEEE", "#232F3E", ("[", "]")),
}


@dataclass(frozen=True)
class Drawing:
    dot: str
    mermaid: str


def _groups(project: Project) -> dict[str, str]:
    titles = {slug: MODULES[slug].TITLE for slug in project.selection.patterns}
    titles["shared"] = "Shared"
    return titles


def _label(node) -> str:
    caption = STYLES[node.service][0]
    return f"{caption}\n{node.label}" if caption else node.label


def _visible_edges(project: Project):
    seen = set()
    for edge in project.edges:
        key = (edge.src, edge.dst, edge.label)
        if edge.src in project.nodes and edge.dst in project.nodes and key not in seen:
            seen.add(key)
            yield edge


def draw(project: Project) -> Drawing:
    return Drawing(_dot(project), _mermaid(project))


def _dot(project: Project) -> str:
    graph = graphviz.Digraph("architecture", graph_attr={
        "rankdir": "LR", "fontname": "Helvetica", "fontsize": "12", "labelloc": "t",
        "label": f"{project.name}", "nodesep": "0.35", "ranksep": "0.7", "newrank": "true",
        "bgcolor": "white",
    }, node_attr={"fontname": "Helvetica", "fontsize": "10", "style": "filled", "penwidth": "1"},
        edge_attr={"fontname": "Helvetica", "fontsize": "9", "color": "#444444"})
    groups = _groups(project)
    by_group: dict[str, list] = {}
    for node in project.nodes.values():
        by_group.setdefault(node.group, []).append(node)

    def add_node(g, node):
        _, shape, fill, font, _ = STYLES[node.service]
        style = "rounded,filled" if node.service == "lambda" else "filled"
        if node.service == "dlq":
            style = "filled,dashed"
        g.node(node.id, _label(node), shape=shape, fillcolor=fill, fontcolor=font, style=style)

    for group in [*project.selection.patterns, "shared"]:
        if group not in by_group:
            continue
        with graph.subgraph(name=f"cluster_{group.replace('-', '_')}") as cluster:
            cluster.attr(label=groups[group], style="rounded,dashed", color="#8A8A8A", fontcolor="#232F3E")
            for node in by_group[group]:
                add_node(cluster, node)
    for node in by_group.get("external", []):
        add_node(graph, node)
    for edge in _visible_edges(project):
        attrs = {"label": edge.label}
        if edge.failure:
            attrs.update(style="dashed", color="#C7131F", fontcolor="#C7131F")
        graph.edge(edge.src, edge.dst, **attrs)
    return graph.source


def _mermaid(project: Project) -> str:
    groups = _groups(project)
    lines = ["flowchart LR"]
    by_group: dict[str, list] = {}
    for node in project.nodes.values():
        by_group.setdefault(node.group, []).append(node)

    def node_line(node) -> str:
        opening, closing = STYLES[node.service][4]
        text = _label(node).replace("\n", "<br/>")
        return f'{node.id}{opening}"{text}"{closing}:::{node.service}'

    for node in by_group.get("external", []):
        lines.append(f"    {node_line(node)}")
    for group in [*project.selection.patterns, "shared"]:
        if group not in by_group:
            continue
        lines.append(f'    subgraph {group.replace("-", "_")}["{groups[group]}"]')
        for node in by_group[group]:
            lines.append(f"        {node_line(node)}")
        lines.append("    end")
    for edge in _visible_edges(project):
        arrow = "-.->" if edge.failure else "-->"
        lines.append(f'    {edge.src} {arrow}|"{edge.label}"| {edge.dst}')
    for service, (_, _, fill, font, _) in STYLES.items():
        lines.append(f"    classDef {service} fill:{fill},color:{font},stroke:#232F3E")
    return "\n".join(lines) + "\n"


def dot_available() -> bool:
    return shutil.which("dot") is not None


def render_images(dot_source: str, timeout_s: float = 30) -> dict[str, bytes] | None:
    """SVG and PNG rendered by two concurrent `dot` processes; None when Graphviz is missing or fails.

    PNG rasterisation is most of the cost, so it runs at 72 dpi, in parallel with the SVG.
    """
    executable = shutil.which("dot")
    if not executable:
        return None
    source = dot_source.encode("utf-8")
    formats = {"architecture.svg": ["-Tsvg"], "architecture.png": ["-Gdpi=72", "-Tpng"]}
    processes = {}
    try:
        for name, args in formats.items():
            processes[name] = subprocess.Popen([executable, *args], stdin=subprocess.PIPE,
                                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        images = {}
        for name, process in processes.items():
            output, _ = process.communicate(source, timeout=timeout_s)
            if process.returncode != 0 or not output:
                return None
            images[name] = output
        return images
    except (OSError, subprocess.SubprocessError):
        for process in processes.values():
            process.kill()
        return None
