"""Diagram rendering: libgvc in process or a `dot` process, overlapped with templating, deterministic."""

import glob
import io
import os
import re
import tempfile
import threading
import zipfile

import pytest
from PIL import Image, ImageChops

import generator
from generator import diagram, graphviz_lib
from generator.build import compose
from gencheck import answers

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
needs_dot = pytest.mark.skipif(not diagram.shutil.which("dot"), reason="Graphviz `dot` not installed")
needs_library = pytest.mark.skipif(graphviz_lib.library() is None, reason="libgvc not installed")
BACKENDS = [pytest.param("library", marks=needs_library), pytest.param("dot", marks=needs_dot)]


def dot_source(patterns=("sqs-worker",), name="orders"):
    selection = generator.Selection(patterns=tuple(patterns), answers=answers(), name=name).validated()
    return diagram.draw(compose(selection)).dot


def png_size(png: bytes) -> tuple[int, int]:
    assert png.startswith(PNG_SIGNATURE)
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


@pytest.mark.parametrize("how", BACKENDS)
def test_it_draws_an_svg_and_a_png_of_the_architecture(how):
    images = diagram.Rendering(dot_source(), how=how).result()
    assert set(images) == {"architecture.svg", "architecture.png"}
    svg = images["architecture.svg"].decode()
    assert svg.lstrip().startswith("<?xml") and "</svg>" in svg
    assert "Work queue" in svg and ">orders<" in svg  # node labels and the project name as title
    width, height = png_size(images["architecture.png"])
    assert 200 < width < 4000 and 100 < height < 3000


@needs_dot
def test_a_ten_pattern_png_keeps_one_pixel_per_point_so_labels_stay_legible():
    png = diagram.Rendering(dot_source(generator.PATTERN_SLUGS)).result()["architecture.png"]
    width, height = png_size(png)
    assert width > 1500 and height > 500  # wider than a screen: never shrunk to fit


@needs_library
@needs_dot
def test_in_process_drawings_match_a_fresh_dot_process_whatever_was_drawn_before():
    # Graphviz orders named subgraphs by where their names sit in memory; without the
    # anonymous wrappers a long-lived process lays the same graph out differently over time.
    ten = dot_source(generator.PATTERN_SLUGS)
    fresh = diagram.Rendering(ten, how="dot").result()
    others = [dot_source(), dot_source(("rds", "s3-processing"), name="other"),
              dot_source(("sns-fanout", "eventbridge", "chaining"), name="third")]
    for other in others * 2:
        diagram.Rendering(other, how="library").result()
        drawn = diagram.Rendering(ten, how="library").result()
        # The SVG records the layout; the PNGs are encoded differently (see generator/png.py).
        assert drawn["architecture.svg"] == fresh["architecture.svg"]
        assert png_size(drawn["architecture.png"]) == png_size(fresh["architecture.png"])


def pixels_apart(first: bytes, second: bytes) -> float:
    """The share of pixels whose colour differs by more than a faint anti-aliasing shade."""
    one, two = (Image.open(io.BytesIO(png)).convert("RGB") for png in (first, second))
    assert one.size == two.size
    difference = ImageChops.difference(one, two).convert("L").point(lambda level: 255 if level > 48 else 0)
    return difference.histogram()[255] / (one.width * one.height)


@needs_library
@needs_dot
@pytest.mark.parametrize("patterns", [("sqs-worker",), ("api-gateway-lambda", "rds"), tuple(generator.PATTERN_SLUGS)])
def test_the_png_painted_in_process_is_the_picture_graphviz_draws_itself(patterns):
    # In process Graphviz paints into our own pixels and generator/png.py encodes them; a `dot`
    # process writes its PNG through libpng. Text may be smoothed a shade differently, nothing more:
    # a blank, shifted or cropped picture would differ in a large share of its pixels.
    source = dot_source(patterns)
    ours = diagram.Rendering(source, how="library").result()
    theirs = diagram.Rendering(source, how="dot").result()
    image = Image.open(io.BytesIO(ours["architecture.png"]))
    image.verify()  # chunk lengths and checksums
    assert image.mode == "RGB"
    assert pixels_apart(ours["architecture.png"], theirs["architecture.png"]) < 0.005
    width, height = (int(value) for value in
                     re.search(r'<svg width="(\d+)pt" height="(\d+)pt"', ours["architecture.svg"].decode()).groups())
    assert png_size(ours["architecture.png"]) == (width, height)  # a pixel per point, as the SVG says


@needs_library
@pytest.mark.parametrize("reason", ["no libcairo", "too large for our own buffer"])
def test_graphviz_writes_the_png_itself_when_it_cannot_be_painted_in_process(monkeypatch, reason):
    library = graphviz_lib.library()
    if reason == "no libcairo":
        monkeypatch.setattr(library, "cairo", None)
    else:
        monkeypatch.setattr(graphviz_lib, "MAX_PIXELS", 1000)
    images = diagram.Rendering(dot_source(), how="library").result()
    image = Image.open(io.BytesIO(images["architecture.png"]))
    assert image.size[0] > 200 and image.mode == "RGB"
    assert "Work queue" in images["architecture.svg"].decode()


