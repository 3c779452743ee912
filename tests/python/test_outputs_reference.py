"""Independent checks of a `territoire run` output directory (docs/output-contract.md).

Every expected value is recomputed here with reference implementations
(networkx, GEOS via shapely/geopandas, pyproj) from the output's own base
tables, read with GDAL/OGR; nothing from the C++ code is reused.

    TERRITOIRE_OUT=/path/to/out /usr/bin/python3 -m pytest tests/python
"""
import json
import math
import re
from collections import Counter

import networkx as nx
import numpy as np
import pyproj
import pytest
import shapely.ops
import shapely.prepared
from osgeo import ogr
from shapely.geometry import Point

from territoire_outputs import (ALL_LAYERS, FID, GEOM, KEY_FIELD, SPATIAL_LAYERS, TABLE_LAYERS,
                                byte_key, slug_map)

TOL = 1e-9          # network measures
LEN_TOL = 1e-6      # metres
KM2_REL = 1e-6      # relative, ellipsoidal areas
DEG_TOL = 1e-6      # degrees, GeoJSON round trip
MAX_SHOWN = 10      # mismatches listed in a failure message

EXPECTED_GEOM = {
    'territory': {'MultiPolygon'},
    'areas': {'MultiPolygon'},
    'actors': {'Point'},
    'places': {'Point'},
    'cooperation_links': {'LineString'},
    'area_links': {'LineString'},
    'communities': {'MultiPoint'},
}
REQUIRED_FIELDS = {
    'territory': ['territory_id', 'name', 'area_km2', 'population'],
    'areas': ['area_id', 'name', 'population', 'area_km2', 'n_actors', 'n_places', 'actors_per_10k',
              'places_per_10k', 'n_links_inside', 'n_links_across'],
    'actors': ['actor_id', 'name', 'family', 'area_id', 'source', 'source_ref', 'location_method', 'degree',
               'strength', 'betweenness', 'betweenness_w', 'closeness', 'harmonic', 'pagerank', 'eigenvector',
               'clustering', 'core_number', 'component', 'is_cut_vertex', 'community'],
    'places': ['place_id', 'name', 'kind', 'capacity', 'area_id', 'source', 'source_ref', 'location_method'],
    'cooperation_links': ['link_id', 'source_id', 'target_id', 'kind', 'weight', 'length_m', 'crosses_areas',
                          'is_bridge', 'source_family', 'target_family', 'source_area_id', 'target_area_id'],
    'network_summary': ['indicator', 'label', 'value'],
    'network_family_mixing': ['family_a', 'family_b', 'n_links', 'expected_links', 'ratio_observed_expected'],
    'network_area_matrix': ['area_id_a', 'area_id_b', 'n_links', 'weight_sum'],
    'data_quality': ['problem_id', 'severity', 'kind', 'source', 'feature', 'field', 'message'],
}
TEXT_ID_FIELDS = {
    'territory': ['territory_id'],
    'areas': ['area_id'],
    'actors': ['actor_id', 'area_id'],
    'places': ['place_id', 'area_id'],
    'cooperation_links': ['link_id', 'source_id', 'target_id'],
}
INTEGER_FIELDS = {
    'areas': ['n_actors', 'n_places', 'n_links_inside', 'n_links_across'],
    'actors': ['degree', 'component', 'is_cut_vertex', 'core_number', 'community'],
    'cooperation_links': ['crosses_areas', 'is_bridge'],
    'data_quality': ['problem_id'],
}
REAL_FIELDS = {
    'territory': ['area_km2', 'population'],
    'areas': ['population', 'area_km2', 'actors_per_10k', 'places_per_10k'],
    'actors': ['strength', 'betweenness', 'betweenness_w', 'closeness', 'harmonic', 'pagerank', 'eigenvector',
               'clustering'],
    'places': ['capacity'],
    'cooperation_links': ['weight', 'length_m'],
}
PRIVACY_RE = re.compile(r'dir_|adrg_|e_?mail|telephone|courriel|(^|_)tel$', re.IGNORECASE)


