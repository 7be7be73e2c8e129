"""The system check names the GDAL and GEOS that Django and shapely load."""

import re
import subprocess
import sys

import shapely
from django.conf import settings


def test_manage_py_check_names_the_gdal_and_geos_in_use():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=120
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    gdal = re.search(r"\(layout\.I001\) GDAL in use: GDAL (\d+\.\d+\.\d+).* from (\S+)\.$", output, re.M)
    geos = re.search(r"\(layout\.I002\) GEOS in use: (\d+\.\d+\.\d+)\S* from (\S+);", output, re.M)
    assert gdal and geos, output
    # the libraries named are the ones the settings point Django at (the wheels' own, by default)
    assert gdal.group(2) == settings.GDAL_LIBRARY_PATH
    assert geos.group(2) == settings.GEOS_LIBRARY_PATH
    assert geos.group(1) == shapely.geos_version_string
