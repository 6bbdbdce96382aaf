"""The architecture of one workload as a typed graph of components and connections.

The same object is what the generator renders, what the diagram draws, what a saved
revision and a generated project's ``architecture.json`` hold, and what the analyzer reads
back out of a template. Plain Python: no Django, no SAM.
"""

from architecture.model import (
    COMPONENT_KINDS,
    CONNECTION_KINDS,
    FORMAT_VERSION,
    SELF_STARTING,
    Architecture,
    ArchitectureError,
    Component,
    Connection,
    name_from_id,
)

__all__ = [
    "COMPONENT_KINDS", "CONNECTION_KINDS", "FORMAT_VERSION", "SELF_STARTING", "Architecture",
    "ArchitectureError", "Component", "Connection", "name_from_id",
]
