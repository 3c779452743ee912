"""Plain readers for a `territoire run` output directory, used by the pytest checks.

Everything is read with GDAL/OGR (osgeo.ogr) into plain Python values, so the
checks never depend on the code under test.  Geometries become shapely objects.
See docs/output-contract.md for the layout.
"""
import json
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import shapely.wkb
from osgeo import gdal, ogr

gdal.UseExceptions()

SPATIAL_LAYERS = ('territory', 'areas', 'actors', 'places', 'cooperation_links', 'area_links', 'communities')
TABLE_LAYERS = ('network_summary', 'network_components', 'network_family_mixing', 'network_area_matrix',
                'network_link_lengths', 'network_isolated_actors', 'sheets_families', 'sheets_areas',
                'sheets_communities', 'sheets_objects', 'match_candidates', 'actor_sources', 'place_sources',
                'data_quality')
ALL_LAYERS = SPATIAL_LAYERS + TABLE_LAYERS

# key field of each spatial layer (used to pair GeoPackage and GeoJSON features)
KEY_FIELD = {
    'territory': 'territory_id',
    'areas': 'area_id',
    'actors': 'actor_id',
    'places': 'place_id',
    'cooperation_links': 'link_id',
    'area_links': 'area_link_id',
    'communities': 'community',
}

GEOM = '__geom__'  # key of the shapely geometry (or None) in a row dict
FID = '__fid__'    # key of the OGR feature id in a row dict


@dataclass
class Layer:
    name: str
    fields: dict            # field name -> OGR field type name ('String', 'Integer', 'Real', ...)
    subtypes: dict          # field name -> OGR subtype name ('None', 'Boolean', ...)
    geom_type: str          # OGR geometry type name, 'None' for attribute tables
    crs: str                # 'EPSG:NNNN' (or WKT/'' when no EPSG code)
    rows: list = field(default_factory=list)

    @property
    def spatial(self):
        return self.geom_type != 'None'

    def column(self, name):
        return [r[name] for r in self.rows]


_FLAT_NAMES = {
    ogr.wkbNone: 'None', ogr.wkbUnknown: 'Geometry', ogr.wkbPoint: 'Point', ogr.wkbLineString: 'LineString',
    ogr.wkbPolygon: 'Polygon', ogr.wkbMultiPoint: 'MultiPoint', ogr.wkbMultiLineString: 'MultiLineString',
    ogr.wkbMultiPolygon: 'MultiPolygon', ogr.wkbGeometryCollection: 'GeometryCollection',
}


def geometry_type_name(t):
    """'MultiPolygon', 'Point', ... ('None' for attribute tables); a Z/M suffix is kept visible."""
    if t == ogr.wkbNone:
        return 'None'
    name = _FLAT_NAMES.get(ogr.GT_Flatten(t), ogr.GeometryTypeToName(t))
    if ogr.GT_HasZ(t):
        name += ' Z'
    if ogr.GT_HasM(t):
        name += ' M'
    return name


def srs_authid(srs):
    if srs is None:
        return ''
    srs = srs.Clone()
    srs.AutoIdentifyEPSG()
    name, code = srs.GetAuthorityName(None), srs.GetAuthorityCode(None)
    if name and code:
        return f'{name}:{code}'
    return srs.ExportToWkt()


def list_layers(gpkg):
    ds = ogr.Open(str(gpkg), 0)
    try:
        return [ds.GetLayerByIndex(i).GetName() for i in range(ds.GetLayerCount())]
    finally:
        ds = None


def read_layer(gpkg, name):
    """Read a whole layer into a Layer of plain dict rows."""
    ds = ogr.Open(str(gpkg), 0)
    if ds is None:
        raise FileNotFoundError(gpkg)
    lyr = ds.GetLayerByName(name)
    if lyr is None:
        raise KeyError(f'{gpkg} has no layer {name!r}')
    defn = lyr.GetLayerDefn()
    fields, subtypes = {}, {}
    for i in range(defn.GetFieldCount()):
        fd = defn.GetFieldDefn(i)
        fields[fd.GetName()] = ogr.GetFieldTypeName(fd.GetType())
        subtypes[fd.GetName()] = ogr.GetFieldSubTypeName(fd.GetSubType())
    geom_type = geometry_type_name(lyr.GetGeomType())
    out = Layer(name=name, fields=fields, subtypes=subtypes, geom_type=geom_type,
                crs=srs_authid(lyr.GetSpatialRef()) if lyr.GetGeomType() != ogr.wkbNone else '')
    lyr.ResetReading()
    for f in lyr:
        row = {}
        for fname in fields:
            row[fname] = None if not f.IsFieldSetAndNotNull(fname) else f.GetField(fname)
        g = f.GetGeometryRef()
        row[GEOM] = None if g is None or g.IsEmpty() else shapely.wkb.loads(bytes(g.ExportToIsoWkb()))
        row[FID] = f.GetFID()
        out.rows.append(row)
    ds = None
    return out


def read_geojson(path):
    """Parse a GeoJSON file with the json module only (no GDAL)."""
    with open(path, encoding='utf-8') as fh:
        return json.load(fh)


class Output:
    """Lazy, cached access to one output directory."""

    def __init__(self, directory):
        self.dir = Path(directory)
        self.gpkg = self.dir / 'diagnostic.gpkg'
        self.geojson_dir = self.dir / 'geojson'
        self.manifest_path = self.dir / 'manifest.json'
        self._layers = {}
        self._geojson = {}

    def layer_names(self):
        return list_layers(self.gpkg)

    def layer(self, name):
        if name not in self._layers:
            self._layers[name] = read_layer(self.gpkg, name)
        return self._layers[name]

    def geojson(self, name):
        if name not in self._geojson:
            self._geojson[name] = read_geojson(self.geojson_dir / f'{name}.geojson')
        return self._geojson[name]


_LIGATURES = str.maketrans({'œ': 'oe', 'Œ': 'oe', 'æ': 'ae', 'Æ': 'ae', 'ß': 'ss'})


def slug(text):
    """The contract's slug ('lower-case ASCII'), as assumed here: ligatures expanded,
    accents dropped, runs of other characters -> '_', trimmed; '' becomes 'x'."""
    s = unicodedata.normalize('NFKD', text.translate(_LIGATURES))
    s = ''.join(ch for ch in s if not unicodedata.combining(ch)).lower()
    return re.sub(r'[^a-z0-9]+', '_', s, flags=re.ASCII).strip('_') or 'x'


def slug_map(values):
    """value -> column slug.  Values slugging to the same text get '_2', '_3', ...
    in byte order of the values (assumed rule; the contract does not say)."""
    out, used = {}, set()
    for v in sorted(set(values), key=byte_key):
        base = s = slug(v)
        k = 2
        while s in used:
            s = f'{base}_{k}'
            k += 1
        used.add(s)
        out[v] = s
    return out


def byte_key(s):
    """Sort key for the contract's 'byte order' of ids."""
    return s.encode('utf-8')


def output_from_env():
    d = os.environ.get('TERRITOIRE_OUT')
    return Output(d) if d else None