@pytest.mark.parametrize("how", BACKENDS)
def test_broken_dot_gives_no_images_and_leaves_nothing_behind(how):
    before = set(glob.glob(os.path.join(tempfile.gettempdir(), "diagram-*")))
    assert diagram.Rendering("digraph { a -> ", how=how).result() is None
    assert set(glob.glob(os.path.join(tempfile.gettempdir(), "diagram-*"))) == before
    assert diagram.Rendering(dot_source(), how=how).result() is not None  # still usable afterwards


@pytest.mark.parametrize("how", BACKENDS)
def test_threads_rendering_at_once_each_get_their_own_diagram(how):
    names = [f"svc{chr(97 + i)}" for i in range(6)]
    results = {}

    def draw(name):
        results[name] = diagram.Rendering(dot_source(name=name), how=how).result()

    threads = [threading.Thread(target=draw, args=(name,)) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    for name in names:
        assert f">{name}<" in results[name]["architecture.svg"].decode()


@needs_library
@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_worker_process_can_draw():
    diagram.Rendering(dot_source(), how="library").result()  # the parent has a Graphviz context
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - child
        try:
            images = diagram.Rendering(dot_source(name="child"), how="library").result()
            os.write(write, b"1" if images and b">child<" in images["architecture.svg"] else b"0")
        finally:
            os._exit(0)
    os.close(write)
    _, status = os.waitpid(pid, 0)
    assert os.read(read, 1) == b"1" and status == 0


@needs_dot
def test_a_generation_that_fails_midway_stops_its_drawing(monkeypatch):
    monkeypatch.setattr(diagram.graphviz_lib, "library", lambda: None)  # a process to stop
    from generator import build

    started = []
    real = diagram.Rendering

    class Spy(real):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            started.append(self)

    def broken(project):
        raise RuntimeError("template failed")

    monkeypatch.setattr(diagram, "Rendering", Spy)
    monkeypatch.setattr(build, "_project_files", broken)
    with pytest.raises(RuntimeError):
        generator.generate_files(generator.Selection(patterns=("sqs-worker",), answers=answers()))
    assert len(started) == 1
    assert started[0]._process is None and started[0]._folder is None


def test_with_graphviz_missing_nothing_is_rendered(monkeypatch):
    monkeypatch.setattr(diagram.graphviz_lib, "library", lambda: None)
    monkeypatch.setattr(diagram.shutil, "which", lambda name: None)
    assert not diagram.dot_available()
    assert diagram.Rendering(dot_source()).result() is None


def test_the_zip_stores_the_png_without_deflating_it_again():
    blob = generator.build_zip({"p/architecture.png": PNG_SIGNATURE + b"x" * 500, "p/README.md": b"y" * 500})
    with zipfile.ZipFile(io.BytesIO(blob)) as archive:
        kinds = {info.filename: info.compress_type for info in archive.infolist()}
    assert kinds == {"p/architecture.png": zipfile.ZIP_STORED, "p/README.md": zipfile.ZIP_DEFLATED}


@needs_dot
def test_an_architecture_is_drawn_alone_and_bad_answers_are_refused():
    svg = generator.architecture_svg(generator.Selection(patterns=("sqs-worker",), answers=answers(), name="jobs"))
    assert svg.lstrip().startswith(b"<?xml") and b">jobs<" in svg
    with pytest.raises(generator.GenerationError, match="expected types"):
        generator.architecture_svg(generator.Selection(patterns=("sqs-worker",),
                                                       answers=answers(max_duration_s="soon")))


def test_when_drawing_fails_the_readme_says_the_images_are_missing(monkeypatch):
    monkeypatch.setattr(diagram.Rendering, "result", lambda self: None)
    files = generator.generate_files(generator.Selection(patterns=("sqs-worker",), answers=answers()))
    assert "serverless-app/architecture.png" not in files
    assert b"rendering needs Graphviz" in files["serverless-app/README.md"]


@pytest.mark.parametrize("how", BACKENDS)
def test_pngs_are_opaque_to_the_last_pixel_whatever_size_the_layout_comes_to(how):
    # Drawn at the default pad, several of these end a fraction of a pixel past the painted
    # background: a see-through last column on a dark page, and an alpha channel in the whole file.
    for patterns in [generator.PATTERN_SLUGS, *((slug,) for slug in generator.PATTERN_SLUGS)]:
        png = diagram.Rendering(dot_source(patterns), how=how).result()["architecture.png"]
        assert png[25] == 2, patterns  # colour type 2: RGB, no alpha channel