def fail_list(title, items):
    items = list(items)
    if items:
        shown = '\n  '.join(str(x) for x in items[:MAX_SHOWN])
        more = f'\n  ... and {len(items) - MAX_SHOWN} more' if len(items) > MAX_SHOWN else ''
        pytest.fail(f'{title}: {len(items)} mismatch(es)\n  {shown}{more}')


def close(a, b, tol=TOL):
    return a is not None and b is not None and math.isclose(a, b, rel_tol=tol, abs_tol=tol)


# --------------------------------------------------------------------------- structure

def test_contract_layers_present(out):
    names = out.layer_names()
    missing = [n for n in ALL_LAYERS if n not in names]
    assert not missing, f'layers missing from {out.gpkg}: {missing} (has {names})'


@pytest.mark.parametrize('name', SPATIAL_LAYERS)
def test_spatial_layer_crs_and_type(out, working_crs, name):
    lyr = out.layer(name)
    assert lyr.crs == working_crs, f'{name}: CRS {lyr.crs!r}, expected {working_crs}'
    assert lyr.geom_type in EXPECTED_GEOM[name], f'{name}: geometry type {lyr.geom_type}'


@pytest.mark.parametrize('name', TABLE_LAYERS)
def test_table_layers_have_no_geometry(out, name):
    assert not out.layer(name).spatial, f'{name} should be an attribute table'


@pytest.mark.parametrize('name', sorted(REQUIRED_FIELDS))
def test_required_fields(out, name):
    lyr = out.layer(name)
    missing = [f for f in REQUIRED_FIELDS[name] if f not in lyr.fields]
    assert not missing, f'{name}: missing fields {missing} (has {list(lyr.fields)})'


@pytest.mark.parametrize('name', sorted(TEXT_ID_FIELDS))
def test_ids_are_text(out, name):
    lyr = out.layer(name)
    bad = [(f, lyr.fields[f]) for f in TEXT_ID_FIELDS[name] if f in lyr.fields and lyr.fields[f] != 'String']
    assert not bad, f'{name}: ids and codes must be text, got {bad}'


@pytest.mark.parametrize('name', sorted(set(INTEGER_FIELDS) | set(REAL_FIELDS)))
def test_numeric_field_types(out, name):
    lyr = out.layer(name)
    bad = [(f, lyr.fields[f]) for f in INTEGER_FIELDS.get(name, [])
           if f in lyr.fields and lyr.fields[f] not in ('Integer', 'Integer64')]
    bad += [(f, lyr.fields[f]) for f in REAL_FIELDS.get(name, [])
            if f in lyr.fields and lyr.fields[f] != 'Real']
    areas_extra = [(c, t) for c, t in lyr.fields.items() if name == 'areas' and c.startswith(('n_actors_', 'n_places_'))
                   and t != ('Real' if c.endswith('_per_10k') else 'Integer') and t != 'Integer64']
    assert not bad + areas_extra, f'{name}: wrong field types {bad + areas_extra}'


@pytest.mark.parametrize('name', ['areas', 'actors', 'places', 'cooperation_links'])
def test_keys_unique_and_not_null(out, name):
    key = KEY_FIELD[name]
    vals = out.layer(name).column(key)
    assert all(v not in (None, '') for v in vals), f'{name}.{key} has null/empty values'
    dups = [k for k, c in Counter(vals).items() if c > 1]
    fail_list(f'{name}.{key} duplicates', dups)


def test_territory_one_row(out):
    rows = out.layer('territory').rows
    assert len(rows) == 1, f'territory has {len(rows)} rows'
    assert rows[0]['territory_id'] == 'territory'


def test_manifest_is_json(out):
    assert out.manifest_path.is_file(), f'{out.manifest_path} missing'
    with open(out.manifest_path, encoding='utf-8') as fh:
        json.load(fh)


# --------------------------------------------------------------------------- network

def build_graph(out):
    G = nx.Graph()
    G.add_nodes_from(r['actor_id'] for r in out.layer('actors').rows)
    for r in out.layer('cooperation_links').rows:
        G.add_edge(r['source_id'], r['target_id'], weight=r['weight'])
    return G


