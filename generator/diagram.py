"""Architecture diagrams: DOT (graphviz package), SVG/PNG drawn by Graphviz, and Mermaid text."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass, field
from typing import Mapping, Sequence

import graphviz

from generator import graphviz_lib
from architecture import Architecture, Component, Connection
from generator.composition import Composition
from pattern_library import registry

logger = logging.getLogger(__name__)

# component kind -> (caption, DOT shape, fill, font colour, Mermaid shape open/close).
# Each kind has a shape of its own (its glyph), so a reader tells kinds apart without colour;
# the legend drawn beside every diagram names them.
STYLES: dict[str, tuple[str, str, str, str, tuple[str, str]]] = {
    "api": ("API Gateway", "invhouse", "#8C4FFF", "white", ("[/", "\\]")),
    "function": ("Lambda", "box", "#ED7100", "white", ("(", ")")),
    "queue": ("SQS", "cds", "#E7157B", "white", (">", "]")),
    "dlq": ("SQS DLQ", "octagon", "#FADBE7", "#7A0E3E", (">", "]")),
    "topic": ("SNS", "ellipse", "#E7157B", "white", ("((", "))")),
    "event-bus": ("EventBridge", "hexagon", "#E7157B", "white", ("{{", "}}")),
    "state-machine": ("Step Functions", "component", "#E7157B", "white", ("[[", "]]")),
    "bucket": ("S3", "folder", "#7AA116", "white", ("[(", ")]")),
    "table": ("DynamoDB", "cylinder", "#C925D1", "white", ("[(", ")]")),
    "stream": ("Kinesis", "rarrow", "#8C4FFF", "white", (">", "]")),
    "delivery-stream": ("Firehose", "rpromoter", "#8C4FFF", "white", (">", "]")),
    "database": ("RDS", "box3d", "#2E73B8", "white", ("[(", ")]")),
    "db-proxy": ("RDS Proxy", "trapezium", "#2E73B8", "white", ("[(", ")]")),
    "secret": ("Secrets Manager", "note", "#DD344C", "white", ("[", "]")),
    "schedule": ("EventBridge Scheduler", "pentagon", "#F5B3CF", "#5A0B2E", ("{{", "}}")),
    "client": ("", "invtrapezium", "#EEEEEE", "#232F3E", ("[", "]")),
    "external": ("", "parallelogram", "#EEEEEE", "#232F3E", ("[", "]")),
}
# What the legend calls the kinds drawn without a service caption.
LEGEND_NAMES = {"client": "Caller", "external": "Outside system"}
# How each connection kind is drawn: (DOT style, colour, arrowhead); the kind is part of the label.
CONNECTION_STYLES: dict[str, tuple[str, str, str]] = {
    "invoke": ("solid", "#232F3E", "normal"), "event": ("solid", "#6B3FA0", "vee"),
    "poll": ("dashed", "#444444", "normal"), "start": ("bold", "#232F3E", "normal"),
    "read": ("dotted", "#1F6F8B", "onormal"), "write": ("solid", "#1F6F8B", "box"),
    "publish": ("solid", "#9E1C5C", "diamond"), "failure": ("dashed", "#C7131F", "tee"),
}
OUTSIDE = ("client", "external")


@dataclass(frozen=True)
class Drawing:
    dot: str
    mermaid: str


def _groups(composition: Composition) -> dict[str, str]:
    titles = {slug: registry.get(slug).title for slug in composition.selection.patterns}
    titles["shared"] = "Shared"
    return titles


def _group(component: Component) -> str:
    if component.kind in OUTSIDE:
        return "outside"
    return component.pattern or "shared"


def _label(component: Component) -> str:
    caption = STYLES[component.kind][0]
    text = component.label or component.name
    return f"{caption}\n{text}" if caption else text


def _edge_label(connection: Connection) -> str:
    return f"{connection.kind}: {connection.label}" if connection.label else connection.kind


def draw(composition: Composition) -> Drawing:
    return Drawing(dot_source(composition), mermaid_source(composition))


def dot_source(composition: Composition) -> str:
    return architecture_dot_source(composition.architecture, composition.name, _groups(composition),
                                   [*composition.selection.patterns, "shared"])


def architecture_dot_source(architecture: Architecture, title: str, groups: Mapping[str, str] | None = None,
                            order: Sequence[str] = (), marks: Marking | None = None) -> str:
    """DOT of an architecture titled ``title``. With ``groups`` (pattern slug -> title, drawn in
    ``order``) each pattern's components sit in a dashed box; without, they are drawn loose.
    ``marks`` outlines the components and thickens the connections that carry findings."""
    marks = marks or Marking()
    graph = graphviz.Digraph("architecture", graph_attr={
        "rankdir": "LR", "fontname": "Helvetica", "fontsize": "12", "labelloc": "t",
        "label": f"{title}", "nodesep": "0.25", "ranksep": "0.5", "newrank": "true",
        "bgcolor": "white", "dpi": "72",
    }, node_attr={"fontname": "Helvetica", "fontsize": "10", "style": "filled", "penwidth": "1"},
        edge_attr={"fontname": "Helvetica", "fontsize": "9", "color": "#444444"})
    by_group: dict[str, list[Component]] = {}
    for component in architecture.components:
        by_group.setdefault(_group(component) if groups is not None else "loose", []).append(component)

    def add_node(g, component: Component):
        count = marks.components.get(component.id, 0)
        if count:
            g.node(component.id, f"{_label(component)}\n{MARK} {count} finding{'s' if count > 1 else ''}",
                   **_node_attributes(component.kind), **MARKED_NODE)
        else:
            g.node(component.id, _label(component), **_node_attributes(component.kind))

    for group in order if groups is not None else ():
        if group not in by_group:
            continue
        # The anonymous wrapper keeps clusters in the order they are declared: Graphviz orders
        # named subgraphs by the address of their names, which varies inside a long-lived process.
        with graph.subgraph() as wrapper, \
                wrapper.subgraph(name=f"cluster_{group.replace('-', '_')}") as cluster:
            cluster.attr(label=groups[group], style="rounded,dashed", color="#8A8A8A", fontcolor="#232F3E")
            for component in by_group[group]:
                add_node(cluster, component)
    for component in by_group.get("outside", []) + by_group.get("loose", []):
        add_node(graph, component)
    for connection in architecture.connections:
        style, colour, head = CONNECTION_STYLES[connection.kind]
        if (connection.source, connection.target, connection.kind) in marks.connections:
            graph.edge(connection.source, connection.target, label=f"{MARK} {_edge_label(connection)}",
                       style=style, color=f"{MARK_COLOUR}:{colour}:{MARK_COLOUR}", fontcolor=MARK_COLOUR,
                       arrowhead=head, penwidth="2")
        else:
            graph.edge(connection.source, connection.target, label=_edge_label(connection),
                       style=style, color=colour, fontcolor=colour, arrowhead=head)
    _add_legend(graph, architecture, marked=bool(marks.components or marks.connections))
    return graph.source


@dataclass(frozen=True)
class Marking:
    """What to mark on a drawing: findings per component id, and the connections
    (source, target, kind) that carry any."""

    components: Mapping[str, int] = field(default_factory=dict)
    connections: frozenset[tuple[str, str, str]] = frozenset()


# How a part carrying a finding is drawn: a thick dark red outline (a doubled line around a
# connection) and a warning sign with the count in its text, so it shows without colour too.
MARK = "\u26a0"
MARK_COLOUR = "#B00020"
MARKED_NODE = {"color": MARK_COLOUR, "penwidth": "4"}


LEGEND_ROWS = 4  # legend entries stacked in one column before the next column starts


def legend_kinds(architecture) -> tuple[list[str], list[str]]:
    """The component kinds and connection kinds an architecture draws, in the order they are declared."""
    components = {c.kind for c in architecture.components}
    connections = {e.kind for e in architecture.connections}
    return ([k for k in STYLES if k in components], [k for k in CONNECTION_STYLES if k in connections])


def _node_attributes(kind: str) -> dict[str, str]:
    _, shape, fill, font, _ = STYLES[kind]
    style = "rounded,filled" if kind == "function" else "filled"
    if kind == "dlq":
        style = "filled,dashed"
    return {"shape": shape, "fillcolor": fill, "fontcolor": font, "style": style}


def _add_legend(graph, architecture, marked: bool = False) -> None:
    """A "Legend" cluster: one sample of each component kind drawn, one arrow of each connection
    kind, and when parts are marked, a sample of each mark."""
    components, connections = legend_kinds(architecture)
    if not components and not connections:
        return
    entries: list[list[str]] = []  # columns of node ids, laid out left to right
    with graph.subgraph(name="cluster_legend") as legend:
        legend.attr(label="Legend", style="rounded", color="#BBBBBB", fontcolor="#232F3E", fontsize="11")
        samples = []
        for kind in components:
            node = f"legend_{kind.replace('-', '_')}"
            attributes = _node_attributes(kind)
            attributes.update(fontsize="9", margin="0.05,0.02", height="0.3")
            legend.node(node, STYLES[kind][0] or LEGEND_NAMES.get(kind, kind), **attributes)
            samples.append(node)
        arrows = []  # (start, end) point pairs, one per arrow drawn
        for kind in connections:
            style, colour, head = CONNECTION_STYLES[kind]
            start, end = f"legend_{kind}_from", f"legend_{kind}_to"
            legend.node(start, "", shape="point", width="0.06", color=colour)
            legend.node(end, "", shape="point", width="0.06", color=colour)
            legend.edge(start, end, label=kind, style=style, color=colour, fontcolor=colour, arrowhead=head,
                        fontsize="9")
            arrows.append((start, end))
        if marked:
            legend.node("legend_marked", f"{MARK} has a finding", shape="box", style="filled", fillcolor="white",
                        fontcolor="#232F3E", fontsize="9", margin="0.05,0.02", height="0.3", **MARKED_NODE)
            samples.append("legend_marked")
            start, end = "legend_marked_from", "legend_marked_to"
            legend.node(start, "", shape="point", width="0.06", color=MARK_COLOUR)
            legend.node(end, "", shape="point", width="0.06", color=MARK_COLOUR)
            legend.edge(start, end, label=f"{MARK} carries a finding", color=f"{MARK_COLOUR}:#444444:{MARK_COLOUR}",
                        fontcolor=MARK_COLOUR, penwidth="2", fontsize="9")
            arrows.append((start, end))
        # Arrows stack like the samples, LEGEND_ROWS to a column, so the legend is no taller than a
        # column of samples: each row it adds runs the whole width of the picture, and drawing the PNG
        # costs in proportion to its area (one column of eight arrows made the picture a fifth larger).
        for index in range(0, len(samples), LEGEND_ROWS):
            entries.append(samples[index:index + LEGEND_ROWS])
        for index in range(0, len(arrows), LEGEND_ROWS):
            column = arrows[index:index + LEGEND_ROWS]
            entries.append([start for start, _ in column])
            entries.append([end for _, end in column])
        for column in entries:
            with legend.subgraph() as same:
                same.attr(rank="same")
                for node in column:
                    same.node(node)
        for left, right in zip(entries, entries[1:]):
            if (left[0], right[0]) not in arrows:  # an arrow already keeps those two columns in order
                legend.edge(left[0], right[0], style="invis")


def mermaid_source(composition: Composition) -> str:
    architecture = composition.architecture
    groups = _groups(composition)
    lines = ["flowchart LR"]
    by_group: dict[str, list[Component]] = {}
    for component in architecture.components:
        by_group.setdefault(_group(component), []).append(component)

    def node_line(component: Component) -> str:
        opening, closing = STYLES[component.kind][4]
        text = _label(component).replace("\n", "<br/>")
        return f'{component.id}{opening}"{text}"{closing}:::{component.kind.replace("-", "_")}'

    for component in by_group.get("outside", []):
        lines.append(f"    {node_line(component)}")
    for group in [*composition.selection.patterns, "shared"]:
        if group not in by_group:
            continue
        lines.append(f'    subgraph {group.replace("-", "_")}["{groups[group]}"]')
        for component in by_group[group]:
            lines.append(f"        {node_line(component)}")
        lines.append("    end")
    for connection in architecture.connections:
        arrow = "-.->" if connection.kind == "failure" else "-->"
        lines.append(f'    {connection.source} {arrow}|"{_edge_label(connection)}"| {connection.target}')
    for kind, (_, _, fill, font, _) in STYLES.items():
        lines.append(f"    classDef {kind.replace('-', '_')} fill:{fill},color:{font},stroke:#232F3E")
    return "\n".join(lines) + "\n"


# The PNG first: it is most of the work, and the SVG costs little once the layout is done.
IMAGE_FORMATS = {"architecture.png": "png", "architecture.svg": "svg"}


def backend() -> str | None:
    """How diagrams are drawn here: "library" (libgvc in process), "dot" (a process each) or None."""
    if graphviz_lib.library() is not None:
        return "library"
    if shutil.which("dot"):
        return "dot"
    return None


def dot_available() -> bool:
    return backend() is not None


class Rendering:
    """SVG and PNG of one diagram, drawn from the moment this is created.

    The generator starts it as soon as the architecture is composed and collects it after the
    rest of the project is templated, so the drawing runs on another core in the meantime:
    in process through libgvc on a thread (see graphviz_lib), or else in a `dot` process.
    """

    def __init__(self, dot_source: str, timeout_s: float = 30, how: str | None = None,
                 formats: dict[str, str] | None = None) -> None:
        self.timeout_s = timeout_s
        self.formats = dict(formats or IMAGE_FORMATS)  # file name -> Graphviz output format
        self.how = how if how is not None else backend()
        self._source = dot_source.encode("utf-8")
        self._images: dict[str, bytes] | None = None
        self._thread: threading.Thread | None = None
        self._process: subprocess.Popen | None = None
        self._folder: tempfile.TemporaryDirectory | None = None
        if self.how == "library":
            longest_call = threading.Event()
            self._thread = threading.Thread(target=self._draw_in_process, args=(longest_call,),
                                            name="diagram", daemon=True)
            self._thread.start()
            # After each C call the thread needs the GIL back, and the caller holds it while it
            # templates: the thread waits until the caller blocks, or up to the 5 ms switch
            # interval. So only one C call overlaps the templating, and it should be the longest:
            # the caller waits until the thread starts it (see graphviz_lib.Library.render).
            longest_call.wait(2.0)
        elif self.how == "dot":
            self._start_dot()

    def _draw_in_process(self, longest_call: threading.Event) -> None:
        try:
            library = graphviz_lib.library()
            images = library.render(self._source, tuple(self.formats.values()), self.timeout_s, longest_call) \
                if library else None
            if images:
                self._images = {name: images[fmt] for name, fmt in self.formats.items()}
            elif library:
                logger.warning("Graphviz could not draw the diagram in process; trying a dot process")
        except Exception:  # a diagram is never worth failing a generation for; `dot` may still manage
            logger.warning("Drawing the diagram in process failed; trying a dot process", exc_info=True)
            self._images = None
        finally:
            longest_call.set()

    def _start_dot(self) -> None:
        executable = shutil.which("dot")
        if not executable:
            return
        try:
            self._folder = tempfile.TemporaryDirectory(prefix="diagram-")
            outputs = []
            if "png" in self.formats.values():
                # The pad libgvc sets between layout and render (see graphviz_lib.whole_pixel_pad)
                # needs the laid-out size here too: a first `dot` gives it, so both draw alike.
                measured = subprocess.run([executable, "-Tsvg"], input=self._source, capture_output=True,
                                          timeout=self.timeout_s, check=True).stdout
                outputs.append(f"-Gpad={graphviz_lib.whole_pixel_pad(measured)}")
            for name, fmt in self.formats.items():  # one process, one layout, every format
                outputs += [f"-T{fmt}", "-o", os.path.join(self._folder.name, name)]
            self._process = subprocess.Popen([executable, *outputs], stdin=subprocess.PIPE,
                                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            # A diagram is a few kilobytes, well inside a pipe's buffer: this does not block.
            self._process.stdin.write(self._source)
            self._process.stdin.close()
        except (OSError, subprocess.SubprocessError):
            self.close()

    def _collect_dot(self) -> dict[str, bytes] | None:
        if self._process is None:
            return None
        try:
            if self._process.wait(self.timeout_s) != 0:
                return None
            images = {}
            for name in self.formats:
                with open(os.path.join(self._folder.name, name), "rb") as handle:
                    images[name] = handle.read()
            return images if all(images.values()) else None
        except (OSError, subprocess.TimeoutExpired):
            return None

    def result(self) -> dict[str, bytes] | None:
        """{"architecture.png": ..., "architecture.svg": ...}, or None when Graphviz is missing or failed."""
        try:
            if self._thread is not None:
                self._thread.join(self.timeout_s + 5)
                if self._images is None and not self._thread.is_alive() and shutil.which("dot"):
                    self._start_dot()  # the library failed on this graph: a fresh process may not
                elif self._images is not None:
                    return self._images
            return self._collect_dot()
        finally:
            self.close()

    def close(self) -> None:
        """Stop a `dot` process still running and remove its files."""
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        self._process = None
        if self._folder is not None:
            self._folder.cleanup()
            self._folder = None


def architecture_dot(selection) -> str:
    """The DOT source of a selection's diagram; GenerationError for a selection that cannot be generated."""
    from generator.build import compose_checked  # build imports this module

    return dot_source(compose_checked(selection.validated()))


def render_svg(source: str) -> bytes | None:
    """SVG of a DOT source drawn here and now; None without Graphviz or when drawing failed."""
    images = Rendering(source, formats={"architecture.svg": "svg"}).result()
    return images["architecture.svg"] if images else None


def exit_with_parent() -> None:
    """For a drawing worker process: end it as soon as the process that asked for it is gone.

    A web process that is killed runs no clean-up, and its idle workers would wait forever.
    """
    import multiprocessing
    import multiprocessing.connection

    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(0)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def architecture_svg(selection) -> bytes | None:
    """The diagram of a selection as SVG alone, for showing an architecture without generating it.

    Raises GenerationError for a selection that cannot be generated; None without Graphviz.
    """
    return render_svg(architecture_dot(selection))
