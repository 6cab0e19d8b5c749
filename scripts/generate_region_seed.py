"""Write seeds/admin_divisions.csv from jionlp's division table (provinces, cities, counties).

The full jionlp table (12 MB, down to villages) is too large for a seed; the three levels with their 6-digit
codes are all the warehouse needs (about 200 KB). Run again when jionlp is upgraded:

    .venv/bin/python scripts/generate_region_seed.py
"""

from __future__ import annotations

import csv
import logging
from pathlib import Path

from jionlp.dictionary.dictionary_loader import china_location_loader

SEED = Path(__file__).resolve().parent.parent / "seeds" / "admin_divisions.csv"
COLUMNS = [
    "admin_code",
    "division_level",
    "division_name",
    "short_name",
    "province_name",
    "city_name",
    "county_name",
    "province_code",
    "city_code",
    "is_generic_name",
]
# Names that several cities share and that ordinary text also uses (城区 = "urban area"): never evidence alone.
GENERIC = {"城区", "郊区", "矿区", "市辖区", "新区", "开发区", "高新区"}


def _alias(node: dict) -> str:
    alias = node.get("_alias")
    if isinstance(alias, list):
        alias = alias[0] if alias else ""
    return alias or ""


def rows() -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    seen: set[str] = set()
    for prov_name, prov in sorted(china_location_loader(detail=False).items()):
        prov_code = prov["_admin_code"]
        out.append(
            dict(
                admin_code=prov_code,
                division_level="province",
                division_name=prov_name,
                short_name=_alias(prov),
                province_name=prov_name,
                city_name="",
                county_name="",
                province_code=prov_code,
                city_code="",
                is_generic_name="false",
            )
        )
        for city_name, city in sorted((k, v) for k, v in prov.items() if not k.startswith("_")):
            city_code = city["_admin_code"]
            out.append(
                dict(
                    admin_code=city_code,
                    division_level="city",
                    division_name=city_name,
                    short_name=_alias(city),
                    province_name=prov_name,
                    city_name=city_name,
                    county_name="",
                    province_code=prov_code,
                    city_code=city_code,
                    is_generic_name=str(city_name in GENERIC).lower(),
                )
            )
            for county_name, county in sorted((k, v) for k, v in city.items() if not k.startswith("_")):
                code = county["_admin_code"]
                # Hong Kong and Macau districts carry the SAR's own code, and two zones of 平顶山 share one code:
                # a code must name one county, so such rows are left out (and logged)
                if code == city_code or code in seen:
                    logging.info("skipped %s %s: code %s not unique", city_name, county_name, code)
                    continue
                seen.add(code)
                out.append(
                    dict(
                        admin_code=code,
                        division_level="county",
                        division_name=county_name,
                        short_name=_alias(county),
                        province_name=prov_name,
                        city_name=city_name,
                        county_name=county_name,
                        province_code=prov_code,
                        city_code=city_code,
                        is_generic_name=str(county_name in GENERIC).lower(),
                    )
                )
    return out


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    table = rows()
    with open(SEED, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(table)
    logging.info("wrote %d divisions to %s (%d bytes)", len(table), SEED, SEED.stat().st_size)


if __name__ == "__main__":
    main()
