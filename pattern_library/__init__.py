"""The patterns, one folder each.

Every folder of this package is one pattern and carries everything about it: its facts
(``__init__.py``), its generator part (``generate.py``) and Jinja templates (``templates/``),
its detector for the analyzer (``detect.py``) and, when it has pattern-specific usage, its
cost lines (``cost.py``). ``pattern_library.registry`` finds the folders; it is the only
list of pattern slugs.
"""
