"""Shared set-up of the headless PyQGIS checks (qgis_open.py, qgis_project.py).

Importing this module, before anything from qgis, selects Qt's offscreen platform and gives Qt the
private (0700) runtime directory it wants, a throw-away one unless XDG_RUNTIME_DIR is set.
PyQGIS 3.22 can crash at exit while layers are alive: callers free them, call exitQgis(), then
finish(status), which ends the process with os._exit so that the exit status is the check's verdict.
"""
import os
import shutil
import sys
import tempfile

os.environ['QT_QPA_PLATFORM'] = 'offscreen'
_RUNTIME_DIR = None
if not os.environ.get('XDG_RUNTIME_DIR'):
    _RUNTIME_DIR = tempfile.mkdtemp(prefix='qgis-runtime-')
    os.environ['XDG_RUNTIME_DIR'] = _RUNTIME_DIR


def finish(status):
    """Remove the runtime directory, flush, and exit with `status` at once."""
    if _RUNTIME_DIR:
        shutil.rmtree(_RUNTIME_DIR, ignore_errors=True)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


def run(main):
    """Run `main()` (returns an exit status) and finish with it: argparse's exits keep their
    status, any other exception is reported as a failure, never as success."""
    try:
        status = main()
    except SystemExit as e:  # argparse
        status = e.code if isinstance(e.code, int) else 2
    except BaseException as e:  # noqa: BLE001 - report, never exit 0 by accident
        import traceback
        traceback.print_exc()
        print(f'FAIL: unexpected error: {type(e).__name__}: {e}', flush=True)
        status = 1
    finish(status)
