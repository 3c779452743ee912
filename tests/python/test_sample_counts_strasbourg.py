"""Known numbers for the Strasbourg IRIS sample (TERRITOIRE_OUT = its output directory and
TERRITOIRE_SAMPLE_NAME=strasbourg-iris).

The sample: territory = union of the IRIS of realdata/strasbourg-geolimites/iris.geojson with
depcom = 67482 (116 IRIS), areas = those IRIS keyed by `dcomiris` (an Integer field in the source,
which the output must carry as text), places = the national libraries, museums and festivals files.
The expected numbers are recomputed here with geopandas from the reference data.
"""
import os

import geopandas as gpd
import pandas as pd
import pytest

pytestmark = pytest.mark.skipif(os.environ.get('TERRITOIRE_SAMPLE_NAME') != 'strasbourg-iris',
                                reason='output is not the Strasbourg IRIS sample')

IRIS = 'strasbourg-geolimites/iris.geojson'
LIBRARIES = 'culture-bibliotheques/adresses_des_bibliotheques_publiques_prepared.csv'


def strasbourg_iris(realdata):
    iris = gpd.read_file(realdata / IRIS)
    return iris[iris['depcom'] == 67482]


def test_areas_are_the_iris_of_strasbourg_with_text_codes(out, realdata):
    expected = {str(int(c)) for c in strasbourg_iris(realdata)['dcomiris']}
    assert len(expected) == 116
    got = out.layer('areas').column('area_id')
    assert all(isinstance(c, str) and len(c) == 9 for c in got), 'IRIS codes must be 9-character text'
    assert set(got) == expected


def test_libraries_per_iris_match_geopandas(out, realdata):
    iris = strasbourg_iris(realdata)[['dcomiris', 'geometry']]
    csv = pd.read_csv(realdata / LIBRARIES, dtype=str, encoding='utf-8').dropna(subset=['Longitude', 'Latitude'])
    pts = gpd.GeoDataFrame(csv[['Code_bib']], crs='EPSG:4326',
                           geometry=gpd.points_from_xy(csv['Longitude'].astype(float), csv['Latitude'].astype(float)))
    xmin, ymin, xmax, ymax = iris.total_bounds
    near = pts.cx[xmin:xmax, ymin:ymax]
    expected = {}
    for code, geom in zip(iris['dcomiris'], iris.geometry):
        for lib in near[near.within(geom)]['Code_bib']:
            expected[lib] = str(int(code))
    got = {r['place_id']: r['area_id'] for r in out.layer('places').rows if r['kind'] == 'bibliothèque'}
    assert got == expected
    assert len(got) == 11  # the number quoted in the docs
