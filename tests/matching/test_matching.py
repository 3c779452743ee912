"""Merging the same actor or place across sources (docs/matching.md), checked independently.

The fixture project tests/data/matching (synthetic, see make_fixtures.py) is run with the CLI in a
temporary copy, then again with an override file. The expected clusters and the pairs left to the
consultant are recomputed here from the CSVs with plain Python: the documented name measure written
again (unicodedata, our own Jaro-Winkler), pyproj for Lambert-93 coordinates and geodesic
distances, a union-find of our own; the outputs are read back with OGR only.
"""
import csv
import itertools
import os
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from osgeo import ogr
from pyproj import Geod, Transformer

ogr.UseExceptions()
HERE = Path(__file__).resolve().parent
FIXTURES = HERE.parent / 'data' / 'matching'
BIN = os.environ.get('TERRITOIRE_BIN')
TO_L93 = Transformer.from_crs(4326, 2154, always_xy=True)
TO_WGS = Transformer.from_crs(2154, 4326, always_xy=True)
GEOD = Geod(ellps='GRS80')

DISTANCE_M, NAME_SIMILARITY, GREY_ZONE, ID_DISTANCE_M = 150, 0.75, 0.5, 5000
STOP = set('le la les l de du des d et en a au aux sur sous pour par un une the of and association associations '
           'asso assoc compagnie cie societe sarl sas sasu eurl sa scop scic gip epcc loi 1901'.split())


# ---- the documented measure, written again ---------------------------------------------------
def tokens(name):
    folded = unicodedata.normalize('NFKD', name.replace('œ', 'oe').replace('Œ', 'OE').replace('æ', 'ae'))
    ascii_ = ''.join(c for c in folded if not unicodedata.combining(c)).lower()
    words = ''.join(c if c.isascii() and c.isalnum() else ' ' for c in ascii_).split()
    words = ['saint' if w == 'st' else 'sainte' if w == 'ste' else w for w in words]
    return sorted({w for w in words if len(w) >= 2 and w not in STOP})


