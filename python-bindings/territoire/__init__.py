"""territoire — territorial cultural diagnostics (libterritoire's Python bindings).

Run a project file and continue in GeoPandas or networkx::

    import territoire
    diag = territoire.analyse("data/sample/deux-sevres/project.toml")
    actors = diag.layer("actors").to_geopandas()
    graph = diag.to_networkx()

Errors from the library are raised as :class:`Error` or one of its subclasses
:class:`ProjectError` (the project file), :class:`InputError` (a data source) and
:class:`OutputError` (writing the results); their message names the file, line or feature, and field,
and the attributes ``file``, ``layer``, ``feature`` and ``field`` hold the same (None when unknown).
"""
from __future__ import annotations

import os
from typing import Any, Dict, List, Optional, Union

from . import _core
from ._core import Error, InputError, OutputError, ProjectError
from ._layers import Layer

__all__ = [
    "Diagnostic", "Layer", "analyse", "run",
    "Error", "ProjectError", "InputError", "OutputError", "__version__",
]
__version__: str = _core.version()

PathLike = Union[str, "os.PathLike[str]"]

#: Fields of the ``actors`` layer that hold network measures (see docs/output-contract.md).
MEASURES = ("degree", "strength", "betweenness", "closeness", "component", "is_cut_vertex")


class Diagnostic:
    """The result of a run: every output layer, the problems found and per-source counts.

    Obtain one with :func:`analyse` or :func:`run`; it is not constructed directly.
    """

    def __init__(self, core: "_core.Diagnostic") -> None:
        self._core = core
        self._layers: Dict[str, Layer] = {}

    def __repr__(self) -> str:
        return f"<territoire.Diagnostic {self.name!r} crs={self.crs} layers={list(self.layer_names)}>"

    @property
    def name(self) -> str:
        """Project name."""
        return self._core.name

    @property
    def crs(self) -> str:
        """Working CRS, as in the project file (e.g. ``"EPSG:2154"``)."""
        return self._core.crs

    @property
    def layer_names(self) -> List[str]:
        """Names of the output layers, in GeoPackage order."""
        return list(self._core.table_names())

    def layer(self, name: str) -> Layer:
        """One output layer by name (``territory``, ``areas``, ``actors``, ``places``,
        ``cooperation_links``, ``sheets_families``, ``sheets_areas``, ``data_quality``)."""
        if name not in self._layers:
            self._layers[name] = Layer(self._core.table(name), self.crs)
        return self._layers[name]

    @property
    def layers(self) -> Dict[str, Layer]:
        """Every output layer, by name."""
        return {name: self.layer(name) for name in self.layer_names}

    @property
    def problems(self) -> List[Dict[str, str]]:
        """Data-quality problems: dicts with severity, kind, source, feature, field, message."""
        return self._core.problems()

    @property
    def sources(self) -> List[Dict[str, Any]]:
        """Per-source counts: read, kept, outside_territory, unlocated, rejected, assigned_to_area."""
        return self._core.sources()

    @property
    def actor_measures(self) -> Dict[str, Dict[str, Any]]:
        """Network measures by actor id: degree, strength, betweenness, closeness, component,
        is_cut_vertex."""
        return {r["actor_id"]: {k: r[k] for k in MEASURES} for r in self.layer("actors").records()}

    def to_networkx(self):
        """The cooperation network as an undirected ``networkx.Graph``: one node per actor
        (isolated ones included) with its attributes, one edge per merged link with ``weight``,
        ``kind``, ``length_m`` and ``crosses_areas``."""
        import networkx as nx

        graph = nx.Graph(name=self.name, crs=self.crs)
        for record in self.layer("actors").records():
            graph.add_node(record["actor_id"], **{k: v for k, v in record.items() if k != "actor_id"})
        for record in self.layer("cooperation_links").records():
            attrs = {k: record[k] for k in ("link_id", "weight", "kind", "length_m", "crosses_areas")}
            graph.add_edge(record["source_id"], record["target_id"], **attrs)
        return graph

    def write(self, output_dir: PathLike, *, geojson: bool = True) -> Dict[str, Any]:
        """Writes ``diagnostic.gpkg``, ``geojson/*.geojson`` (unless ``geojson=False``) and
        ``manifest.json`` into ``output_dir``; returns their paths."""
        return self._core.write(os.fspath(output_dir), geojson)


def analyse(project_file: PathLike) -> Diagnostic:
    """Runs the project's pipeline up to the analysis, writing nothing."""
    return Diagnostic(_core.analyse(os.fspath(project_file)))


def run(project_file: PathLike, output_dir: Optional[PathLike] = None, *, geojson: bool = True) -> Diagnostic:
    """Runs the project like ``territoire run``: analyses it and, when ``output_dir`` is given,
    writes the results there. Returns the diagnostic."""
    diag = analyse(project_file)
    if output_dir is not None:
        diag.write(output_dir, geojson=geojson)
    return diag