def test_link_ends_are_actors(out):
    actors = set(out.layer('actors').column('actor_id'))
    fail_list('link ends that are not actors',
              [(r['link_id'], e) for r in out.layer('cooperation_links').rows
               for e in (r['source_id'], r['target_id']) if e not in actors])


def test_network_degree_strength(out):
    G = build_graph(out)
    bad = []
    for r in out.layer('actors').rows:
        n = r['actor_id']
        if r['degree'] != G.degree(n):
            bad.append(f'{n}: degree {r["degree"]} != {G.degree(n)}')
        s = G.degree(n, weight='weight')
        if not close(r['strength'], float(s)):
            bad.append(f'{n}: strength {r["strength"]} != {s}')
    fail_list('degree/strength vs networkx', bad)


def test_network_betweenness(out):
    G = build_graph(out)
    ref = nx.betweenness_centrality(G, normalized=True)
    fail_list('betweenness vs networkx betweenness_centrality(normalized=True)',
              [f'{r["actor_id"]}: {r["betweenness"]!r} != {ref[r["actor_id"]]!r}'
               for r in out.layer('actors').rows if not close(r['betweenness'], ref[r['actor_id']])])


def test_network_closeness(out):
    G = build_graph(out)
    ref = nx.closeness_centrality(G)
    fail_list('closeness vs networkx closeness_centrality',
              [f'{r["actor_id"]}: {r["closeness"]!r} != {ref[r["actor_id"]]!r}'
               for r in out.layer('actors').rows if not close(r['closeness'], ref[r['actor_id']])])


def test_network_cut_vertices(out):
    G = build_graph(out)
    cut = set(nx.articulation_points(G))
    fail_list('is_cut_vertex vs networkx articulation_points',
              [f'{r["actor_id"]}: is_cut_vertex={r["is_cut_vertex"]!r}, expected {int(r["actor_id"] in cut)}'
               for r in out.layer('actors').rows
               if r['is_cut_vertex'] not in (0, 1) or bool(r['is_cut_vertex']) != (r['actor_id'] in cut)])


def test_network_components(out):
    G = build_graph(out)
    comps = sorted(nx.connected_components(G), key=lambda c: (-len(c), min(byte_key(x) for x in c)))
    expected = {n: i for i, c in enumerate(comps, start=1) for n in c}
    rows = out.layer('actors').rows
    # same partition?
    got_groups = {}
    for r in rows:
        got_groups.setdefault(r['component'], set()).add(r['actor_id'])
    got_partition = sorted(sorted(g) for g in got_groups.values())
    ref_partition = sorted(sorted(c) for c in comps)
    assert got_partition == ref_partition, (
        f'component does not give the connected components: {len(got_groups)} groups, '
        f'networkx finds {len(comps)}')
    fail_list('component numbering (1 = largest, ties by smallest actor_id in byte order)',
              [f'{r["actor_id"]}: component {r["component"]}, expected {expected[r["actor_id"]]}'
               for r in rows if r['component'] != expected[r['actor_id']]])


def test_network_other_measures(out):
    G = build_graph(out)
    if G.number_of_nodes() == 0:
        pytest.skip('no actors in this sample')
    L = G.copy()
    for a, b in L.edges():
        L[a][b]['length'] = 1.0 / L[a][b]['weight']
    refs = {
        'betweenness_w': nx.betweenness_centrality(L, normalized=True, weight='length'),
        'harmonic': nx.harmonic_centrality(G),
        'pagerank': nx.pagerank(G, weight='weight'),
        'clustering': nx.clustering(G),
        'core_number': nx.core_number(G),
    }
    try:
        refs['eigenvector'] = nx.eigenvector_centrality(G, weight='weight')
    except nx.PowerIterationFailedConvergence:
        refs['eigenvector'] = {n: None for n in G}
    bad = []
    for r in out.layer('actors').rows:
        n = r['actor_id']
        for key, ref in refs.items():
            if ref[n] is None:
                if r[key] is not None:
                    bad.append(f'{n}: {key} {r[key]!r}, networkx did not converge')
            elif not close(r[key], float(ref[n])):
                bad.append(f'{n}: {key} {r[key]!r} != {ref[n]!r}')
    fail_list('measures vs networkx (betweenness with length 1/weight, harmonic, pagerank, eigenvector, '
              'clustering, core_number)', bad)


