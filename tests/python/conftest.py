"""Shared fixtures for the independent output checks.

The output directory under test comes from the environment variable
TERRITOIRE_OUT (a directory holding diagnostic.gpkg, geojson/, manifest.json).
Without it the output tests are skipped; CI always sets it.
TERRITOIRE_CRS overrides the expected working CRS (default EPSG:2154).
"""
import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from territoire_outputs import Output  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope='session')
def out():
    d = os.environ.get('TERRITOIRE_OUT')
    if not d:
        pytest.skip('TERRITOIRE_OUT is not set: point it at a `territoire run` output directory '
                    '(holding diagnostic.gpkg, geojson/, manifest.json)')
    o = Output(d)
    if not o.dir.is_dir():
        pytest.fail(f'TERRITOIRE_OUT={d} is not a directory')
    if not o.gpkg.is_file():
        pytest.fail(f'{o.gpkg} does not exist')
    return o


@pytest.fixture(scope='session')
def working_crs():
    return os.environ.get('TERRITOIRE_CRS', 'EPSG:2154')


@pytest.fixture(scope='session')
def realdata():
    """The read-only reference data (../shared/realdata from the repo root)."""
    d = Path(os.environ.get('TERRITOIRE_REALDATA', REPO_ROOT.parent / 'shared' / 'realdata'))
    if not d.is_dir():
        pytest.skip(f'reference data not found at {d} (set TERRITOIRE_REALDATA)')
    return d
