"""Output layers as Python objects: records, ``__geo_interface__`` and GeoPandas."""
from __future__ import annotations

import json
from typing import Any, Dict, Iterator, List, Optional


class Layer:
    """One output layer of a diagnostic (an immutable snapshot).

    Spatial layers expose ``__geo_interface__`` as a GeoJSON-like FeatureCollection whose
    coordinates are in the diagnostic's working CRS (``layer.crs``), not WGS 84.
    """

    def __init__(self, table: Dict[str, Any], crs: str) -> None:
        self.name: str = table["name"]
        self.title: str = table["title"]
        self.description: str = table["description"]
        #: "Point", "LineString", "MultiPolygon", or None for attribute tables.
        self.geometry_type: Optional[str] = None if table["geometry_type"] == "None" else table["geometry_type"]
        self.crs: Optional[str] = crs if self.geometry_type else None
        self.fields: List[str] = [f[0] for f in table["fields"]]
        self.field_types: Dict[str, str] = {f[0]: f[1] for f in table["fields"]}
        #: French labels of the fields, as shown in QGIS.
        self.aliases: Dict[str, str] = {f[0]: f[2] for f in table["fields"]}
        self._rows = table["rows"]
        self._geometries = [json.loads(g) if g is not None else None for g in table["geometries"]]

    def __repr__(self) -> str:
        return f"<territoire.Layer {self.name!r} {self.geometry_type or 'table'} features={len(self)}>"

    def __len__(self) -> int:
        return len(self._rows)

    def records(self) -> List[Dict[str, Any]]:
        """Attribute rows as dicts (field name → value; None for NULL)."""
        return [dict(zip(self.fields, row)) for row in self._rows]

    def __iter__(self) -> Iterator[Dict[str, Any]]:
        """Features as GeoJSON-like dicts (``{"type": "Feature", "properties": …, "geometry": …}``)."""
        for i, row in enumerate(self._rows):
            yield {
                "type": "Feature",
                "properties": dict(zip(self.fields, row)),
                "geometry": self._geometries[i] if self.geometry_type else None,
            }

    @property
    def __geo_interface__(self) -> Dict[str, Any]:
        return {"type": "FeatureCollection", "features": list(self)}

    def to_geopandas(self):
        """A ``geopandas.GeoDataFrame`` (a ``pandas.DataFrame`` for attribute tables) with the
        working CRS set."""
        if not self.geometry_type:
            import pandas as pd

            return pd.DataFrame(self.records(), columns=self.fields)
        import geopandas as gpd

        frame = gpd.GeoDataFrame.from_features(list(self), crs=self.crs, columns=self.fields + ["geometry"])
        return frame[self.fields + ["geometry"]]