def test_network_bridges_communities_summary(out):
    G = build_graph(out)
    bridges = {frozenset(e) for e in nx.bridges(G)}
    fail_list('is_bridge vs networkx bridges',
              [r['link_id'] for r in out.layer('cooperation_links').rows
               if bool(r['is_bridge']) != (frozenset((r['source_id'], r['target_id'])) in bridges)])
    groups = {}
    for r in out.layer('actors').rows:
        if r['community'] is not None:
            groups.setdefault(r['community'], set()).add(r['actor_id'])
        else:
            assert G.degree(r['actor_id']) == 0, f'{r["actor_id"]}: linked actor without community'
    partition = list(groups.values()) + [{n} for n in G if G.degree(n) == 0]
    summary = {r['indicator']: r['value'] for r in out.layer('network_summary').rows}
    if G.number_of_edges():
        q = nx.community.modularity(G, partition, weight='weight')
        assert close(summary['modularity'], q), f'modularity {summary["modularity"]} != networkx {q}'
        best = max(nx.community.modularity(G, nx.community.louvain_communities(G, weight='weight', seed=s),
                                           weight='weight') for s in range(3))
        assert q >= best - 0.01, f'Louvain modularity {q} more than 0.01 below networkx ({best})'
    families = {r['actor_id']: r['family'] for r in out.layer('actors').rows}
    nx.set_node_attributes(G, families, 'family')
    if G.number_of_edges():
        r = nx.attribute_assortativity_coefficient(G, 'family')
        assert close(summary['family_assortativity'], r), f'assortativity {summary["family_assortativity"]} != {r}'
    assert close(summary['density'], nx.density(G))
    assert summary['n_components'] == nx.number_connected_components(G)
    assert summary['n_bridges'] == len(bridges)
    assert summary['n_cut_vertices'] == len(set(nx.articulation_points(G)))
    assert summary['n_isolated'] == nx.number_of_isolates(G)


# --------------------------------------------------------------------------- assignment

def _sql_rows(ds, sql):
    res = ds.ExecuteSQL(sql, dialect='SQLite')
    try:
        return [(f.GetField(0), f.GetField(1)) for f in res]
    finally:
        ds.ReleaseResultSet(res)


def expected_areas(out, name):
    """For each located feature of layer `name` (by FID): (areas it is within, areas it intersects),
    computed by GDAL's SQLite dialect (SpatiaLite ST_Within / ST_Intersects) on the GeoPackage."""
    ds = ogr.Open(str(out.gpkg), 0)
    try:
        pl, al = ds.GetLayerByName(name), ds.GetLayerByName('areas')
        pfid, pg = pl.GetFIDColumn() or 'fid', pl.GetGeometryColumn()
        ag = al.GetGeometryColumn()
        result = []
        for pred in ('ST_Within', 'ST_Intersects'):
            sql = (f'SELECT (p."{pfid}" + 0) AS src_fid, a."area_id" AS ref_area FROM "{name}" p, "areas" a '
                   f'WHERE p."{pg}" IS NOT NULL AND a."{ag}" IS NOT NULL '
                   # envelope pre-filter (GeoPackage header), then the exact predicate
                   f'AND ST_MinX(p."{pg}") <= ST_MaxX(a."{ag}") AND ST_MaxX(p."{pg}") >= ST_MinX(a."{ag}") '
                   f'AND ST_MinY(p."{pg}") <= ST_MaxY(a."{ag}") AND ST_MaxY(p."{pg}") >= ST_MinY(a."{ag}") '
                   f'AND {pred}(p."{pg}", a."{ag}")')
            d = {}
            for fid, aid in _sql_rows(ds, sql):
                d.setdefault(fid, set()).add(aid)
            result.append(d)
        return result
    finally:
        ds = None


