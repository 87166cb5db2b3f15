"""Front-end libraries are vendored from npm packages, recorded with versions and checksums."""

import importlib.util
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders

SCRIPT = Path(settings.BASE_DIR) / "scripts" / "vendor_static.py"


def _vendor_module():
    spec = importlib.util.spec_from_file_location("vendor_static", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_vendored_files_match_their_recorded_checksums():
    assert _vendor_module().check() == 0


def test_vendored_libraries_are_served_as_static_files():
    for path in (
        "vendor/bootstrap/bootstrap.min.css",
        "vendor/htmx/htmx.min.js",
        "vendor/echarts/echarts.min.js",
    ):
        assert finders.find(path), path


def test_no_template_loads_anything_from_a_cdn():
    for template in (Path(settings.BASE_DIR) / "templates").rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert "//cdn" not in text, template
        assert "https://" not in text, template
