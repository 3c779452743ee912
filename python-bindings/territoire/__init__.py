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

#: Fields of the ``actors`` layer that hold network measures (see docs/network.md); directed
#: networks add ``in_degree`` and ``out_degree``.
MEASURES = ("degree", "strength", "betweenness", "betweenness_w", "closeness", "harmonic", "pagerank",
            "eigenvector", "clustering", "core_number", "component", "is_cut_vertex", "community")


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
    def crs_reason(self) -> str:
        """Why this working CRS (French): given in [project], or the territory's legal projection."""
        return self._core.crs_reason

    @property
    def layer_names(self) -> List[str]:
        """Names of the output layers, in GeoPackage order."""
        return list(self._core.table_names())

    def layer(self, name: str) -> Layer:
        """One output layer by name (see :attr:`layer_names` and docs/output-contract.md):
        ``territory``, ``areas``, ``actors``, ``places``, ``cooperation_links``, ``area_links``,
        ``communities``, the ``network_*`` tables, the ``sheets_*`` tables, ``data_quality``."""
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
    def directed(self) -> bool:
        """True when the project's links are directed (``directed = true`` in ``[links]``)."""
        return self._core.directed

    @property
    def actor_measures(self) -> Dict[str, Dict[str, Any]]:
        """Network measures by actor id (the fields in :data:`MEASURES`, plus ``in_degree`` and
        ``out_degree`` when the network is directed)."""
        keys = MEASURES + (("in_degree", "out_degree") if self.directed else ())
        return {r["actor_id"]: {k: r[k] for k in keys} for r in self.layer("actors").records()}

    @property
    def network(self) -> Dict[str, Any]:
        """The network as a whole, from the ``network_summary`` table: indicator code → value
        (density, components, bridges, modularity, family assortativity…)."""
        return {r["indicator"]: r["value"] for r in self.layer("network_summary").records()}

    def to_networkx(self):
        """The cooperation network as a ``networkx.Graph`` (``DiGraph`` when directed): one node
        per actor (isolated ones included) with every field of the ``actors`` layer, one edge per
        merged link with every field of ``cooperation_links`` (``weight``, ``kind``, ``is_bridge``…).
        networkx recomputes the measures of the ``actors`` layer on it (docs/network.md)."""
        import networkx as nx

        graph = (nx.DiGraph if self.directed else nx.Graph)(name=self.name, crs=self.crs)
        for record in self.layer("actors").records():
            graph.add_node(record["actor_id"], **{k: v for k, v in record.items() if k != "actor_id"})
        for record in self.layer("cooperation_links").records():
            attrs = {k: v for k, v in record.items() if k not in ("source_id", "target_id")}
            graph.add_edge(record["source_id"], record["target_id"], **attrs)
        return graph

    def write(self, output_dir: PathLike, *, geojson: bool = True, maps: bool = True, sheets: bool = True,
              workbook: bool = True) -> Dict[str, Any]:
        """Writes into ``output_dir`` what ``territoire run`` writes: ``diagnostic.gpkg`` (with the
        QGIS styles and project), ``geojson/*.geojson``, ``network.graphml``, ``network.gexf``,
        ``maps/``, ``sheets/index.html``, ``diagnostic.xlsx`` and ``manifest.json``; each of
        ``geojson``, ``maps``, ``sheets`` and ``workbook`` can be turned off. Returns the paths."""
        return self._core.write(os.fspath(output_dir), geojson, maps, sheets, workbook)


def analyse(project_file: PathLike) -> Diagnostic:
    """Runs the project's pipeline up to the analysis, writing nothing."""
    return Diagnostic(_core.analyse(os.fspath(project_file)))


def run(project_file: PathLike, output_dir: Optional[PathLike] = None, *, geojson: bool = True, maps: bool = True,
        sheets: bool = True, workbook: bool = True) -> Diagnostic:
    """Runs the project like ``territoire run``: analyses it and, when ``output_dir`` is given,
    writes the results there. Returns the diagnostic."""
    diag = analyse(project_file)
    if output_dir is not None:
        diag.write(output_dir, geojson=geojson, maps=maps, sheets=sheets, workbook=workbook)
    return diag