def test_sqlite_dialect_has_spatialite(out):
    ds = ogr.Open(str(out.gpkg), 0)
    try:
        res = ds.ExecuteSQL('SELECT spatialite_version()', dialect='SQLite')
        ds.ReleaseResultSet(res)
    except Exception as e:  # noqa: BLE001
        pytest.fail(f'GDAL SQLite dialect without SpatiaLite, cannot recompute assignments: {e}')
    finally:
        ds = None


def test_assignment_cross_check_with_geos(out):
    """The SQL predicates agree with shapely/GEOS on the points strictly inside an area."""
    for name in ('actors', 'places'):
        within, _ = expected_areas(out, name)
        areas = [(r['area_id'], shapely.prepared.prep(r[GEOM])) for r in out.layer('areas').rows
                 if r[GEOM] is not None]
        bad = []
        for r in out.layer(name).rows[:200]:
            if r[GEOM] is None:
                continue
            geos = {a for a, pg in areas if pg.contains_properly(r[GEOM])}
            if geos != within.get(r[FID], set()):
                bad.append(f'{name} {r[KEY_FIELD[name]]}: GEOS {sorted(geos)} vs SQL {sorted(within.get(r[FID], set()))}')
        fail_list('SpatiaLite ST_Within vs GEOS contains_properly', bad)


@pytest.mark.parametrize('name', ['actors', 'places'])
def test_area_assignment(out, name):
    within, touching = expected_areas(out, name)
    key = KEY_FIELD[name]
    bad = []
    for r in out.layer(name).rows:
        if r[GEOM] is None:
            continue  # no location: the contract does not say how area_id is found (see README)
        fid, got = r[FID], r['area_id']
        w, t = within.get(fid, set()), touching.get(fid, set())
        if w:
            if got not in w:
                bad.append(f'{r[key]}: area_id {got!r}, but the point is strictly inside {sorted(w)}')
        elif t:
            if got not in t:
                bad.append(f'{r[key]}: area_id {got!r}, but the point is on the boundary of {sorted(t)}')
        elif got is not None:
            bad.append(f'{r[key]}: area_id {got!r}, but the point is in no area')
    fail_list(f'{name}.area_id vs spatial join (GEOS within/intersects)', bad)


@pytest.mark.parametrize('name', ['actors', 'places'])
def test_area_ids_exist(out, name):
    areas = set(out.layer('areas').column('area_id'))
    fail_list(f'{name}.area_id not in areas',
              [(r[KEY_FIELD[name]], r['area_id']) for r in out.layer(name).rows
               if r['area_id'] is not None and r['area_id'] not in areas])


# --------------------------------------------------------------------------- indicators

def test_area_counts(out):
    n_act = Counter(out.layer('actors').column('area_id'))
    n_pla = Counter(out.layer('places').column('area_id'))
    bad = []
    for r in out.layer('areas').rows:
        a = r['area_id']
        if r['n_actors'] != n_act.get(a, 0):
            bad.append(f'{a}: n_actors {r["n_actors"]} != {n_act.get(a, 0)}')
        if r['n_places'] != n_pla.get(a, 0):
            bad.append(f'{a}: n_places {r["n_places"]} != {n_pla.get(a, 0)}')
    fail_list('area counts recomputed from actors/places', bad)


@pytest.mark.parametrize('prefix,layer,attr', [('n_actors_', 'actors', 'family'),
                                               ('n_places_', 'places', 'kind')])
def test_area_counts_by_family_and_kind(out, prefix, layer, attr):
    areas = out.layer('areas')
    cols = [c for c in areas.fields if c.startswith(prefix) and not c.endswith('_per_10k')]
    rows = out.layer(layer).rows
    smap = slug_map(r[attr] for r in rows if r[attr])
    rule = ('slug rule assumed here: ligatures expanded, accents dropped, lower-case, other runs -> "_", '
            'collisions numbered _2, _3 in byte order')
    # every value present in an area has a column
    needed = {smap[r[attr]] for r in rows if r[attr] and r['area_id'] is not None}
    missing = sorted(s for s in needed if prefix + s not in cols)
    assert not missing, f'areas lacks {prefix}<slug> columns for {missing} ({rule}; columns present: {cols})'
    counts = Counter((r['area_id'], smap[r[attr]]) for r in rows if r[attr])
    known = set(smap.values())
    bad = []
    for c in cols:
        s = c[len(prefix):]
        if s not in known:
            bad.append(f'column {c} matches no {attr} value ({rule})')
            continue
        for a in areas.rows:
            if a[c] != counts.get((a['area_id'], s), 0):
                bad.append(f'{a["area_id"]}: {c} {a[c]} != {counts.get((a["area_id"], s), 0)}')
    fail_list(f'{prefix}<{attr}> recomputed from {layer}', bad)


