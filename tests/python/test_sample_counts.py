"""Known numbers for the Deux-Sèvres sample (TERRITOIRE_OUT = its output directory).

The sample: territory = union of the 290 communes of
realdata/france-geojson/communes-79-deux-sevres.geojson, areas = those communes
keyed by `code`, places include the national public-libraries CSV
(realdata/culture-bibliotheques/adresses_des_bibliotheques_publiques_prepared.csv)
with kind 'bibliothèque'.

Where 140 and 6 come from: of the 15 702 rows of the libraries CSV, 15 538 have
Longitude/Latitude (WGS 84); 140 of those points lie within one of the 290
communes of Deux-Sèvres, 6 of them within Niort (INSEE 79191).  realdata/SOURCES.md
states the same numbers (geopandas sjoin(within) and GDAL SQLite ST_Within agree);
test_reference_numbers_from_realdata recomputes them with geopandas/GEOS.
"""
import os

import pandas as pd
import geopandas as gpd
import pytest

# The output under test is the Deux-Sèvres sample's unless TERRITOIRE_SAMPLE_NAME says otherwise.
SAMPLE = os.environ.get('TERRITOIRE_SAMPLE_NAME', 'deux-sevres')
only_this_sample = pytest.mark.skipif(SAMPLE != 'deux-sevres', reason=f'output is the {SAMPLE} sample')

EXPECTED_LIBRARIES = 140
EXPECTED_LIBRARIES_NIORT = 6
NIORT = '79191'
LIBRARY_KIND = 'bibliothèque'
N_COMMUNES_79 = 290

COMMUNES = 'france-geojson/communes-79-deux-sevres.geojson'
LIBRARIES = 'culture-bibliotheques/adresses_des_bibliotheques_publiques_prepared.csv'


@only_this_sample
def test_library_places_in_output(out):
    rows = out.layer('places').rows
    libs = [r for r in rows if r['kind'] == LIBRARY_KIND]
    kinds = sorted({r['kind'] for r in rows if r['kind']})
    assert len(libs) == EXPECTED_LIBRARIES, (
        f"{len(libs)} places of kind {LIBRARY_KIND!r}, expected {EXPECTED_LIBRARIES} "
        f"(libraries of the CSV located within the 290 communes of 79); kinds present: {kinds}")
    niort = [r for r in libs if r['area_id'] == NIORT]
    assert len(niort) == EXPECTED_LIBRARIES_NIORT, (
        f"{len(niort)} places of kind {LIBRARY_KIND!r} in area {NIORT} (Niort), "
        f"expected {EXPECTED_LIBRARIES_NIORT}: {[r['name'] for r in niort]}")


@only_this_sample
def test_areas_are_the_communes(out, realdata):
    communes = gpd.read_file(realdata / COMMUNES)
    codes = set(communes['code'])
    assert len(codes) == N_COMMUNES_79
    got = out.layer('areas').column('area_id')
    assert len(got) == N_COMMUNES_79, f'{len(got)} areas, expected {N_COMMUNES_79}'
    assert set(got) == codes, (f'area_id differ from the commune codes: extra {sorted(set(got) - codes)[:10]}, '
                               f'missing {sorted(codes - set(got))[:10]}')


def library_counts(realdata):
    """(libraries within any commune of 79, libraries within Niort), recomputed with geopandas."""
    communes = gpd.read_file(realdata / COMMUNES)[['code', 'geometry']]
    assert communes.crs is not None and communes.crs.to_epsg() == 4326
    csv = pd.read_csv(realdata / LIBRARIES, dtype=str, encoding='utf-8')
    csv = csv.dropna(subset=['Longitude', 'Latitude'])
    pts = gpd.GeoDataFrame(csv[['Code_bib']],
                           geometry=gpd.points_from_xy(csv['Longitude'].astype(float),
                                                       csv['Latitude'].astype(float)),
                           crs='EPSG:4326')
    xmin, ymin, xmax, ymax = communes.total_bounds
    near = pts.cx[xmin:xmax, ymin:ymax]  # bounding-box pre-filter (no rtree/pygeos here for sjoin)
    inside_any = pd.Series(False, index=near.index)
    inside_niort = pd.Series(False, index=near.index)
    for code, geom in zip(communes['code'], communes.geometry):
        w = near.within(geom)
        inside_any |= w
        if code == NIORT:
            inside_niort |= w
    return int(inside_any.sum()), int(inside_niort.sum()), len(csv)


def test_reference_numbers_from_realdata(realdata):
    n_79, n_niort, n_located = library_counts(realdata)
    assert n_located == 15538, f'{n_located} located rows in the libraries CSV (SOURCES.md says 15538)'
    assert n_79 == EXPECTED_LIBRARIES, f'geopandas finds {n_79} libraries within the communes of 79'
    assert n_niort == EXPECTED_LIBRARIES_NIORT, f'geopandas finds {n_niort} libraries within Niort'
