"""Diagnostic.crs_reason: why the working CRS was chosen (docs/presets.md)."""
import json

import territoire


def test_crs_reason_legal_projection_overseas(tmp_path):
    ring = [[45.20, -12.80], [45.22, -12.80], [45.22, -12.78], [45.20, -12.78], [45.20, -12.80]]
    (tmp_path / 't.geojson').write_text(json.dumps({'type': 'FeatureCollection', 'features': [
        {'type': 'Feature', 'properties': {'code': '97611'}, 'geometry': {'type': 'Polygon', 'coordinates': [ring]}}]}))
    (tmp_path / 'p.toml').write_text('[territory]\npath = "t.geojson"\n[areas]\npath = "t.geojson"\nid_field = "code"\n')
    d = territoire.analyse(tmp_path / 'p.toml')
    assert d.crs == 'EPSG:4471'
    assert 'Mayotte' in d.crs_reason and '97611' in d.crs_reason