def test_per_10k(out):
    areas = out.layer('areas')
    pairs = [('actors_per_10k', 'n_actors'), ('places_per_10k', 'n_places')]
    pairs += [(c, c[:-len('_per_10k')]) for c in areas.fields
              if c.endswith('_per_10k') and c.startswith(('n_actors_', 'n_places_'))]
    bad = []
    for r in areas.rows:
        pop = r['population']
        for rate, count in pairs:
            if count not in r:
                bad.append(f'{rate} has no matching count column {count}')
                continue
            if not pop:
                if r[rate] is not None:
                    bad.append(f'{r["area_id"]}: {rate} = {r[rate]} but population is {pop!r} (expected null)')
            elif not close(r[rate], r[count] * 10000.0 / pop):
                bad.append(f'{r["area_id"]}: {rate} = {r[rate]} != {r[count]} * 10000 / {pop}')
    fail_list('per 10 000 inhabitants rates', bad)


def test_links_inside_across(out):
    area_of = {r['actor_id']: r['area_id'] for r in out.layer('actors').rows}
    inside, across = Counter(), Counter()
    for l in out.layer('cooperation_links').rows:
        a, b = area_of.get(l['source_id']), area_of.get(l['target_id'])
        if a is None or b is None:  # a link to an actor without area counts for neither
            continue
        if a == b:
            inside[a] += 1
        else:
            across[a] += 1
            across[b] += 1
    bad = []
    for r in out.layer('areas').rows:
        a = r['area_id']
        if r['n_links_inside'] != inside.get(a, 0):
            bad.append(f'{a}: n_links_inside {r["n_links_inside"]} != {inside.get(a, 0)}')
        if r['n_links_across'] != across.get(a, 0):
            bad.append(f'{a}: n_links_across {r["n_links_across"]} != {across.get(a, 0)}')
    fail_list('n_links_inside / n_links_across recomputed from cooperation_links', bad)


def geodesic_km2(geom, crs):
    to4326 = pyproj.Transformer.from_crs(crs, 'EPSG:4326', always_xy=True).transform
    area, _ = pyproj.Geod(ellps='WGS84').geometry_area_perimeter(shapely.ops.transform(to4326, geom))
    return abs(area) / 1e6


@pytest.mark.parametrize('name', ['areas', 'territory'])
def test_area_km2_ellipsoidal(out, working_crs, name):
    bad = []
    for r in out.layer(name).rows:
        ref = geodesic_km2(r[GEOM], working_crs)
        if r['area_km2'] is None or not math.isclose(r['area_km2'], ref, rel_tol=KM2_REL):
            bad.append(f'{r[KEY_FIELD[name]]}: area_km2 {r["area_km2"]} != {ref} (pyproj Geod WGS84)')
    fail_list(f'{name}.area_km2', bad)


def test_territory_population(out):
    pops = out.layer('areas').column('population')
    t = out.layer('territory').rows[0]['population']
    if pops and all(p is not None for p in pops):
        assert close(t, float(sum(pops))), f'territory population {t} != sum of areas {sum(pops)}'
    else:
        assert t is None, f'territory population {t} but some area has no population'


# --------------------------------------------------------------------------- links

def test_links_ids_order_no_dups_no_loops(out):
    bad, seen = [], Counter()
    for r in out.layer('cooperation_links').rows:
        s, t = r['source_id'], r['target_id']
        if s == t:
            bad.append(f'{r["link_id"]}: self-loop')
        elif not byte_key(s) < byte_key(t):
            bad.append(f'{r["link_id"]}: source_id !< target_id in byte order')
        if r['link_id'] != f'{s}--{t}':
            bad.append(f'{r["link_id"]}: link_id is not "{s}--{t}"')
        seen[(s, t)] += 1
    bad += [f'duplicate pair {k} x{c}' for k, c in seen.items() if c > 1]
    fail_list('cooperation_links ids', bad)