def jaro_winkler(a, b):
    if not a or not b:
        return 0.0
    window = max(max(len(a), len(b)) // 2 - 1, 0)
    fa, fb = [False] * len(a), [False] * len(b)
    m = 0
    for i, c in enumerate(a):
        for j in range(max(0, i - window), min(len(b), i + window + 1)):
            if not fb[j] and b[j] == c:
                fa[i] = fb[j] = True
                m += 1
                break
    if m == 0:
        return 0.0
    sa = [c for c, f in zip(a, fa) if f]
    sb = [c for c, f in zip(b, fb) if f]
    t = sum(x != y for x, y in zip(sa, sb)) / 2
    jaro = (m / len(a) + m / len(b) + (m - t) / m) / 3
    p = 0
    while p < 4 and p < len(a) and p < len(b) and a[p] == b[p]:
        p += 1
    return jaro + p * 0.1 * (1 - jaro)


def similarity(ta, tb):
    if not ta or not tb:
        return 0.0
    ua, ub = set(), set()
    for i, t in enumerate(ta):
        if t in tb:
            ua.add(i)
            ub.add(tb.index(t))
    for i, t in enumerate(ta):
        if i in ua or len(t) < 5:
            continue
        best, bj = 0.0, None
        for j, u in enumerate(tb):
            if j in ub or len(u) < 5:
                continue
            s = jaro_winkler(t, u)
            if s > best:
                best, bj = s, j
        if best >= 0.92:
            ua.add(i)
            ub.add(bj)
    m = len(ua)
    return (m / (len(ta) + len(tb) - m) + m / min(len(ta), len(tb))) / 2


def test_measure_examples():
    # Hand-checked values of the measure the page documents (docs/matching.md).
    assert tokens("Compagnie Les Arts Verts") == ['arts', 'verts']
    assert tokens("Théâtre de l'Œuvre") == ['oeuvre', 'theatre']
    assert round(jaro_winkler('martha', 'marhta'), 4) == 0.9611
    assert similarity(['moulin', 'roc'], ['moulin', 'nationale', 'roc', 'scene']) == 0.75


# ---- the fixture sources, as plain records ------------------------------------------------------
def read(name):
    with open(FIXTURES / name, encoding='utf-8') as f:
        return list(csv.DictReader(f, delimiter=';'))


def norm_id(kind, raw):
    v = ''.join(raw.split()).upper()
    if not v:
        return None
    if kind == 'siret' and not (len(v) == 14 and v.isdigit()):
        return None
    return v


def records():
    """Actors and places of every source, in project order, with L93 points and identifiers."""
    actors, places = [], []
    for r in read('inventaire.csv'):
        actors.append(dict(id=r['id'], name=r['nom'], source='inventaire',
                           lonlat=TO_WGS.transform(float(r['x']), float(r['y'])) if r['x'] else None,
                           ids={k: v for k, v in {'siret': norm_id('siret', r['siret'])}.items() if v}))
    for r in read('rna.csv'):
        actors.append(dict(id=r['id'], name=r['titre'], source='rna', lonlat=None,
                           ids={k: v for k, v in {'rna': norm_id('rna', r['id']), 'siret': norm_id('siret', r['siret'])}.items() if v}))
    for r in read('annuaire.csv'):
        actors.append(dict(id=r['ref'], name=r['nom'], source='annuaire', lonlat=(float(r['lon']), float(r['lat'])),
                           ids={k: v for k, v in {'rna': norm_id('rna', r['num_rna']), 'siret': norm_id('siret', r['siret'])}.items() if v}))
    for r in read('lieux.csv'):
        places.append(dict(id=r['id'], name=r['nom'], source='lieux', lonlat=TO_WGS.transform(float(r['x']), float(r['y'])),
                           ids={'origin': r['id_ministere'].upper()} if r['id_ministere'] else {}))
    for r in read('basilic.csv'):
        places.append(dict(id=r['ID'], name=r['Nom'], source='basilic', lonlat=(float(r['Longitude']), float(r['Latitude'])),
                           ids={'origin': r['Identifiant origine'].upper()} if r['Identifiant origine'] else {}))
    return actors, places


def expected(recs, overrides):
    """(clusters as sets of ids with ≥ 2 members, pairs listed for the consultant as frozensets)."""
    def dist(a, b):
        if a['lonlat'] is None or b['lonlat'] is None:
            return None
        return GEOD.inv(*a['lonlat'], *b['lonlat'])[2]  # geodesic metres

    def conflict(a, b):
        return any(k in b['ids'] and b['ids'][k] != v for k, v in a['ids'].items())

    accepted, listed = [], set()
    for a, b in itertools.combinations(recs, 2):
        if a['source'] == b['source']:
            continue
        d = dist(a, b)
        shared = any(b['ids'].get(k) == v for k, v in a['ids'].items())
        if shared:
            if conflict(a, b) or (d is not None and d > ID_DISTANCE_M):
                listed.add(frozenset((a['id'], b['id'])))
            else:
                accepted.append((a, b, 2.0))
            continue
        if d is None or d > DISTANCE_M:
            continue
        s = similarity(tokens(a['name']), tokens(b['name']))
        if s < GREY_ZONE:
            continue
        if s >= NAME_SIMILARITY and not conflict(a, b):
            accepted.append((a, b, s))
        elif s >= NAME_SIMILARITY or not conflict(a, b):
            listed.add(frozenset((a['id'], b['id'])))
    # One record accepted with several of one other source: none of those pairs is merged.
    fan = {}
    for a, b, _ in accepted:
        fan.setdefault((a['id'], b['source']), []).append(frozenset((a['id'], b['id'])))
        fan.setdefault((b['id'], a['source']), []).append(frozenset((a['id'], b['id'])))
    ambiguous = {p for pairs in fan.values() if len(pairs) > 1 for p in pairs}
    listed |= ambiguous
    edges = [frozenset((a['id'], b['id'])) for a, b, _ in accepted if frozenset((a['id'], b['id'])) not in ambiguous]
    ids = {r['id'] for r in recs}
    for pair, decision in overrides.items():
        if not pair <= ids:
            continue
        listed.add(pair)
        if decision == 'same':
            edges.append(pair)
        elif pair in edges:
            edges.remove(pair)
    parent = {i: i for i in ids}

    def find(x):
        while parent[x] != x:
            x = parent[x]
        return x
    for pair in edges:
        a, b = sorted(pair)
        parent[find(a)] = find(b)
    clusters = {}
    for i in ids:
        clusters.setdefault(find(i), set()).add(i)
    return sorted(sorted(c) for c in clusters.values() if len(c) > 1), listed


# ---- the run ----------------------------------------------------------------------------------
def layer_rows(gpkg, name):
    ds = ogr.Open(str(gpkg))
    lyr = ds.GetLayerByName(name)
    return [{lyr.GetLayerDefn().GetFieldDefn(i).GetName(): f.GetField(i) for i in range(f.GetFieldCount())} for f in lyr]


def run(project_dir):
    out = project_dir / 'out'
    shutil.rmtree(out, ignore_errors=True)
    subprocess.run([BIN, 'run', str(project_dir / 'project.toml'), '-o', str(out), '--no-maps', '--no-sheets', '--no-xlsx'],
                   check=True, capture_output=True)
    return out / 'diagnostic.gpkg'


@pytest.fixture()
def project(tmp_path):
    if not BIN:
        pytest.skip('TERRITOIRE_BIN is not set')
    d = tmp_path / 'p'
    shutil.copytree(FIXTURES, d)
    return d


def clusters_in(gpkg, table, key):
    groups = {}
    for r in layer_rows(gpkg, table):
        groups.setdefault(r[key], set()).add(r['record_id'])
    return sorted(sorted(g) for g in groups.values())


def check_run(gpkg, overrides):
    actors, places = records()
    for recs, table, key, layer in [(actors, 'actor_sources', 'actor_id', 'actors'),
                                    (places, 'place_sources', 'place_id', 'places')]:
        want_clusters, want_listed = expected(recs, overrides)
        assert clusters_in(gpkg, table, key) == want_clusters
        # Each merged record kept once: the kept one is the first in project order.
        order = [r['id'] for r in recs]
        kept = {r[key] for r in layer_rows(gpkg, table)}
        assert kept == {min(c, key=order.index) for c in want_clusters}
        merged_away = {i for c in want_clusters for i in c} - kept
        layer_ids = {r[key] for r in layer_rows(gpkg, layer)}
        assert layer_ids == {r['id'] for r in recs} - merged_away
        collection = 'actor' if layer == 'actors' else 'place'
        got_listed = {frozenset((r['id_a'], r['id_b'])) for r in layer_rows(gpkg, 'match_candidates')
                      if r['collection'] == collection}
        assert got_listed == want_listed
    # Distances of the pairs, planar Lambert-93 in the tool, geodesic here: within 0.1 %.
    by_id = {r['id']: r for r in actors + places}
    for r in layer_rows(gpkg, 'match_candidates') + layer_rows(gpkg, 'actor_sources') + layer_rows(gpkg, 'place_sources'):
        a, b = (r['id_a'], r['id_b']) if 'id_a' in r else (r['record_id'], r['matched_with'])
        if r['distance_m'] is None or b is None:
            continue
        g = GEOD.inv(*by_id[a]['lonlat'], *by_id[b]['lonlat'])[2]
        assert abs(r['distance_m'] - g) <= 1e-3 * g + 0.01


def test_first_run_merges_by_id_and_by_name_and_lists_the_ambiguous(project):
    gpkg = run(project)
    check_run(gpkg, {})
    actors = {r['actor_id']: r for r in layer_rows(gpkg, 'actors')}
    assert {'INV1', 'INV2'} <= actors.keys() and not {'W790000001', 'A1', 'A2'} & actors.keys()
    # Links and participations naming merged-away ids land on the kept actors; A1 - INV1 became a
    # self-loop; the project P1 (W790000001, A2, INV3) links INV1, INV2 and INV3.
    links = {(r['source_id'], r['target_id']): r['weight'] for r in layer_rows(gpkg, 'cooperation_links')}
    assert links == {('INV1', 'INV2'): 2, ('A3', 'INV1'): 1, ('INV1', 'INV3'): 1, ('INV2', 'INV3'): 1}
    kinds = [r['kind'] for r in layer_rows(gpkg, 'data_quality')]
    assert kinds.count('match_ambiguous') == 5 and 'invalid_identifier' in kinds and 'self_loop' in kinds
    # The Basilic capacity fills the consultant's place.
    places = {r['place_id']: r for r in layer_rows(gpkg, 'places')}
    assert places['L1']['capacity'] == 450
    # Provenance complete: every record of every cluster, the rule that joined it.
    rules = {r['record_id']: r['rule'] for r in layer_rows(gpkg, 'actor_sources')}
    assert rules == {'INV1': 'kept', 'W790000001': 'id:siret', 'A1': 'id:rna', 'INV2': 'kept', 'A2': 'name_distance',
                     'INV8': 'kept', 'A8': 'id:siret'}
    # INV8 had no point in the inventory: it takes A8's (same place, same area, A8's method).
    a8 = next(r for r in read('annuaire.csv') if r['ref'] == 'A8')
    x, y = TO_L93.transform(float(a8['lon']), float(a8['lat']))
    ds = ogr.Open(str(gpkg))
    lyr = ds.GetLayerByName('actors')
    lyr.SetAttributeFilter("actor_id = 'INV8'")
    f = lyr.GetNextFeature()
    assert abs(f.GetGeometryRef().GetX() - x) < 0.01 and abs(f.GetGeometryRef().GetY() - y) < 0.01
    assert f.GetField('area_id') == 'EST' and f.GetField('location_method') == 'coordinates'
    used = {r['record_id']: r['fields_used'] for r in layer_rows(gpkg, 'actor_sources')}
    assert used['A8'] == 'localisation' and used['W790000001'] == 'identifiant rna'



def test_overrides_are_applied_on_the_next_run(project):
    run(project)
    overrides = {frozenset(('INV5', 'A5a')): 'same', frozenset(('INV2', 'A2')): 'different',
                 frozenset(('A6', 'INV6')): 'same'}
    (project / 'doublons.csv').write_text('id_a;id_b;decision\nINV5;A5a;same\nINV2;A2;different\nA6;INV6;same\n'
                                          'X1;INV1;same\nA4;INV4;\n', encoding='utf-8')
    gpkg = run(project)
    check_run(gpkg, overrides)
    decided = {frozenset((r['id_a'], r['id_b'])): r['decision'] for r in layer_rows(gpkg, 'match_candidates')}
    assert decided[frozenset(('INV2', 'A2'))] == 'different'
    links = {(r['source_id'], r['target_id']) for r in layer_rows(gpkg, 'cooperation_links')}
    assert ('A2', 'INV1') in links  # A2 is an actor again
    quality = layer_rows(gpkg, 'data_quality')
    unknown = [r for r in quality if r['kind'] == 'override_unknown_id']
    assert len(unknown) == 1 and 'X1' in unknown[0]['message']