def test_links_geometry_length_crossing(out):
    actors = {r['actor_id']: r for r in out.layer('actors').rows}
    bad = []
    for r in out.layer('cooperation_links').rows:
        s, t = actors.get(r['source_id']), actors.get(r['target_id'])
        if s is None or t is None:
            continue  # reported by test_link_ends_are_actors
        lid = r['link_id']
        ps, pt = s[GEOM], t[GEOM]
        if ps is None or pt is None:
            if r[GEOM] is not None:
                bad.append(f'{lid}: an end has no location but the link has a geometry')
            if r['length_m'] is not None:
                bad.append(f'{lid}: an end has no location but length_m = {r["length_m"]}')
        else:
            d = ps.distance(pt)
            if r['length_m'] is None or abs(r['length_m'] - d) > LEN_TOL:
                bad.append(f'{lid}: length_m {r["length_m"]} != planar distance {d}')
            g = r[GEOM]
            if g is None and d == 0:
                pass  # two actors at the same point: no valid line to draw (docs/output-contract.md)
            elif g is None:
                bad.append(f'{lid}: both ends located but geometry is null')
            else:
                ends = [Point(g.coords[0]), Point(g.coords[-1])]
                ok = ((ends[0].distance(ps) <= LEN_TOL and ends[1].distance(pt) <= LEN_TOL) or
                      (ends[0].distance(pt) <= LEN_TOL and ends[1].distance(ps) <= LEN_TOL))
                if not ok:
                    bad.append(f'{lid}: line ends {g.coords[0]}, {g.coords[-1]} are not the actor points')
        a, b = s['area_id'], t['area_id']
        expect = None if a is None or b is None else int(a != b)
        got = r['crosses_areas']
        if (got is None) != (expect is None) or (got is not None and int(got) != expect):
            bad.append(f'{lid}: crosses_areas {got!r}, expected {expect!r} (areas {a!r}, {b!r})')
        if r['weight'] is None or not r['weight'] > 0:
            bad.append(f'{lid}: weight {r["weight"]!r} should be a positive number')
    fail_list('cooperation_links geometry/length_m/crosses_areas/weight', bad)


# --------------------------------------------------------------------------- GeoJSON

def _polys(geom_json):
    t, c = geom_json['type'], geom_json['coordinates']
    return [c] if t == 'Polygon' else c if t == 'MultiPolygon' else None


def _shapely_polys(g):
    return [g] if g.geom_type == 'Polygon' else list(g.geoms)


def compare_geometry(g, gj, tf):
    """Return a problem string, or None when the GeoJSON geometry is g reprojected."""
    if g is None or gj is None:
        return None if g is None and gj is None else f'null mismatch (gpkg {g is None}, geojson {gj is None})'
    if g.geom_type in ('Point', 'LineString', 'MultiPoint'):
        if gj['type'] != g.geom_type:
            return f'type {gj["type"]} != {g.geom_type}'
        ref = np.array([p.coords[0] for p in g.geoms] if g.geom_type == 'MultiPoint' else g.coords)[:, :2]
        got = np.array([gj['coordinates']] if g.geom_type == 'Point' else gj['coordinates'], dtype=float)[:, :2]
        if ref.shape != got.shape:
            return f'{len(got)} positions != {len(ref)}'
        lon, lat = tf.transform(ref[:, 0], ref[:, 1])
        err = np.max(np.hypot(got[:, 0] - lon, got[:, 1] - lat))
        return None if err <= DEG_TOL else f'max coordinate error {err:.3g} deg'
    if g.geom_type in ('Polygon', 'MultiPolygon'):
        polys = _polys(gj)
        if polys is None:
            return f'type {gj["type"]} for a {g.geom_type}'
        spolys = _shapely_polys(g)
        if len(polys) != len(spolys):
            return f'{len(polys)} polygons != {len(spolys)}'
        worst = 0.0
        for sp, jp in zip(spolys, polys):
            srings = [sp.exterior] + list(sp.interiors)
            if len(srings) != len(jp):
                return f'{len(jp)} rings != {len(srings)}'
            for sr, jr in zip(srings, jp):
                ref = np.array(sr.coords)[:, :2]
                got = np.array(jr, dtype=float)[:, :2]
                if len(ref) != len(got):
                    return f'ring of {len(got)} positions != {len(ref)}'
                lon, lat = tf.transform(ref[:, 0], ref[:, 1])
                # orientation may have been reversed for RFC 7946: match each vertex to its nearest
                d = np.hypot(got[:, 0][None, :] - lon[:, None], got[:, 1][None, :] - lat[:, None])
                worst = max(worst, float(d.min(axis=1).max()), float(d.min(axis=0).max()))
        return None if worst <= DEG_TOL else f'max vertex error {worst:.3g} deg'
    return f'unexpected gpkg geometry type {g.geom_type}'


@pytest.mark.parametrize('name', SPATIAL_LAYERS)
def test_geojson_matches_gpkg(out, working_crs, name):
    path = out.geojson_dir / f'{name}.geojson'
    assert path.is_file(), f'{path} missing'
    fc = out.geojson(name)
    assert fc.get('type') == 'FeatureCollection', f'{path}: not a FeatureCollection'
    assert 'crs' not in fc, f'{path}: has a crs member'
    feats = fc['features']
    rows = out.layer(name).rows
    assert len(feats) == len(rows), f'{name}: {len(feats)} GeoJSON features != {len(rows)} GeoPackage rows'
    key = KEY_FIELD[name]
    if feats and all(key in (f.get('properties') or {}) for f in feats):
        by_key = {f['properties'][key]: f for f in feats}
        pairs = [(r, by_key.get(r[key])) for r in rows]
    else:  # no key in the properties: pair by order
        pairs = list(zip(rows, feats))
    tf = pyproj.Transformer.from_crs(working_crs, 'EPSG:4326', always_xy=True)
    n = len(pairs)
    sample = sorted(set(np.linspace(0, n - 1, num=min(n, 25)).astype(int))) if n else []
    bad = []
    for i in sample:
        r, f = pairs[i]
        if f is None:
            bad.append(f'{r[key]}: not in GeoJSON')
            continue
        p = compare_geometry(r[GEOM], f.get('geometry'), tf)
        if p:
            bad.append(f'{r[key]}: {p}')
    fail_list(f'{name}: GeoJSON vs GeoPackage reprojected with pyproj', bad)


# --------------------------------------------------------------------------- privacy, data quality

def test_privacy_no_personal_columns(out):
    bad = []
    for name in out.layer_names():
        bad += [f'{name}.{c}' for c in out.layer(name).fields if PRIVACY_RE.search(c)]
    for name in SPATIAL_LAYERS:
        path = out.geojson_dir / f'{name}.geojson'
        if path.is_file():
            props = set()
            for f in out.geojson(name)['features']:
                props.update((f.get('properties') or {}).keys())
            bad += [f'geojson/{name}.geojson:{c}' for c in sorted(props) if PRIVACY_RE.search(c)]
    fail_list(f'columns matching {PRIVACY_RE.pattern!r} (personal data)', bad)


def test_data_quality_rows(out):
    lyr = out.layer('data_quality')
    bad = []
    ids = Counter()
    for r in lyr.rows:
        ident = r.get('problem_id', r[FID])
        ids[ident] += 1
        if not (r.get('kind') or '').strip():
            bad.append(f'problem {ident}: empty kind')
        if r.get('severity') not in ('error', 'warning', 'info'):
            bad.append(f'problem {ident}: severity {r.get("severity")!r}')
        if not (r.get('message') or '').strip():
            bad.append(f'problem {ident}: empty message')
        if not isinstance(r.get('problem_id'), int):
            bad.append(f'problem {ident}: problem_id {r.get("problem_id")!r} is not an integer')
    bad += [f'problem_id {k} used {c} times' for k, c in ids.items() if c > 1]
    fail_list('data_quality rows', bad)
