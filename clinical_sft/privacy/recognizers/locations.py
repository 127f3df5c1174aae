"""Places: street addresses, cities, states, ZIP codes, hospitals and other facilities.

Multi-word lexicons (cities, well-known facilities) are matched with one Aho-Corasick automaton
pass over the upper-cased text; the rest walks the shared token scan.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from typing import Any

import ahocorasick

from clinical_sft.privacy.recognizers._lexicons import (
    AMBIGUOUS,
    EPONYM_NEXT,
    NOT_NAME,
    PURE,
    Lexicons,
    fold,
    get_lexicons,
    medical_shape,
)
from clinical_sft.privacy.recognizers._scan import Scan, scan

__all__ = ["STATES", "STATE_ABBR", "find_addresses", "find_facilities", "find_places"]

Hit = tuple[int, int, str, float]

STATES = {
    "ALABAMA", "ALASKA", "ARIZONA", "ARKANSAS", "CALIFORNIA", "COLORADO", "CONNECTICUT", "DELAWARE",
    "FLORIDA", "GEORGIA", "HAWAII", "IDAHO", "ILLINOIS", "INDIANA", "IOWA", "KANSAS", "KENTUCKY",
    "LOUISIANA", "MAINE", "MARYLAND", "MASSACHUSETTS", "MICHIGAN", "MINNESOTA", "MISSISSIPPI", "MISSOURI",
    "MONTANA", "NEBRASKA", "NEVADA", "NEW HAMPSHIRE", "NEW JERSEY", "NEW MEXICO", "NEW YORK",
    "NORTH CAROLINA", "NORTH DAKOTA", "OHIO", "OKLAHOMA", "OREGON", "PENNSYLVANIA", "RHODE ISLAND",
    "SOUTH CAROLINA", "SOUTH DAKOTA", "TENNESSEE", "TEXAS", "UTAH", "VERMONT", "VIRGINIA", "WASHINGTON",
    "WEST VIRGINIA", "WISCONSIN", "WYOMING", "PUERTO RICO", "DISTRICT OF COLUMBIA",
    # Canadian provinces (snowbirds, transfers across the border)
    "ONTARIO", "QUEBEC", "MANITOBA", "SASKATCHEWAN", "ALBERTA", "BRITISH COLUMBIA", "NOVA SCOTIA", "NEW BRUNSWICK",
    "NEWFOUNDLAND", "PRINCE EDWARD ISLAND",
    # Mexican states (families across the border: "Nogales, Sonora", "MATAMOROS, TAMAULIPAS")
    "AGUASCALIENTES", "BAJA CALIFORNIA", "BAJA CALIFORNIA SUR", "CAMPECHE", "CHIAPAS", "CHIHUAHUA", "COAHUILA",
    "COLIMA", "DURANGO", "GUANAJUATO", "GUERRERO", "HIDALGO", "JALISCO", "MICHOACAN", "MORELOS", "NAYARIT",
    "NUEVO LEON", "OAXACA", "PUEBLA", "QUERETARO", "QUINTANA ROO", "SAN LUIS POTOSI", "SINALOA", "SONORA", "TABASCO",
    "TAMAULIPAS", "TLAXCALA", "VERACRUZ", "YUCATAN", "ZACATECAS",
}
STATE_ABBR = frozenset(
    "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND "
    "OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC PR".split())
STREET_SUFFIX = frozenset(
    "STREET ST AVENUE AVE AV ROAD RD BOULEVARD BLVD DRIVE DR LANE LN WAY COURT CT PLACE PL TERRACE TER "
    "CIRCLE CIR PARKWAY PKWY HIGHWAY HWY SQUARE SQ TRAIL TRL ROUTE RTE PIKE ALLEY TURNPIKE TPKE PLAZA TERR "
    "EXPRESSWAY FREEWAY CRESCENT CRES GROVE ROW WALK PATH LOOP RUN XING CROSSING POINT HEIGHTS HTS "
    "STRASSE STRAAT KATU VEJ GATAN CALLE RUA".split())
# suffixes that are ordinary words too ("3 MORE RUNS", "2 BEDSIDE COURT"): the street words must look like a name
_WEAK_SUFFIX = frozenset("WAY PLACE PL COURT CT CIRCLE CIR SQUARE SQ TRAIL TRL ROUTE RTE PLAZA GROVE ROW WALK PATH "
                         "LOOP RUN XING CROSSING POINT HEIGHTS HTS DRIVE DR".split())
# words never inside a street's name between the house number and the suffix
_NOT_IN_STREET = frozenset("ON IN AT TO FROM FOR WITH BY VS WHILE AFTER WHEN YO YOM YOF YR YRS YEAR YEARS".split())
UNIT_WORDS = frozenset("APT APARTMENT SUITE STE UNIT FLOOR FL RM ROOM BLDG BUILDING NO # SPC SPACE LOT TRLR".split())
# volunteer fire departments, rescue squads and sheriffs: "OSAGE BEND VFD", "BUFFALO GAP SHERIFF'S OFFICE"
_RURAL_RESCUE_HEADS = ("VFD", "RURAL FIRE", "VOLUNTEER FIRE", "VOLUNTEER FIRE DEPARTMENT", "FIRE RESCUE", "RESCUE SQUAD",
                       "SHERIFF'S OFFICE", "SHERIFFS OFFICE", "SHERIFF'S DEPT", "SHERIFF'S DEPARTMENT", "VOL FIRE",
                       "VOL FIRE DEPT", "VOLUNTEER FIRE DEPT")
# heads of organisations that identify (weak heads: a name must come before them)
_ORG_HEADS = (
    "COMMISSION", "NETWORK", "FOUNDATION", "SOCIETY", "ASSOCIATION", "AUTHORITY", "COUNCIL", "ELEMENTARY",
    "ASSN", "FAMILY ASSOCIATION", "FAMILY ASSN", "BENEVOLENT ASSOCIATION", "BENEVOLENT ASSN", "FAMILY BENEVOLENT ASSN",
    "FAMILY BENEVOLENT ASSOCIATION", "AMERICAN ASSOC", "AMERICAN ASSOCIATION",
    "HIGH SCHOOL", "MIDDLE SCHOOL", "COMMUNITY COLLEGE", "NAVY YARD", "SHIPYARD", "DRYDOCK", "AFB", "AIR FORCE BASE",
    "NAVAL STATION", "NAVAL AIR STATION", "ARMY BASE", "BARRACKS", "ARMY AIRFIELD", "ARSENAL", "EXPRESS", "SIDING", "ROOFING", "COOP", "CO-OP", "CO",
    "SERVICES", "ORCHESTRA", "SYMPHONY ORCHESTRA", "MUSEUM", "THEATER", "THEATRE", "PAVILION", "MINISTRIES", "MINISTRY", "TABERNACLE", "MASJID", "GURDWARA", "MANDIR", "RESTAURANT", "CAFE", "BAKERY",
    "SALON", "GROCERY", "DELI", "MORTUARY", "FUNERAL SERVICE", "FUNERAL SERVICES", "SENIOR SERVICES",
    "FAMILY SERVICE", "FAMILY SERVICES", "CHILDREN'S SERVICE", "CHILDREN'S SERVICES", "ISLAMIC SOCIETY", "ISLAMIC CENTER",
    "FAMILY COURT", "PROBATE AND FAMILY COURT", "FAMILY AND CHILDREN'S SERVICE", "FAMILY AND CHILDREN'S SERVICES",
    "HOUSING COURT", "JUVENILE COURT", "SUPERIOR COURT", "MUNICIPAL COURT", "BEVERAGES", "ELECTRIC",
    "GYM", "TAVERN", "PUB", "GRILL", "SALOON", "GARDENS", "HOUSE", "NURSING PAVILION", "CELLARS", "WINERY",
    "VINEYARDS", "ORCHARDS", "POULTRY", "CASINO", "STEAMSHIP", "CONTRACTORS", "BUILDERS", "BASILICA", "LODGE",
    "FUNERAL", "MEMORY GARDENS", "POST ACUTE", "POST-ACUTE", "CONVALESCENT", "BOARD AND CARE", "CARDIOLOGY",
    "ADVENTIST", "FAMILY INN", "CONSULTANTS", "PLANT", "ASSEMBLY PLANT", "POWER PLANT", "REFINERY", "RESERVATION",
    "CAMP", "REFUGEE CAMP", "MISSION", "RESCUE MISSION", "FD", "FIRE DEPARTMENT", *_RURAL_RESCUE_HEADS,
    "FEEDERS", "COOPERATIVE", "NAILS", "PASTRY", "TAILORING",
    "CREAMERY", "SCHOOL DISTRICT", "MED", "CEMETERY", "CHARITIES", "LEGAL SERVICES", "LEGAL AID",
    "BLOCK CLUB", "PACKERS", "GROWERS", "TEMPS", "STAFFING", "WELL SERVICE", "WELL SERVICES", "COAL", "COAL COMPANY",
    "JANITORIAL", "EXCAVATING", "PAVING", "LANDSCAPING", "WELDING", "FABRICATION", "DISTRIBUTING", "TRUCK LINES",
    *(f"{spec} {head}" for spec in ("PULMONARY", "CARDIOLOGY", "CARDIAC", "RENAL", "KIDNEY", "NEPHROLOGY", "ONCOLOGY",
                                    "HEMATOLOGY", "GI", "NEUROLOGY", "UROLOGY", "ORTHOPEDIC", "ORTHOPAEDIC", "SURGICAL",
                                    "INTERNAL MEDICINE", "FAMILY MEDICINE", "PRIMARY CARE", "PEDIATRIC", "WOMEN'S")
      for head in ("ASSOC", "ASSOCIATES", "GROUP", "CONSULTANTS", "SPECIALISTS", "PRACTICE")),
)
FACILITY_HEADS = (
    "HOSPITAL", "MEDICAL CENTER", "MEDICAL CTR", "MED CTR", "MEDICAL CENTRE", "HEALTH CENTER", "HEALTH CENTRE",
    "HEALTH SYSTEM", "HEALTHCARE", "HEALTH CARE CENTER", "CLINIC", "INFIRMARY", "HOSPICE", "REHAB CENTER",
    "REHABILITATION CENTER", "REHABILITATION HOSPITAL", "REHAB", "NURSING HOME", "NURSING FACILITY",
    "NURSING CENTER", "CARE CENTER", "SKILLED NURSING", "ASSISTED LIVING", "MEDICAL GROUP", "HEALTH",
    "CANCER CENTER", "CANCER INSTITUTE", "INSTITUTE", "DIALYSIS UNIT", "DIALYSIS CENTER", "DIALYSIS",
    "CORRECTIONAL FACILITY", "CORRECTIONAL CENTER", "FACILITY", "PRISON", "JAIL", "SHELTER", "LIVING CENTER", "SANATORIUM", "SANITARIUM", "UNIVERSITY",
    "COLLEGE", "SCHOOL", "PHARMACY", "MANOR", "VILLAGE", "HOME", "CENTER", "HOSP", "GEN", "MEMORIAL",
    "HEALTH CTR", "COMMUNITY HEALTH CTR", "COMMUNITY HEALTH CENTER", "CHC", "INN", "CAH",
    # other organisations that identify (employers, police, courts, churches): weak heads
    "PD", "POLICE", "POLICE DEPT", "FIRE DEPT", "DISTRICT COURT", "PROBATE COURT", "COURT", "CHURCH", "PARISH",
    "MOSQUE", "SYNAGOGUE", "HOTEL", "MOTEL", "DINER", "INC", "LLC", "CORP", "COMPANY", "AIRLINES", "MOTORS",
    "CONSTRUCTION", "TRUCKING", "BANK", "CHAPELS", "CHAPEL", "FUNERAL HOME", "SCHOOLS", "ACADEMY",
    "ASSOC", "ASSOCIATES", "SURGICAL ASSOC", "SURGICAL ASSOCIATES", "MEDICAL ASSOCIATES", "CARDIOLOGY ASSOCIATES",
    # a specialty before a weak head makes a strong one ("X HEART INSTITUTE", "X EYE CENTER")
    "HEART INSTITUTE", "HEART CENTER", "HEART HOSPITAL", "EYE INSTITUTE", "EYE CENTER", "KIDNEY CENTER",
    "SURGERY CENTER", "SURGICAL CENTER", "ORTHOPEDIC INSTITUTE", "ORTHOPAEDIC INSTITUTE", "NEUROSCIENCE INSTITUTE",
    "SPINE CENTER", "SPINE INSTITUTE", "BEHAVIORAL HEALTH", "MENTAL HEALTH CENTER", "PSYCHIATRIC HOSPITAL",
    "PSYCHIATRIC CENTER", "HOMELESS SHELTER", "WOMEN'S SHELTER", "REHABILITATION", "REHABILITATION INSTITUTE",
    "SKILLED NURSING FACILITY", "SKILLED NURSING CENTER", "NURSING AND REHABILITATION", "NURSING & REHABILITATION",
    "NURSING AND REHAB", "NURSING & REHAB", "LONG TERM CARE", "SENIOR LIVING", "RETIREMENT HOME", "RETIREMENT COMMUNITY",
    "CARE HOME", "CHILDREN'S HOSPITAL", "TREATMENT CENTER", "RECOVERY CENTER", "DETOX", "CTR", "NURSING CTR",
    "CARE CTR", "REHAB CTR", "KIDNEY CTR", "DIALYSIS CTR", "PERSONAL CARE HOME", "TCU", "LTACH", "LTAC", "SPECIALTY HOSPITAL", "ELDER SERVICES", "ALLIANCE", "AIRPORT",
    "TERMINAL", "REGIONAL", "FAMILY CLINIC", "FAMILY PRACTICE", "FAMILY HEALTH", "FAMILY HEALTH CENTER",
    "FAMILY MEDICINE", "TEMPLE", "CATHEDRAL", "BAPTIST", "CATHOLIC", "PRESBYTERIAN", "LUTHERAN", "METHODIST",
    "EPISCOPAL", "AME", "ORTHODOX", "RANCH", "DAIRY", "SEAFOODS", "RESORT", "SKI AREA", "MINE", "MILL", "CANNERY",
    "FREIGHT", "CAB", "DRILLING", "MERCY", "COUNTY", "EMS", "ENERGY", "MARINE", "MINING",
    "INDUSTRIES", "MANUFACTURING", "LOGISTICS", "FOODS", "FARMS", "LUMBER", "STEEL", "IHS", "IHS CLINIC",
    "SPECIALTY", "VNA", "HOME CARE", "PEDIATRICS", "CBOC", "HOME HEALTH", "HOME HEALTH CARE", "HOSPICE CARE",
    "NURSING AGENCY", "HOME NURSING AGENCY", "LEARNING CENTER", "MENNONITE", "MENNONITE CHURCH",
    "ASSEMBLY OF GOD", "CHURCH OF GOD", "CHURCH OF CHRIST", "KINGDOM HALL",
    *_ORG_HEADS,
    # "BROCKTON VA", "LANCASTER GENERAL", "QUINCY MEDICAL": a place name before these names a hospital
    "VA", "VAMC", "VA MEDICAL CENTER", "GENERAL", "MEDICAL",
)
FACILITY_WORDS = frozenset(
    "GENERAL MEMORIAL COMMUNITY REGIONAL UNIVERSITY CHILDREN'S CHILDRENS COUNTY VALLEY MOUNT MT ST ST. SAINT "
    "NORTH SOUTH EAST WEST NEW CITY BAPTIST METHODIST PRESBYTERIAN LUTHERAN ADVENTIST CATHOLIC JEWISH "
    "MERCY GOOD SAMARITAN SACRED HEART HOLY CROSS DEACONESS VA VETERANS STATE WOMEN'S WOMENS SHRINERS "
    "ISLAND LAKE LAKES RIVER RIVERSIDE BAY HARBOR PARK HILL HILLS SPRINGS VIEW PINES OAKS CENTRAL "
    "SOUTHERN NORTHERN EASTERN WESTERN MEDICAL HEALTH & AND OF THE LADY SISTERS".split())
# facility words that do not name a place by themselves ("GENERAL HOSPITAL", "COMMUNITY HOSPITAL")
# what kind of hospital, not which one ("PSYCH HOSPITAL", "PRIVATE PSYCHIATRIC HOSPITAL")
_KIND_WORDS = frozenset("PSYCH PSYCHIATRIC PRIVATE PUBLIC STATE LOCAL OUTSIDE OTHER ANOTHER ACUTE CHRONIC TEACHING "
                        "REHAB REHABILITATION CHILDREN PEDIATRIC CANCER TRAUMA SPECIALTY MENTAL VETERANS ARMY NAVY "
                        "MILITARY FIELD".split())
_GENERIC_FACILITY = frozenset(
    "GENERAL MEMORIAL COMMUNITY REGIONAL UNIVERSITY COUNTY STATE CITY MEDICAL HEALTH CENTRAL NORTH SOUTH "
    "EAST WEST NORTHERN SOUTHERN EASTERN WESTERN NEW & AND OF THE CHILDREN'S CHILDRENS WOMEN'S WOMENS VA "
    "VETERANS".split())
_NOT_FACILITY = frozenset(
    "OUTSIDE OSH THE A AN THIS THAT HIS HER THEIR OUR TO FROM AT IN ON BY FOR WITH OF AND OR PRIOR "
    "PREVIOUS LOCAL OTHER ANOTHER SAME DIFFERENT NEW REHAB ACUTE CHRONIC LONG TERM SHORT DAY NIGHT "
    "HOME NURSING CARE MEDICAL HEALTH SCHOOL UNIVERSITY FAMILY PRIMARY URGENT EMERGENCY PAIN WOUND "
    "CARDIOLOGY CARDIAC DIALYSIS RENAL SLEEP EYE CALL CALLED PAGE PAGED RE SCREENED SCREEN REFERRAL ROMAN DEVOUT "
    "PRACTICING NON-PRACTICING RUSSIAN GREEK SOUTHERN IS WAS HALFWAY SOBER ROOMING BOARDING GROUP NO ANY "
    "NEEDS NEED SEES SEE CONSULT CONSULTS WANTS WANT REQUIRES REQUIRE REFER DECLINES DECLINED WORKS WORKED AS "
    "SWISS".split())
_PLACE_CTX = frozenset(
    "LIVES LIVING LIVED RESIDES RESIDING RESIDENT NATIVE MOVED TRAVELED TRAVELLED VISITING TRIP VACATION ORIGINALLY "
    "BORN RAISED EMIGRATED IMMIGRATED RELOCATED HOMETOWN TOWN CITY".split())
_PLACE_PREP = frozenset("IN TO FROM OF NEAR AT UP VIA".split())
_AREA_WORDS = frozenset("NORTH SOUTH EAST WEST NORTHEAST NORTHWEST SOUTHEAST SOUTHWEST NORTHERN SOUTHERN EASTERN WESTERN "
                        "CENTRAL DOWNTOWN GREATER METRO SUBURBAN RURAL OUTER INNER".split())
# words that open the name of a lake, fort, camp or bayou ("LAKE OUACHITA", "FT. ESCALANTE")
_NATURAL_PREFIX = frozenset("LAKE FORT FT CAMP BAYOU CAPE ISLE MOUNT MT".split())
# last words of place names ("MONCKS CORNER", "WOLFPEN HOLLOW", "LOTTS CREEK")
_NUMBERED_WARD = re.compile(r"(?:\b([A-Za-z][A-Za-z'\-]{2,20}(?:[ \t][A-Za-z][A-Za-z'\-]{2,20})?)[ \t])?"
                            r"\b(\d{1,2}(?:st|nd|rd|th))[ \t]ward\b", re.IGNORECASE)
# last words that make a place of any word before them ("MILES CITY", "KING SALMON" is none)
_STRONG_SUFFIX = frozenset("CITY FALLS SPRINGS HARBOR BAY ISLAND JUNCTION HEIGHTS".split())
_PLACE_SUFFIX = frozenset("BAY SOUND INLET CAMP CORNER CORNERS HOLLOW CREEK SPRINGS FALLS JUNCTION CROSSING HEIGHTS PARK VALLEY RIDGE "
                          "SQ SQUARE STATION WARD PLAZA QUARRIES COLONY "
                          "BLUFF BLUFFS LANDING MILLS HARBOR BEACH CITY VILLAGE TOWNSHIP BRANCH FORK GAP GROVE HILLS "
                          "MOUNTAIN BAYOU POINT WASH MESA FLATS CANYON COVE ISLAND BOTTOM HOLLER".split())
_PLACE_CTX_RUN = frozenset(["FROM", "NEAR", "OUTSIDE"])  # starts an unknown-word run ("FROM HOUMA") but gates lexicon words
# words that begin place names ("NORTH ATTLEBORO", "PORT AU PRINCE", "FT LEE")
_PLACE_PREFIX = frozenset("NORTH SOUTH EAST WEST NORTHEAST NORTHWEST SOUTHEAST SOUTHWEST NEW PORT FORT FT MOUNT MT ST "
                          "SAINT SAN SANTA LAKE GLEN UPPER LOWER "
                          "OLD LITTLE GREAT BIG".split())

_AUTO: ahocorasick.Automaton | None = None
_AUTO_LOCK = threading.Lock()


def _automaton(lex: Lexicons) -> ahocorasick.Automaton:
    global _AUTO
    if _AUTO is None:
        with _AUTO_LOCK:
            if _AUTO is None:
                a = ahocorasick.Automaton()
                countries = set(lex.countries) | _COUNTRY_ALIASES
                for c in lex.cities:
                    kind = "COUNTRY" if c in countries else "LOCATION"
                    for v in _name_variants(c):
                        a.add_word(v, (v, kind))
                for c in lex.postal_places:
                    if " " not in c and (c in lex.english or lex.is_known_word(c) or lex.zipf(c) >= 3.0
                                         or lex.klass(c) != NOT_NAME):
                        continue  # SPEAKS, PRAY, MAY (towns too): only names of many words or no word at all
                    for v in _name_variants(c):
                        if not a.exists(v):
                            a.add_word(v, (v, "LOCATION"))
                for c in _COUNTRY_ALIASES:
                    a.add_word(c, (c, "COUNTRY"))
                for s in STATES:
                    a.add_word(s, (s, "STATE"))
                for f in lex.facilities:
                    for v in _name_variants(fold(f)):
                        a.add_word(v, (v, "HOSPITAL"))
                for f in lex.employers:
                    v = fold(f)
                    if not a.exists(v):
                        a.add_word(v, (v, "EMPLOYER"))
                a.make_automaton()
                _AUTO = a
    return _AUTO


# country names as notes write them (GeoNames uses the official short names)
_COUNTRY_ALIASES = frozenset(
    "CAPE VERDE|IVORY COAST|BURMA|RUSSIA|SOUTH KOREA|NORTH KOREA|KOREA|VIETNAM|VIET NAM|LAOS|SYRIA|IRAN|CZECH REPUBLIC|"
    "MACEDONIA|SWAZILAND|EAST TIMOR|HOLLAND|ENGLAND|SCOTLAND|WALES|GREAT BRITAIN|THE GAMBIA|CONGO|DR CONGO|"
    "PALESTINE|TAIWAN|MOLDOVA|BOLIVIA|VENEZUELA|TANZANIA|THE PHILIPPINES|THE DOMINICAN REPUBLIC".split("|"))
_ABBREVIATED = (("SAINT ", ("ST ", "ST. ")), ("MOUNT ", ("MT ", "MT. ")), ("FORT ", ("FT ", "FT. ")),
                ("SAINTE ", ("STE ", "STE. ")))


def _name_variants(name: str) -> list[str]:
    """``SAINT PAUL`` -> ``SAINT PAUL``, ``ST PAUL``, ``ST. PAUL`` (and MT/FT); ``-BOROUGH`` -> ``-BORO``."""
    out = [name]
    for full, shorts in _ABBREVIATED:
        if name.startswith(full):
            out += [sh + name[len(full):] for sh in shorts]
    if name.endswith("BOROUGH"):
        out += [v[:-7] + "BORO" for v in list(out)]
    if name.endswith((" HEIGHTS", " PARK")) and " " in name:
        out += [v.rsplit(" ", 1)[0] + (" HTS" if v.endswith("HEIGHTS") else " PK") for v in list(out)]  # "OZONE PK"
    return out


def _boundary(up: str, s: int, e: int) -> bool:
    return (s == 0 or not up[s - 1].isalnum()) and (e >= len(up) or not up[e].isalnum())


# words that make the next few words a workplace ("WORKS NIGHTS AT THE", "HIS BOSS AT", "RETIRED FROM")
_WORK_CONTEXT = frozenset("JOB JOBS BOSS SHIFT SHIFTS EMPLOYED EMPLOYMENT COWORKER COWORKERS CO-WORKER CO-WORKERS "
                          "SUPERVISOR FOREMAN UNION WAREHOUSE HIRED FIRED LAID PENSION PENSIONER STOCKER "
                          "CASHIER RETIREE MOTORMAN".split())


def _employer_ok(sc: Scan, lex: Lexicons, text: str, word: str, s: int) -> bool:
    """Whether a listed employer at ``s`` is one here: a distinctive name anywhere (capitalised in prose), a name
    that is also a word, an acronym, a clinical word or a surname only after a work word in the same clause."""
    raw = text[s:s + len(word)]
    # in prose a lower-case name is one only after a work word ("cashier at stop & shop", "drives for fedex")
    lower_in_prose = sc.mixed_case and not raw[:1].isupper() and not raw[:1].isdigit()
    words = [w.strip(".'’") for w in word.replace("-", " ").split()]
    plain = all(lex.is_known_word(w) or w in lex.clinical or w in lex.last or len(w) <= 3 for w in words if w)
    if not lower_in_prose and (
            not plain or (sc.mixed_case and len(words) > 1 and all(w[:1].isupper() for w in raw.split() if w[:1].isalpha()))):
        return True
    k = next((q for q, t in enumerate(sc.tokens) if t.start >= s), len(sc.tokens))
    for q in range(k - 1, max(-1, k - 8), -1):
        t = sc.tokens[q]
        if t.text in ".;:" or "\n" in text[t.end:sc.tokens[q + 1].start if q + 1 < len(sc.tokens) else t.end]:
            return False
        u = t.up
        if u in _WORK_VERBS or u in _OCCUPATIONS or u in _ROLE_JOBS or u in _WORK_CONTEXT:
            return True
    # or a job right after it: "CTA BUS DRIVER", "UAW RETIREE", "MBTA MOTORMAN"
    return any(t.up in _OCCUPATIONS or t.up in _ROLE_JOBS or t.up in _WORK_CONTEXT
               for t in sc.tokens[k + len(word.split()):k + len(word.split()) + 2])


# what names one site of an employer ("GM LORDSTOWN", "US STEEL CLAIRTON WORKS", "AMAZON BWI2")
_SITE_WORDS = frozenset("WORKS MILL MILLS REFINERY TERMINAL YARD SHIPYARD".split())
_SITE_WORD = re.compile(r"[ \t]{1,2}([A-Za-z][A-Za-z0-9'’]*(?:-[A-Za-z0-9]+)*)")


def _employer_site(sc: Scan, lex: Lexicons, text: str, e: int) -> int:
    """The end of an employer's name with the site written after it (a town, a code, a plant), or ``e``."""
    end = e
    pos = e
    for _ in range(3):
        m = _SITE_WORD.match(text, pos)
        if m is None:
            break
        w = m.group(1)
        parts = [fold(x).upper() for x in w.split("-")]
        if sc.mixed_case and not (w[:1].isupper() or any(c.isdigit() for c in w)):
            break
        if all(u in _SITE_WORDS for u in parts):
            end = m.end()
            break
        if not all((u in lex.cities and u not in lex.clinical) or any(c.isdigit() for c in u)
                   or (not lex.is_known_word(u) and u not in lex.clinical and len(u) >= 3) for u in parts):
            break
        pos = end = m.end()
    return end


def find_places(text: str) -> list[Hit]:
    """Cities, states and ZIP codes (lexicon, ``City, ST 02115`` patterns and place context)."""
    lex = get_lexicons()
    sc = scan(text)
    hits: list[Hit] = []
    up = fold(text) if not text.isascii() else text.upper()
    if len(up) != len(text):  # folding changed the length: fall back to plain upper-casing
        up = text.upper()
    for end, (word, kind) in _automaton(lex).iter(up):
        s = end - len(word) + 1
        e = end + 1
        if not _boundary(up, s, e):
            continue
        nxt = re.match(r"[ \t]{1,2}([A-Za-z]+)", text[e:e + 20])
        if nxt and nxt.group(1).upper() in EPONYM_NEXT and (" " not in word or kind == "HOSPITAL") and not (
                kind == "HOSPITAL" and re.search(r"\b(?:to|from|at|via)[ \t]{1,2}$", text[max(0, s - 6):s], re.I)):
            continue  # "PARKLAND FORMULA", "BOGOTA BAG", "ST JUDE VALVE": a device or a method, not a place
        if kind == "EMPLOYER":
            if _employer_ok(sc, lex, text, word, s):
                hits.append((s, _employer_site(sc, lex, text, e), "LOCATION", 0.65))  # "WORKS AT THE DOLLAR GENERAL"
            continue
        if kind == "HOSPITAL":
            # a campus or branch after a listed name: "KINDRED PARK VIEW", "Lahey North", "SPAULDING CAPE COD"
            for _ in range(3):
                branch = re.match(r"[ \t]([A-Za-z]{3,15})\b", text[e:e + 20])
                if branch is None or (sc.mixed_case and not branch.group(1)[:1].isupper()):
                    break
                wu = branch.group(1).upper()
                if not (wu in _BRANCH_WORDS or (wu in lex.cities and wu not in lex.clinical)):
                    break
                e += branch.end()
            hits.append((s, e, "HOSPITAL", 0.8))
            continue
        words = word.split()
        if kind in ("LOCATION", "COUNTRY") and text[max(0, s - 1):s] == "(" and text[e:e + 1] == ")" \
                and word not in lex.clinical and word not in _STOP_PLACE and _named_before(sc, lex, up, s - 1):
            hits.append((s, e, "LOCATION", 0.65))  # "FROM ST. LUKE'S (NEW BEDFORD)", "CLOVIS (CA)"
            continue
        if kind == "COUNTRY":
            before = text[max(0, s - 3):s]
            if _place_context(sc, up, s, e, rare=True) or "," in before or "(" in before:
                hits.append((s, e, "LOCATION", 0.65))  # "FROM CHIHUAHUA, MEXICO", "TREATED IN CHINA"
            continue
        if kind == "STATE" and text[max(0, s - 2):s].strip() == ",":
            city = _city_before(sc, lex, s)
            if city and fold(text[city[0]:city[1]]).upper() in lex.cities:
                hits.append((city[0], city[1], "LOCATION", 0.65))  # "from Columbus, Ohio", "Sudbury, Ontario"
                hits.append((s, e, "LOCATION", 0.65))
                continue
        if kind == "LOCATION" and word in _STOP_PLACE:
            continue  # HOME (a town in Pennsylvania)
        if kind == "LOCATION" and word in lex.clinical and not _place_context(
                sc, up, s, e, rare=False, strong=word not in lex.drugs_only):  # (a brand name: "FROM FARGO")
            continue  # OSH (a city in Kyrgyzstan), LIMA: a place only after LIVES IN or before a state
        if len(words) > 1 and word in lex.neighborhoods and (not sc.mixed_case or text[s:s + 1].isupper()) \
                and _AFTER_IN_FROM.search(text, max(0, s - 14), s) and not re.match(r"[ \t]{1,2}of\b", text[e:e + 5], re.I):
            hits.append((s, e, "LOCATION", 0.6))  # "FROM NORTH END", "IN FIELDS CORNER": a listed district
            continue
        mdir = _DIR_ABBR_BEFORE.search(text, max(0, s - 7), s) if kind == "LOCATION" else None
        if mdir is not None:
            s = mdir.start()  # "IN SO. BOSTON", "FROM NO. ANDOVER": the part of town with it
        if kind == "LOCATION" and word in lex.postal_places and word not in lex.cities:
            # a post-office town of no list: only in a place context; one word only when no English word
            rare = (len(words) > 1 or word not in lex.english) and all(lex.zipf(w) < 3.0 for w in words)
            if not _place_context(sc, up, s, e, rare):
                continue
        elif word in lex.minor_places or all(lex.is_known_word(w) or lex.klass(w) != NOT_NAME or w in lex.clinical
                                             for w in words):
            # READING, CONCORD, PLEASANT HILL, WASHINGTON, small towns: a place only in a place context
            rare = all((lex.zipf(w) < 4.0 or (w in _PLACE_PREFIX and len(words) > 1)) and w not in lex.clinical
                       for w in words)
            # a city of the major list whose words are no English words: "FROM NORTH MIAMI", "IN SAN JOSE"
            rare = rare or (word not in lex.minor_places and len(words) > 1) or (word not in lex.minor_places and all(
                (w not in lex.english or (w in _PLACE_PREFIX and len(words) > 1)) and w not in lex.clinical
                for w in words))
            if not _place_context(sc, up, s, e, rare):
                continue
        ms = _AREA_AFTER.match(text, e)
        if ms is not None and kind == "LOCATION" and (ms.group(1).isupper() or (sc.mixed_case and ms.group(1).istitle())):
            e = ms.end()  # "NEAR KENMORE SQ", "LIVES IN JACKSON WARD", "AT QUINCY QUARRIES"
        hits.append((s, e, "LOCATION", 0.7 if kind == "LOCATION" else 0.65))
        if kind == "STATE":
            city = _city_before(sc, lex, s)
            if city:
                hits.append((city[0], city[1], "LOCATION", 0.65))

    toks = sc.tokens
    n = len(toks)
    for i, t in enumerate(toks):
        # "City, ST 02115" / "City ST 02115" / "City, ST"
        if t.kind == "w" and t.up in STATE_ABBR and i >= 1:
            zip_next = i + 1 < n and toks[i + 1].kind == "n" and len(toks[i + 1].text) == 5 and not (
                t.up in lex.clinical and toks[i - 1].kind != "w" and toks[i - 1].text != ",")  # "(ID 58804)": a number
            comma = toks[i - 1].text == "," or (  # "(MANCHESTER NH)"
                t.is_upper and i + 1 < n and toks[i + 1].text == ")" and i >= 2 and toks[i - 2].text == "(")
            bare = t.is_upper and t.up not in _AMBIG_ABBR and t.up not in lex.clinical and toks[i - 1].kind == "w" \
                and (i + 1 >= n or toks[i + 1].kind == "p" and toks[i + 1].text in ",.;)") \
                and toks[i - 1].up in lex.cities and toks[i - 1].up not in lex.clinical  # "from Sheboygan WI, adm"
            if t.is_upper and toks[i - 1].text == "(" and i >= 2 and i + 1 < n and toks[i + 1].text == ")" \
                    and toks[i - 2].kind == "w" and toks[i - 2].up in lex.cities and t.up not in ("IN", "OR") \
                    and toks[i - 2].up not in lex.clinical and not (  # not "Dr. Wells (ID)": a clinician's service
                        i >= 3 and (toks[i - 3].up in _TITLE_STOP or toks[i - 3].text == "." and i >= 4
                                    and toks[i - 4].up in _TITLE_STOP)):
                hits.append((t.start, t.end, "LOCATION", 0.65))  # "LIVES IN PASADENA (TX)"
                continue
            if t.up == "ID" and not zip_next and i + 2 < n and (toks[i + 1].kind == "n" or (
                    toks[i + 1].kind == "w" and toks[i + 1].is_upper and not lex.is_known_word(toks[i + 1].up)
                    and toks[i + 2].kind == "n")):
                continue  # "through union, ID XMA 7730 1184": an identifier, not Idaho
            cued = t.is_upper and not comma and not zip_next and not bare and toks[i - 1].kind == "w" \
                and t.up not in ("IN", "OR", "OK", "HI") and (
                    i + 1 >= n or (toks[i + 1].kind == "p" and toks[i + 1].text in ",.;:()") or toks[i + 1].up in _AFTER_STATE
                    or "\n" in text[t.end:toks[i + 1].start]
                    or (t.up not in _AMBIG_ABBR and t.up not in lex.clinical and toks[i + 1].kind == "w"))
            if (t.is_upper or zip_next) and (comma or zip_next or bare or cued):
                city_span = _city_before(sc, lex, t.start)
                town = fold(text[city_span[0]:city_span[1]]) if city_span is not None else ""
                in_lex = bool(town) and (town in lex.cities
                                         or (town.upper() in lex.postal_places and t.up not in _CREDENTIAL_ABBR))
                if cued and not (in_lex and city_span is not None and _CUE_BEFORE_TOWN.search(
                        text, max(0, city_span[0] - 12), city_span[0])):
                    continue
                if t.up in ("MD", "PA", "DO") and city_span is not None and _PERSON_BEFORE_TOWN.search(
                        text, max(0, city_span[0] - 40), city_span[0]):
                    continue  # "Attending: J. Lee, MD", "DR. HOLDEN, MD": a clinician's credential
                if zip_next or bare or cued or (comma and city_span and (t.up not in _AMBIG_ABBR and t.up not in lex.clinical
                                                                         or in_lex)):
                    if city_span:
                        hits.append((city_span[0], city_span[1], "LOCATION", 0.75))
                    hits.append((t.start, t.end, "LOCATION", 0.7))
        # ZIP after a state (abbreviation or name) or after "ZIP"
        if t.kind == "n" and len(t.text) == 5 and i >= 1:
            p = toks[i - 1] if toks[i - 1].kind == "w" else (toks[i - 2] if i >= 2 and toks[i - 1].text == "," else None)
            if p is not None and (p.up in STATE_ABBR or p.up in _STATE_WORDS or p.up in ("ZIP", "ZIPCODE", "CODE",
                                                                                         "POSTAL")
                                  or p.up in lex.cities or p.up in STREET_SUFFIX):
                e = t.end
                if i + 2 < n and toks[i + 1].text == "-" and toks[i + 2].kind == "n" and len(toks[i + 2].text) == 4:
                    e = toks[i + 2].end
                hits.append((t.start, e, "ZIP", 0.85))
        # "LIVES IN X", "FROM X", "NATIVE OF X"; in prose also "in Eureka"
        if t.kind == "w" and (t.up in _PLACE_CTX or t.up in _PLACE_CTX_RUN or (sc.mixed_case and t.up in ("IN", "FROM", "NEAR")
                                                     and i + 1 < n and toks[i + 1].is_title)):
            j = i + 1
            if t.up in _PLACE_CTX and j < n and toks[j].kind == "w" and toks[j].up in _PLACE_PREP:
                j += 1
            elif t.up == "RESIDENT":
                continue  # "resident Dr. Park": a physician (a place only in "RESIDENT OF")
            elif t.up in ("TOWN", "CITY"):
                if not (j < n and toks[j].up == "OF"):
                    continue
                j += 1
            run: list[int] = []
            while j < n and len(run) < 3 and toks[j].kind == "w" and toks[j].up not in _STOP_PLACE \
                    and toks[j].up not in lex.clinical and toks[j].up.removesuffix("'S") not in lex.clinical \
                    and not (sc.mixed_case and toks[j].is_lower) and not medical_shape(toks[j].up) and (
                    not lex.is_known_word(toks[j].up) or toks[j].up in lex.cities
                    or (sc.mixed_case and toks[j].is_title and t.up in _PLACE_CTX)
                    or (toks[j].up in _PLACE_PREFIX and j + 1 < n and toks[j + 1].kind == "w"
                        and (not lex.is_known_word(toks[j + 1].up) or toks[j + 1].up in lex.cities
                             or toks[j + 1].up in _PLACE_SUFFIX))  # "FROM BIG COVE"
                    or (run and toks[j].up in _PLACE_SUFFIX)  # "FROM MONCKS CORNER", "UP WOLFPEN HOLLOW"
                    or (not run and j + 1 < n and toks[j + 1].kind == "w" and toks[j + 1].up in _STRONG_SUFFIX
                        and toks[j].up.isalpha() and len(toks[j].up) >= 3 and toks[j].up not in _AREA_WORDS
                        and toks[j].up not in _NOT_FACILITY)  # "FROM MILES CITY", "IN BRISTOL BAY"
                    or (not run and t.up in _PLACE_CTX and lex.klass(toks[j].up) != NOT_NAME
                        and lex.zipf(toks[j].up) < 4.0 and len(toks[j].up) >= 3 and toks[j].up not in UNIT_WORDS
                        and not (sc.mixed_case and not toks[j].is_title))):  # "LIVES IN LYNCH"
                run.append(j)
                j += 1
            if run and t.up in ("NEAR", "OUTSIDE") and not sc.mixed_case \
                    and " ".join(toks[r].up for r in run) not in lex.cities:
                run = []  # "OUTSIDE GALLIPOLIS" (a town of the lexicon), not "NEAR SYNCOPE"
            if run and not (sc.mixed_case and t.up in ("IN", "FROM", "NEAR") and sc.sentence_initial(run[0])):
                hits.append((toks[run[0]].start, toks[run[-1]].end, "LOCATION", 0.6))
        # employer: "WORKS AT BOEING", "employed by Stop & Shop", "RETIRED FROM TEXAS INSTRUMENTS"
        if t.kind == "w" and (t.up in _WORK_VERBS or t.up in _OCCUPATIONS or (
                i >= 1 and toks[i - 1].up in ("A", "AN") and len(t.up) >= 5 and t.up.endswith(_JOB_ENDINGS))):
            run = _employer_after(sc, lex, i)
            if run:
                hits.append((toks[run[0]].start, toks[run[-1]].end, "LOCATION", 0.55))
        # an employer's acronym before the job: "RETIRED MBTA BUS DRIVER", "a UPS driver"
        if t.kind == "w" and t.up in _OCCUPATIONS | _ROLE_JOBS and i >= 1:
            a = i - 1
            if a >= 1 and toks[a].kind == "w" and toks[a].up in _JOB_MODIFIERS:
                a -= 1
            ta = toks[a]
            if ta.kind == "w" and 2 <= len(ta.text) <= 5 and ta.text.isupper() and ta.text.isalpha() \
                    and ta.up not in lex.clinical and ta.up not in STATE_ABBR and not lex.is_known_word(ta.up) \
                    and (sc.mixed_case or (a >= 1 and toks[a - 1].up in ("RETIRED", "A", "AN", "FORMER", "IS", "AS"))):
                hits.append((ta.start, ta.end, "LOCATION", 0.55))
        # the employer in parentheses after the kind of workplace: "WORKS FOR TRUCKING CO (SLAVIC EXPRESS)",
        # "retired from tuna cannery (StarKist)"
        if t.kind == "w" and t.up in _WORKPLACES and i + 1 < n and toks[i + 1].text == "(" and any(
                toks[q].up in _WORK_VERBS or toks[q].up in _OCCUPATIONS for q in range(max(0, i - 8), i)):
            run = _parenthesised(sc, lex, i + 1)
            if run:
                hits.append((toks[run[0]].start, toks[run[-1]].end, "LOCATION", 0.55))
    # lakes, forts, camps and bayous named: "AT LAKE OUACHITA", "FT. ESCALANTE", "CAMP LEJEUNE", "BAYOU LA BATRE"
    for i, t in enumerate(toks):
        if t.kind != "w" or t.up not in _NATURAL_PREFIX or i + 1 >= n or (i >= 1 and toks[i - 1].kind == "n"):
            continue  # not "25 FT FALL"
        k = i + 1
        if toks[k].text == "." and k + 1 < n:
            k += 1
        if k < n and toks[k].up in ("OF", "LA", "DU", "DES") and k + 1 < n:
            k += 1 + (k + 2 < n and toks[k + 1].up == "THE")
        w = toks[k] if k < n else None
        if w is None or w.kind != "w" or w.up in lex.clinical or w.up in _STOP or len(w.up) < 3 or medical_shape(w.up) \
                or (sc.mixed_case and not (w.is_title or w.is_upper)) or w.up.endswith(("ED", "ING")):
            continue
        if lex.klass(w.up) == PURE or w.up in lex.cities or not lex.is_known_word(w.up):
            hits.append((t.start, w.end, "LOCATION", 0.55))
    # a neighbourhood in parentheses after a town: "LIVES IN ST. PAUL (FROGTOWN)", "Boston (Dorchester)"
    for _s0, e0, label, _score in list(hits):
        if label != "LOCATION":
            continue
        m = _PAREN_AFTER.match(text, e0)
        words = m.group(1).split() if m else []
        if m and (fold(m.group(1)).upper() in lex.cities or m.group(1).upper() in STATES) \
                and m.group(1).upper() not in lex.clinical:
            hits.append((m.start(1), m.end(1), "LOCATION", 0.6))  # "ACCEPTED AT BURKE (WHITE PLAINS)"
        elif m and all(w.upper() not in lex.clinical and w.upper() not in _STOP and w.upper() not in _PLAIN_PEOPLES and (
                not lex.is_known_word(w.upper()) or w.upper() in lex.cities or (sc.mixed_case and w[:1].isupper())
                or (len(words) == 2 and k == 0 and words[1].upper() in STREET_SUFFIX))  # "SOMERVILLE (UNION SQ)"
                     for k, w in enumerate(words)):
            hits.append((m.start(1), m.end(1), "LOCATION", 0.6))
    # a numbered ward of a city or a congregation: "LIVES IN THE 7TH WARD", "Bishop Jensen, Springville 4th Ward"
    for m in _NUMBERED_WARD.finditer(text):
        s0 = m.start(2)
        if m.group(1):
            words = m.group(1).split()
            while words and words[0].upper() in _STOP:
                words.pop(0)  # "IN THE 7TH WARD", "FROM THE RIVERTON 3RD WARD"
            if words and all(w.upper() not in lex.clinical and w.upper() not in _STOP
                             and (not sc.mixed_case or w[:1].isupper()) for w in words):
                s0 = m.start(2) - len(" ".join(words)) - 1
        hits.append((s0, m.end(), "LOCATION", 0.55))
    # a union local and a police precinct: "IBEW LOCAL 7", "TWU Local 234", "NYPD 40TH PCT", "THE 47 PCT"
    for m in _POST_LODGE.finditer(text):
        hits.append((m.start(), m.end(), "LOCATION", 0.65))  # "FRIENDS FROM VFW POST 2294 VISITED"
    for m in _NUMBERED_SCHOOL.finditer(text):
        hits.append((m.start(1), m.end(1), "LOCATION", 0.65))  # "TEACHER AT PS 189", "lunch aide at P.S. 58"
    for m in _PRISON.finditer(text):
        parts = [fold(w).upper() for w in re.split(r"[ \t\-]+", m.group())[1:]]
        inmate = parts[0]
        if inmate not in lex.clinical and inmate not in _STOP and (
                inmate in lex.cities or not lex.is_known_word(inmate) or lex.klass(inmate) == PURE or (
                    # a place of two words: "MCI CEDAR JUNCTION", "SCI Camp Hill" (not "MCI, STABLE GAIT")
                    len(parts) == 2 and parts[1] in _PRISON_PLACE_HEADS and (
                        not sc.mixed_case or all(w[:1].isupper() for w in m.group().split()[1:])))):
            hits.append((m.start(), m.end(), "LOCATION", 0.65))  # "(MCI-NORFOLK", "INMATE AT SCI GRATERFORD"
    for m in _SQUARE.finditer(text):
        sq_name = fold(m.group(2)).upper()
        if sq_name not in _STOP and sq_name not in lex.clinical and not sq_name.endswith("ING") and (
                not sc.mixed_case or m.group(2)[:1].isupper() or sc.lower_at(m.start(1))):
            hits.append((m.start(1), m.end(), "LOCATION", 0.6))  # "shot near mattapan sq", "at Kenmore Square"
    for m in _COMMUNITY_ORG.finditer(text):
        if not sc.mixed_case or all(w[:1].isupper() for w in re.findall(r"[A-Za-z][A-Za-z'’]*", m.group())[:-1]):
            hits.append((m.start(), m.end(), "LOCATION", 0.6))  # "HAITIAN MULTI-SERVICE CENTER", "catholic charities"
    for m in _UNION_LOCAL.finditer(text):
        if _next_upper(text, m.end()) not in _LOCAL_NOT_AFTER:
            s0 = m.start() if not m.group(1) or not lex.is_known_word(m.group(1)) or m.group(1) in (
                "UNION", "WORKERS") else m.start(1) + len(m.group(1)) + 1
            s_head = s0
            if re.match(r"(?i)(?:union|workers|employees|brotherhood|federation)\b", text[s0:s0 + 12]) and (
                    not sc.mixed_case or text[s0].isupper()):
                # the union's whole name: "UNITED AUTO WORKERS LOCAL 600", "AMALGAMATED TRANSIT UNION LOCAL 241"
                for _ in range(3):
                    mw = _WORD_BEFORE.search(text, max(0, s0 - 30), s0)
                    if not mw or mw.group(1).endswith(".") or (sc.mixed_case and not mw.group(1)[:1].isupper()):
                        break
                    u = fold(mw.group(1)).upper()
                    if u in _STOP or u in lex.clinical or u in _FEATURE_PREPS or u in _VERBS_BEFORE_ORG or (
                            u.endswith("ING") and lex.is_known_word(u)):
                        break
                    s0 = mw.start(1)
            if s0 == s_head and text[s0:s0 + 6].lower() == "union ":
                s0 += 6  # "union Local 33": the union's name is the local
            hits.append((s0, m.end(), "LOCATION", 0.6))
    # a state abbreviation after a residence or travel verb: "LIVES IN NH", "FIANCEE HERE FROM VT,", "FLYING IN FROM PR"
    for m in _STATE_AFTER_MOVE.finditer(text):
        st = m.group("st")
        if st in STATE_ABBR and st not in ("IN", "OR", "OK", "HI") and (m.group("res") or m.group("trav") or (st not in lex.clinical and st not in _AMBIG_ABBR)):
            hits.append((m.start("st"), m.end("st"), "LOCATION", 0.6))  # (not "CAME FROM NH", "BACK TO NC")
    for m in _KIN_IN_STATE.finditer(text):
        st = m.group(1)
        if st in STATE_ABBR and st not in ("IN", "OR", "OK", "HI", "ME") and st not in lex.clinical and st not in _AMBIG_ABBR:
            hits.append((m.start(1), m.end(1), "LOCATION", 0.6))
    # a town of no lexicon before a state's abbreviation after a travel preposition: "CALLED FROM VICTORY, VT;",
    # "FROM PROTECTION, KS -" (the abbreviation may be a clinical one: VT, MS, PA)
    for m in _TOWN_COMMA_STATE.finditer(text):
        words = fold(m.group(1)).upper().split()
        if m.group(2) in STATE_ABBR and m.group(2) not in ("OK", "OR", "IN", "HI", "ME") and all(
                (w not in lex.clinical or w in lex.cities) and w not in _STOP_PLACE and w not in _STOP for w in words):
            hits.append((m.start(1), m.end(1), "LOCATION", 0.65))
            hits.append((m.start(2), m.end(2), "LOCATION", 0.65))
    # an Irish county: "BORN IN COUNTY MAYO", "grew up in Co. Cork"
    for m in _IRISH_COUNTY.finditer(text):
        hits.append((m.start(), m.end(), "LOCATION", 0.65))
    # a police department by its acronym next to its officers: "BPD OFFICER", "(BPD HOMICIDE)", "CPD Detective"
    for m in _PD_ACRONYM.finditer(text):
        hits.append((m.start(1), m.end(1), "LOCATION", 0.6))
    # county bodies: "GRAINGER CO SHERIFF'S OFFICE", "Hancock Co FD", "Wilson County Fairgrounds"
    for m in _COUNTY_BODY.finditer(text):
        s0 = m.start(1)
        first = m.group(1).split()[0]
        if first.upper() in _STOP or first.upper() in _NOT_FACILITY or (
                " " in m.group(1) and lex.is_known_word(first.upper()) and lex.klass(first.upper()) == NOT_NAME
                and first.upper() not in lex.cities):
            s0 += len(first) + 1  # "PER GRAINGER CO SHERIFF", "EMPLOYER OTERO COUNTY ROAD DEPT": the county is next
        if s0 < m.start(2):
            hits.append((s0, m.end(), "LOCATION", 0.65))
    for m in _STATE_AGENCY.finditer(text):
        words = m.group(1).split()
        s0 = m.start(1)
        while words and words[0].upper() not in STATE_ABBR and (
                words[0].upper() in _STOP or words[0].upper() in _NOT_FACILITY
                or (words[0].upper() in lex.clinical and len(words[0]) <= 3)):
            s0 += len(words.pop(0)) + 1  # "BY IDAHO STATE POLICE": the state is the next word
        if words:
            hits.append((s0, m.end(), "LOCATION", 0.65))
    # a state's agency by its initials: "Georgia DNR officer", "per AZ DPS", "SCDNR on scene", "KANSAS DCF notified"
    for m in _STATE_INITIALS.finditer(text):
        if m.group("abbr") or fold(m.group("state")).upper() in STATES or (
                m.group("state") in STATE_ABBR and m.group("state") not in lex.clinical):  # not "MD DNR FORM"
            hits.append((m.start(), m.end(), "LOCATION", 0.6))
    # "in Breathitt Co", "(Duplin Co)": a county by its short form after a place preposition
    for m in _COUNTY_SHORT.finditer(text):
        if m.group(1).upper() not in _STOP and m.group(1).upper() not in lex.clinical:
            hits.append((m.start(1), m.end(), "LOCATION", 0.6))
    # a fishing vessel, a fort, a town, a reservation: "DECKHAND ON F/V NORTHERN DAWN", "ACTIVE DUTY AT FORT SILL",
    # "DRIVER FOR TOWN OF DRACUT", "LIVES ON LUMMI RES"
    for rx in (_VESSEL, _FORT, _TOWN_OF, _RESERVATION, _SHIP, _BASE, _MIL_UNIT):
        for m in rx.finditer(text):
            words = m.group(1).upper().replace(".", "").split()
            if rx is _RESERVATION and any(w in _RESIDENT_OF or w in _NOT_FACILITY or w in _STOP for w in words[:-1]):
                continue  # "SURGICAL RES", "ON PEDS RES": a resident
            hits.append((m.start(1), m.end(1), "LOCATION", 0.6))
    # ambulance and flight programs: "VIA PATRIOT AMBULANCE", "BY COASTAL AIR 1", "w/ Tri-Town EMS"
    for m in _TRANSPORT.finditer(text):
        words = m.group(1).upper().split()
        if any(w in _TRANSPORT_NOT or w in _STOP for w in words) or (words[0] in lex.clinical and len(words) == 1):
            continue
        hits.append((m.start(1), m.end(), "LOCATION", 0.6))
    # an ambulance company by its acronym after a transport preposition: "BROUGHT BY AMR", "VIA AMR W/ RT"
    for m in _EMS_ACRONYM.finditer(text):
        hits.append((m.start(1), m.end(1), "HOSPITAL", 0.6))
    # a flight or ambulance program named after FLOWN or a transfer by/via: "FLOWN LIFEMED TO ANMC", "flown by
    # Airlift NW from", "Flown by CareFlight from scene", "Transferred by LifeMed to PAMC", "via HealthNet."
    for rx in (_FLOWN_PROGRAM, _VIA_PROGRAM, _VIA_CAMEL):
        for m in rx.finditer(text):
            raw = m.group(1).split()
            words = [w.upper().removesuffix("'S") for w in raw]
            alpha = [w for w in words if w.isalpha()]
            if not alpha or words[0] in _TRANSPORT_NOT or words[0] in _STOP or any(w in _NOT_A_SERVICE_NAME for w in words):
                continue
            named = any(not lex.is_known_word(w) and w not in lex.clinical for w in alpha) \
                or any(re.search(r"[a-z][A-Z]", w) and w.upper() not in lex.clinical for w in raw) \
                or words[0] in _FLIGHT_TAIL \
                or (rx is _FLOWN_PROGRAM and words[-1] in _FLIGHT_TAIL) \
                or (words[-1].isdigit() and alpha[0] in lex.cities)  # "Flown Fairfax 1 to IFH"
            if named:
                hits.append((m.start(1), m.end(1), "HOSPITAL", 0.6))
    # a police department by its acronym next to police words: "BPD DET. WALSH", "PER MPD", "NOPD Det. Gaudet",
    # "CPD officers", "BPD Ofc. Tran", "per JCSO", "by BFD" (not COPD, not BPD the lung disease of preemies)
    for m in _POLICE_ACRONYM.finditer(text):
        word_before = re.findall(r"[A-Za-z/]+", text[max(0, m.start() - 24):m.start()])[-1:]
        word_after = re.match(r"[ \t]{0,2}\(?[ \t]{0,2}([A-Za-z]+)", text[m.end():m.end() + 24])
        before = word_before[0].upper() if word_before else ""
        if lex.is_known_word(m.group()):
            continue  # "ALSO"
        history = before in ("OF", "AND") and m.group() in _MED_PD and not _HISTORY_WORDS.isdisjoint(
            re.findall(r"[A-Za-z/]+", text[max(0, m.start() - 40):m.start()].upper())[-5:])
        if (before in _POLICE_BEFORE and not history) \
                or (word_after and word_after.group(1).upper() in _POLICE_AFTER):
            hits.append((m.start(), m.end(), "LOCATION", 0.55))
    # a fire and rescue service named for its town or county: "Fairfax County Fire & Rescue", "Mobile Fire-Rescue",
    # "CHESTERFIELD FIRE & EMS" (not "VOL FIRE DEPT", "BY FIRE & RESCUE")
    for m in _FIRE_RESCUE.finditer(text):
        start = m.start(1)
        for fw in re.finditer(r"\S+", m.group(2)):  # "EXTRICATED BY FAIRFAX COUNTY FIRE & RESCUE": the name only
            wu = fw.group().upper()
            if wu in _STOP or wu in _NOT_A_SERVICE_NAME or wu in lex.clinical or wu in ("VOL", "VOLUNTEER", "LOCAL") \
                    or (lex.is_known_word(wu) and wu not in lex.cities and wu not in ("COUNTY", "CITY", "CO")):
                start = m.start(2) + fw.end() + 1
        if start < m.start(1) + len(m.group(2)):
            hits.append((start, m.end(1), "HOSPITAL", 0.6))
    # a country a service member is deployed to: "husband deployed Iraq since Jan", "deployed to Afghanistan"
    for m in _DEPLOYED_TO.finditer(text):
        if fold(m.group(1)).upper() in lex.countries or fold(m.group(1)).upper() in _COUNTRY_ALIASES:
            hits.append((m.start(1), m.end(1), "LOCATION", 0.65))
    # a parish or order named "X of Y": "St. Teresa of Avila", "OUR LADY OF THE ASSUMPTION", "Immaculate Heart of
    # Mary", "Sisters of St. Joseph" (no head word follows)
    for m in _RELIGIOUS_OF.finditer(text):
        last = m.group(1).split()[-1].upper().rstrip(".")
        if last not in _STOP and last not in _NOT_A_PARISH and (last not in lex.clinical or m.group(2)):
            hits.append((m.start(1), m.end(1), "LOCATION", 0.6))
    # the funeral home a family chose: "FUNERAL HOME: MCCAFFETY IN MERCEDES", "Funeral home: Levine Chapels"
    for m in _FUNERAL_HOME.finditer(text):
        kept: list[tuple[int, int]] = []
        for hw in re.finditer(r"[A-Za-z][A-Za-z'’.\-]*", m.group(1)):
            hu = hw.group().upper().rstrip(".")
            if hu in _STOP or hw.group()[:1].islower() or hu in _NOT_A_SERVICE_NAME:
                break
            kept.append((m.start(1) + hw.start(), m.start(1) + hw.end() - (len(hu) > 3 and hw.group().endswith("."))))
            if hw.group().endswith(".") and len(hu) > 3:
                break  # "Smith Funeral Chapel. ME not notified": the sentence ends
        if kept:
            hits.append((kept[0][0], kept[-1][1], "LOCATION", 0.6))
    # a misspelt town after a place word: "IN BRAINTRE", "STAYS @ PINE ST INN IN BOSTN", "lives w/ pt in lawrnce"
    for m in _PLACE_WORD_BEFORE.finditer(text):
        typo = m.group(1)
        u = fold(typo).upper()
        if len(u) >= 5 and u not in lex.cities and not lex.is_known_word(u) and u not in lex.clinical \
                and lex.klass(u) == NOT_NAME and (not sc.mixed_case or typo[:1].isupper() or typo.islower()) \
                and _one_edit_city(lex, u):
            hits.append((m.start(1), m.end(1), "LOCATION", 0.55))
    # "BY SKYHAWK 3", "via Northwind 2": an unknown word and a unit number after a transport preposition
    for m in _TRANSPORT_UNIT.finditer(text):
        unit_name = m.group(1).upper()
        if not lex.is_known_word(unit_name) and unit_name not in lex.clinical and lex.klass(unit_name) != PURE:
            hits.append((m.start(1), m.end(), "LOCATION", 0.55))
    # a found place and the water or island named after it: "IN BRISTOL BAY", "FROM KODIAK ISLAND"
    for k, (s0, e0, label, score) in enumerate(hits):
        mw = _WATER_AFTER.match(text, e0) if label == "LOCATION" else None
        if mw and (text[s0:e0].isupper() == mw.group(1).isupper()):
            hits[k] = (s0, mw.end(1), label, score)
    # where a relative flies to or from: "FLYING INTO PROVIDENCE", "flies into RSW tomorrow", "will fly in from Lagos"
    for m in _FLY_TO.finditer(text):
        ws = m.group(1).upper().split()
        if any(w in _STOP or w in lex.clinical or w in _NOT_A_SERVICE_NAME or w in _WEEKDAY_MONTH for w in ws) \
                or (sc.mixed_case and not m.group(1)[:1].isupper()):
            continue
        end = m.end(1)
        if len(ws) == 2 and " ".join(ws) not in lex.cities and lex.is_known_word(ws[1]) and ws[1] not in lex.cities \
                and ws[1] not in STATES:
            ws, end = ws[:1], m.start(1) + len(m.group(1).split()[0])  # "FLYING IN FROM MIAMI TOMORROW": the town only
        if len(ws[0]) == 3 and m.group(1).isupper() or any(w in lex.cities or w in lex.countries or not lex.is_known_word(w)
                                                            for w in ws):
            hits.append((m.start(1), end, "LOCATION", 0.6))
    # a part of a state: "at eastern maine", "FROM SOUTHERN MARYLAND", "in upstate New York"
    for m in _REGION_STATE.finditer(text):
        if fold(m.group(2)).upper() in STATES and (not sc.mixed_case or m.group(2)[:1].isupper() or m.group(0).islower()):
            hits.append((m.start(1), m.end(2), "LOCATION", 0.6))
    # a town's ambulance, rescue squad or fire company after a transport word: "brought by millinocket ambulance",
    # "found by rangeley rescue", "EXTRICATED BY JAY FIRE" (not "BY GROUND AMBULANCE", "by fire rescue")
    for m in _TOWN_SERVICE.finditer(text):
        town = m.group(1)
        tu = fold(town).upper()
        if (tu in lex.cities or ((tu in lex.minor_places or tu in lex.postal_places) and not lex.is_known_word(tu))) \
                and tu not in _STOP and not (m.group(2).upper() == "FIRE" and m.group(0)[:4].upper() == "FROM") \
                and tu not in _TRANSPORT_NOT and tu not in _NOT_A_SERVICE_NAME \
                and tu not in lex.clinical and (not sc.mixed_case or town[:1].isupper() == m.group(2)[:1].isupper()):
            hits.append((m.start(1), m.end(2), "HOSPITAL", 0.6))
    # ZIP+4 anywhere
    for m in _ZIP4.finditer(text):
        hits.append((m.start(), m.end(), "ZIP", 0.8))
    hits += _public_agencies(text, sc, lex)
    hits += _natural_features(sc, lex)
    return hits


# a named natural feature after a place preposition: "INTO ELKHORN CREEK", "by Rabbit Ears Pass", "IN COCONINO
# NATIONAL FOREST", "ON LONGS PEAK", "AT LITTLE SAHARA DUNES" (not "INTO THE CREEK", "AT PEAK 35")
_FEATURE_HEADS = frozenset("CREEK PASS CANYON PEAK DUNES RIM ARCH FORK BUTTE MESA RIVER GULCH HOLLOW HOLLER BRANCH "
                           "RESERVOIR FOREST".split())
_NOT_FEATURE_NAME = frozenset("REPEAT FIRST SECOND THIRD SINGLE ANOTHER NEXT LAST FLOOR".split())  # "ON REPEAT PASS"
_FEATURE_PREPS = frozenset("AT IN INTO ON NEAR OFF BY UP FROM OUTSIDE ABOVE BELOW ALONG TO ACROSS".split())


def _natural_features(sc: Scan, lex: Lexicons) -> list[Hit]:
    toks = sc.tokens
    n = len(toks)
    hits: list[Hit] = []
    for i, t in enumerate(toks):
        if t.kind != "w" or t.up not in _FEATURE_HEADS or i < 2:
            continue
        if i + 1 < n and (toks[i + 1].kind == "n" or toks[i + 1].up in ("FLOW", "FLOWS", "PRESSURE", "PRESSURES")):
            continue  # "PEAK 35", "FORK 2", "IF PEAK FLOW IMPROVES"
        if not t.is_title and not t.is_upper:
            continue  # a lower-case note names no feature here: "fell in the creek", "up the holler"
        # one or two name words before the head ("NATIONAL" too: "COCONINO NATIONAL FOREST")
        j = i - 1
        names: list[int] = []
        while j >= 0 and len(names) < 3 and toks[j].kind == "w" and toks[j].up not in _FEATURE_PREPS:
            u = toks[j].up
            if u in _STOP or u in lex.clinical or medical_shape(u) or u in _STOP_PLACE or u in _NOT_FEATURE_NAME or (
                    lex.zipf(u) >= 6.0) or (
                    not toks[j].is_title and not toks[j].is_upper):
                break
            names.insert(0, j)
            j -= 1
        if not names or j < 0 or toks[j].kind != "w" or toks[j].up not in _FEATURE_PREPS or j + 1 != names[0]:
            continue
        if all(lex.is_known_word(toks[q].up) and lex.zipf(toks[q].up) >= 5.0 and toks[q].up not in lex.cities
               for q in names):
            continue  # "INTO SAME RIVER", "ON LEFT FORK": ordinary words only
        if t.up == "FOREST" and toks[names[-1]].up != "NATIONAL":
            continue
        hits.append((toks[names[0]].start, t.end, "LOCATION", 0.6))
    return hits


# a public body named after its city, county or state: "DC DEPARTMENT OF HUMAN SERVICES", "Chicago Transit Authority",
# "BALTIMORE CITY CIRCUIT COURT", "MARYLAND OFFICE OF THE PUBLIC DEFENDER", "Philadelphia Police Department 24th District"
_AGENCY_HEADS = ("DEPARTMENT", "DEPT", "OFFICE", "BUREAU", "DIVISION", "ADMINISTRATION", "AUTHORITY", "COMMISSION",
                 "COURT", "SCHOOLS", "AGENCY", "BOARD")
_AGENCY = re.compile(r"\b(" + "|".join(_AGENCY_HEADS) + r")\b", re.IGNORECASE)
_AGENCY_TAIL = re.compile(r"[ \t](?:of|for)(?:[ \t]the)?((?:[ \t](?:[A-Za-z][A-Za-z\-]*|and|&)){1,4})", re.IGNORECASE)
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.'\-]*)[ \t]{1,2}$")
_AGENCY_PLACES = frozenset("DC NYC".split())


def _is_agency_place(lex: Lexicons, place: str) -> bool:
    return place in lex.cities or place in STATES or place in _AGENCY_PLACES or place == "DISTRICT OF COLUMBIA" or (
        place.endswith(" COUNTY") and len(place) > 7 and all(  # "OTERO COUNTY", not "EMPLOYER OTERO COUNTY"
            w in lex.cities or not lex.is_known_word(w) or lex.zipf(w) < 4.0 for w in place.split()[:-1]))


def _public_agencies(text: str, sc: Scan, lex: Lexicons) -> list[Hit]:
    hits: list[Hit] = []
    for m in _AGENCY.finditer(text):
        head = m.group(1)
        if sc.mixed_case and not head[:1].isupper():
            continue  # "the Boston office" in prose is no agency
        # up to five words before the head: a place of one to three words, then at most two more words
        words: list[tuple[int, str]] = []
        pos = m.start()
        while len(words) < 5:
            mw = _WORD_BEFORE.search(text, max(0, pos - 40), pos)
            if not mw:
                break
            if mw.group(1).endswith(".") and len(mw.group(1)) > 3:
                break  # "CALLED BOSTON OFFICE. TEXAS DEPT": no name runs over the end of a sentence
            words.insert(0, (mw.start(1), mw.group(1)))
            pos = mw.start(1)
        ups = [fold(w).upper().rstrip(".") for _, w in words]
        start = -1
        for a in range(len(words)):
            for b in range(a + 1, min(a + 3, len(words)) + 1):
                middle = ups[b:]
                if len(middle) > 2 or not _is_agency_place(lex, " ".join(ups[a:b])):
                    continue
                if any(u not in _AGENCY_PLACES and (u in _STOP or u in lex.clinical or u in STATE_ABBR) for u in ups[a:b]) \
                        or any(u in _STOP or u in lex.clinical for u in middle):
                    continue
                if sc.mixed_case and not all(w[:1].isupper() for _, w in words[a:]):
                    continue
                start = words[a][0]
                break
            if start >= 0:
                break
        if start < 0:
            continue
        e = m.end()
        mt = _AGENCY_TAIL.match(text, e)
        if mt:
            # after OF only names (capitalised in prose): "Department of Human Services", not "office of the nurse"
            for mw in re.finditer(r"[A-Za-z][A-Za-z\-]*", mt.group(0)):
                wu = fold(mw.group()).upper()
                if wu in ("OF", "THE", "AND", "&") or (wu == "FOR" and mw.start() < 6):
                    continue
                if (sc.mixed_case and not mw.group()[:1].isupper()) or wu in lex.clinical or wu in _STOP or (
                        wu.endswith(("ING", "ED")) and len(wu) > 5 and lex.is_known_word(wu)):
                    break  # "OFFICE OF NATIVE MEDICINE HELPING W/", "Department of Social Services for WIC"
                e = mt.start() + mw.end()
        elif head.upper() in ("OFFICE", "DIVISION", "BOARD", "AGENCY", "BUREAU", "DEPT", "DEPARTMENT") \
                and text[start:m.start()].count(" ") + text[start:m.start()].count("\t") <= 1:
            continue  # "BOSTON OFFICE", "TEXAS DEPT": a department of what?
        md = re.match(r",?[ \t]\d{1,2}(?:st|nd|rd|th)[ \t](?:district|precinct)", text[e:e + 24], re.IGNORECASE)
        if md:
            e += md.end()
        hits.append((start, e, "LOCATION", 0.7))
    return hits


_IRISH_COUNTY = re.compile(r"\b(?:county|co\.)[ \t]{1,2}(?:antrim|armagh|carlow|cavan|clare|cork|derry|donegal|"
                           r"dublin|fermanagh|galway|kerry|kildare|kilkenny|laois|leitrim|limerick|longford|louth|mayo|"
                           r"meath|monaghan|offaly|roscommon|sligo|tipperary|tyrone|waterford|westmeath|wexford|wicklow)"
                           r"\b(?![ \t]{1,2}(?:st|street|rd|road|ave)\b)", re.IGNORECASE)
# a numbered public school after where someone works or studies (never a ventilator's pressure support: "at" and
# two or three digits without a unit)
_NUMBERED_SCHOOL = re.compile(r"\b(?:at|attends|attended|from|teaches|taught)[ \t]{1,2}((?:(?:p\.[ \t]?s\.|j\.h\.s\.|i\.s\.)[ \t]?"
                              r"[1-9]\d{0,2}|(?:ps|jhs)[ \t]?(?:[3-9]\d|[1-9]\d\d)))"
                              r"(?![\w/%:]|\.\d|[ \t]{0,2}(?:cm|mmhg|%|ml|on|x|/))", re.IGNORECASE)
_PLAIN_PEOPLES = frozenset("HUTTERITE HUTTERITES MENNONITE MENNONITES AMISH QUAKER MORMON LDS".split())  # "COLONY (HUTTERITE)"
_AREA_AFTER = re.compile(r"[ \t]{1,2}(sq\b\.?|square|ward|station|plaza|quarries|colony|hts\b\.?|heights|hgts)\b", re.IGNORECASE)
_TOWN_COMMA_STATE = re.compile(r"\b(?i:from|in|to|near|outside|of)[ \t]{1,2}([A-Z][A-Za-z'’\-]+(?:[ \t][A-Z][A-Za-z'’\-]+)?),"
                               r"[ \t]{1,2}([A-Z]{2})\b(?=[ \t]*(?:[;.,:)\-]|$))")
_FROM_PEOPLE = frozenset("FAMILY PT PATIENT IS ARE WAS WIFE HUSBAND SON DAUGHTER DTR MOTHER FATHER SISTER BROTHER "
                         "FRIEND FRIENDS RELATIVES NEPHEW NIECE M F MALE FEMALE MAN WOMAN GENTLEMAN LADY PARENTS "
                         "GRANDPARENTS CHILDREN KIDS COUSIN COUSINS AUNT UNCLE GRANDSON GRANDDAUGHTER BOYFRIEND "
                         "GIRLFRIEND FIANCE FIANCEE PARTNER".split())
# travel before "FROM"/"TO" and a town of the lexicon: "DRIVING FROM FARGO", "WENT HOME TO MARTIN"
_TRAVEL = frozenset("DRIVING DROVE DRIVES FLYING FLEW FLIES COMING CAME ARRIVING ARRIVED RETURNED RETURNING "
                    "HEADED HEADING TRAVELING TRAVELLING HOME".split())
_PD_ACRONYM = re.compile(r"\b([A-Z]{1,4}PD)\b(?=[ \t]{1,2}(?:OFFICERS?|DETECTIVES?|DET\b|SGT\b|SERGEANT|HOMICIDE|PATROL|"
                         r"CUSTODY|COPS?\b|TROOPERS?|[Oo]fficers?|[Dd]etectives?|[Ss]gt\b|[Hh]omicide))")
_COUNTY_BODY = re.compile(
    r"\b((?-i:[A-Z][A-Za-z'\-]+)(?:[ \t](?-i:[A-Z][A-Za-z'\-]+))?)[ \t](Co\.?|County|Parish)[ \t]"
    r"(?:Sheriff(?:'?s)?(?:[ \t](?:Office|Dept\.?|Department))?|SO\b|VFD|FD|Fire(?:[ \t](?:Dept\.?|Department|Marshal|"
    r"Rescue))?|EMS|(?:Tech(?:nical)?[ \t])?Rescue|Jail|Detention(?:[ \t]Center)?|Schools|Fairgrounds|Coroner|"
    r"Medical[ \t]Examiner|DSS|DCFS|DCS|CPS|Animal[ \t]Control|SAR|Search[ \t](?:and|&)[ \t]Rescue|Road[ \t]Dept\.?)\b",
    re.IGNORECASE)
_STATE_INITIALS = re.compile(
    r"\b(?:(?P<state>(?-i:[A-Z][a-z]+(?:[ \t][A-Z][a-z]+)?|[A-Z]{4,}(?:[ \t][A-Z]{4,})?|[A-Z]{2}))[ \t]"
    r"(?-i:DNR|DPS|DCF|DCFS|DHS|DOT|FWC|DFPS|DHHS)"
    r"|(?P<abbr>(?-i:" + "|".join(sorted(STATE_ABBR)) + r")(?-i:DNR|DPS|DOT|DCF|DHS)))\b")
# a state's, a tribe's or a nation's police: "IDAHO STATE POLICE", "Wyoming Highway Patrol", "NAVAJO NATION POLICE",
# "HOPI TRIBAL POLICE" (the first words name the state or the people)
_STATE_AGENCY = re.compile(
    r"\b((?-i:[A-Z][A-Za-z'\-]+)(?:[ \t](?-i:[A-Z][A-Za-z'\-]+))?)[ \t]((?:State|Highway|Tribal|Nation)[ \t]"
    r"(?:Police|Patrol|Troopers?|Rangers?)|Highway[ \t]Patrol)\b", re.IGNORECASE)
_RESIDENT_OF = frozenset("SURGICAL MEDICAL PEDS PEDIATRIC ANESTHESIA SURGERY MEDICINE ORTHO NEURO NEUROSURGERY IM ER ED "
                          "ICU EM FM PGY CHIEF JUNIOR SENIOR GEN GENERAL PSYCH OB GYN OBGYN URO ENT CT GI NSGY NSURG SURG "
                          "MED RAD IR NEUROSURG CARDS CARDIO".split())
_WATER_AFTER = re.compile(r"[ \t]((?-i:BAY|Bay|ISLAND|Island|HARBOR|Harbor|SOUND|Sound|INLET|Inlet|PENINSULA|Peninsula))\b")
_VESSEL = re.compile(r"\b(?:F/V|M/V|F/T|S/V)[ \t]{1,2}((?-i:[A-Z][A-Za-z'\-]+)(?:[ \t](?-i:[A-Z][A-Za-z'\-]+)){0,2})",
                     re.IGNORECASE)
_FORT = re.compile(r"\b(?:at|near|from|in|to|on)[ \t]{1,2}((?-i:FORT|Fort|FT\.?|Ft\.?)[ \t](?-i:[A-Z][A-Za-z'\-]{2,}))", re.IGNORECASE)
# a navy ship, a base by its prefix, a military unit: "VET (USS FORRESTAL)", "NAS Jax", "JOINT BASE LEWIS-MCCHORD",
# "ARMY (3RD ID, FT STEWART)", "1st Cavalry Division", "2ND BN 8TH MARINES", "82nd Airborne"
_SHIP = re.compile(r"\b((?-i:USS|USNS|USCGC)[ \t]{1,2}(?-i:[A-Z][A-Za-z.'\-]+)(?:[ \t](?-i:[A-Z][A-Za-z.'\-]+)){0,2}"
                   r"(?:[ \t]\(?(?-i:[A-Z]{2,4})[ \t-]?\d{1,3}\)?)?)")
_BASE = re.compile(r"\b((?-i:NAS|MCAS|MCB|JB|NAVSTA|NAVAL STATION|NAVAL AIR STATION|NAVAL BASE|JOINT BASE|MARINE CORPS BASE|"
                   r"MARINE CORPS AIR STATION|Naval Station|Naval Air Station|Naval Base|Joint Base|Marine Corps Base|"
                   r"Marine Corps Air Station)[ \t](?-i:[A-Z][A-Za-z'\-]+)(?:[ \t\-](?-i:[A-Z][A-Za-z'\-]+)){0,2})")
_MIL_QUAL = (r"(?:airborne|infantry|inf|armored|armor|cavalry|cav|marine|medical|signal|engineer|aviation|special[ \t]forces|"
             r"fighter|airlift|bomb|military[ \t]police|mp|field[ \t]artillery|artillery|transportation|support|"
             r"expeditionary|stryker|combat[ \t]aviation)[ \t]")
_MIL_UNIT = re.compile(
    r"\b(\d{1,3}(?:st|nd|rd|th)[ \t](?:" + _MIL_QUAL + r")*"
    r"(?:division|div|brigade|bde|battalion|bn|regiment|regt|squadron|sqdn|fleet|mef|mardiv|sfg|cavalry|cav|airborne|"
    r"marines|infantry|rangers?|meb|meu|csh|(?-i:ID)(?=[ \t]*[,;()]|[ \t]{1,2}(?i:at|ft|fort|in)\b))\b"
    r"(?:[ \t](?:division|div|regiment|brigade|group|wing))?"
    r"|\d{1,3}(?:st|nd|rd|th)[ \t](?:" + _MIL_QUAL + r")+(?:group|wing|corps)\b)", re.IGNORECASE)
_TOWN_OF = re.compile(r"\b((?:town|city|village|township)[ \t]of[ \t](?-i:[A-Z][A-Za-z'\-]+)(?:[ \t](?-i:[A-Z][A-Za-z'\-]+))?)",
                      re.IGNORECASE)
_RESERVATION = re.compile(r"(?:\b(?:on|from|near|to|at)[ \t]{1,2}(?:the[ \t]{1,2})?|\()((?:(?-i:[A-Z][A-Za-z'’\-]+)[ \t]){1,3}"
                          r"(?-i:RES|Res|RESERVATION|Reservation|RANCHERIA|Rancheria|PUEBLO|Pueblo|NATION|Nation))\b", re.IGNORECASE)
_COUNTY_SHORT = re.compile(r"(?:\b(?:in|of|near|from)[ \t]{1,2}|\()((?-i:[A-Z][a-z]{3,}|[A-Z]{4,}))[ \t](?-i:Co|CO)\b"
                           r"(?![\-./\d]|[ \t]?\d)", re.IGNORECASE)
_TRANSPORT = re.compile(
    r"\b(?:via|by|w/|with|per|called)[ \t]{1,2}((?-i:[A-Z][A-Za-z]+(?:-[A-Z][A-Za-z]+)?)"
    r"(?:[ \t](?-i:[A-Z][A-Za-z]+))?)[ \t]"
    r"(Ambulance|EMS|Air[ \t]?Med|Air[ \t]?Care|Air[ \t]Evac|Care[ \t]?Flight|Air(?:[ \t]Ambulance)?(?:[ \t]\d{1,2}\b)?|"
    r"Med[ \t]?Flight|Life[ \t]?Flight|"
    r"Helicopter|Air[ \t]?Med|Medevac)\b(?![ \t]?(?:/|-[A-Za-z]))"
    r"(?![ \t](?:mattress|loss|bed|flow|leak|entry|hunger|trapping|bronchogram|fluid|space|way|ways)\b)", re.IGNORECASE)
_STREET_NAMED = frozenset("AVE AVENUE BLVD BOULEVARD RD ROAD STREET PKWY PARKWAY PIKE".split())
_PLACE_WORD_BEFORE = re.compile(r"\b(?:in|from|near|outside|to|@)[ \t]{1,2}([A-Za-z][a-z]{4,}|[A-Z]{5,})(?=[ \t]*(?:[.,;:)\n]|$))",
                                re.IGNORECASE | re.MULTILINE)
_CITY_DELETES: dict[str, str] | None = None


def _one_edit_city(lex: Lexicons, up: str) -> bool:
    """Whether ``up`` is one letter away (dropped, added, changed) from a one-word city of the major lists."""
    global _CITY_DELETES
    if _CITY_DELETES is None:
        index: dict[str, str] = {}
        for c in lex.cities - lex.minor_places:
            if " " not in c and len(c) >= 6 and c.isalpha():
                index.setdefault(c, c)
                for k in range(len(c)):
                    index.setdefault(c[:k] + c[k + 1:], c)
        _CITY_DELETES = index
    if up in _CITY_DELETES:
        return True  # a letter dropped ("BOSTN") or the word is a city's delete form
    return any(up[:k] + up[k + 1:] in _CITY_DELETES for k in range(len(up)))  # one added or changed


_EMS_ACRONYM = re.compile(r"\b(?:via|by)[ \t]{1,2}(?-i:(AMR))\b(?![ \t]?[-/])", re.IGNORECASE)
_PROGRAM_NAME = r"((?-i:[A-Z][A-Za-z]+(?:-[A-Z][A-Za-z]+)?)(?:[ \t](?-i:[A-Z][A-Za-z]+)){0,2}?(?:[ \t]\d{1,2})?)"
_PROGRAM_END = (r"(?=(?:[ \t]{1,2}(?:directly|emergently|urgently|stat|again))?[ \t]{1,2}(?:to|from|for|w/|with|->|after)\b"
                r"|[ \t]*(?:[.,;)]|->|$))")
_FLOWN_PROGRAM = re.compile(r"\b(?:flown|airlifted|air[ \t\-]lifted|medevac(?:ed|'d)|helicoptered)(?:[ \t]{1,2}(?:in|over|out))?"
                            r"(?:[ \t]{1,2}(?:by|via|with|w/|on))?[ \t]{1,2}" + _PROGRAM_NAME + _PROGRAM_END,
                            re.IGNORECASE | re.MULTILINE)
_VIA_PROGRAM = re.compile(r"\b(?:transferred|transported|brought(?:[ \t]in)?|taken|arrived|sent|came|evacuated|tx'?d|"
                          r"xferr?ed|xfer'd)(?:[ \t]{1,2}(?:here|over|in|out|back))?[ \t]{1,2}(?:by|via)[ \t]{1,2}"
                          + _PROGRAM_NAME + _PROGRAM_END, re.IGNORECASE | re.MULTILINE)
# a program written in camel case after VIA anywhere: "from Logan Regional via HealthNet.", "via LifeMed for"
_VIA_CAMEL = re.compile(r"\bvia[ \t]{1,2}((?-i:[A-Z][a-z]{2,}[A-Z][a-z]{2,}))" + _PROGRAM_END, re.IGNORECASE | re.MULTILINE)
_FLIGHT_TAIL = frozenset("FLIGHT FLITE LIFETEAM AIRLIFT AIRMED AIRCARE".split())
# words that end or rule out a program's, service's or funeral home's name (vehicles, teams, contact channels)
_NOT_A_SERVICE_NAME = frozenset("HELICOPTER HELO CHOPPER PLANE JET AIRPLANE AIRCRAFT FIXED ROTOR WING BOAT FERRY CAR TAXI CAB "
                                "BUS VAN TRUCK POLICE FIRE EMS ALS BLS AMBULANCE AMB STRETCHER WHEELCHAIR BED FOOT FRIEND FRIENDS "
                                "FAMILY SCENE HOME HERE US OUR ED ER OR ICU CT MRI IR TEAM RN MD NP RT DR DOCTOR NURSE "
                                "SHERIFF TROOPER MEDIC UNKNOWN CONTACTED CALLED NOTIFIED AWARE PICK PICKING TBD NOT CASE MGMT MANAGEMENT "
                                "MANAGER SOCIAL WORKER SERVICE SERVICES FAX EMAIL MAIL PHONE TELEPHONE VIDEO WHATSAPP FACETIME "
                                "SKYPE ZOOM FACEBOOK VIBER WECHAT TEXT DIRECTLY".split())
_FIRE_RESCUE = re.compile(r"\b(((?:[A-Z][a-z]+|[A-Z]{2,})(?:[ \t](?:[A-Z][a-z]+|[A-Z]{2,})){0,2})[ \t](?:Fire|FIRE)"
                          r"(?:[ \t]?(?:-|&|and|AND)[ \t]?|[ \t])(?:Rescue|RESCUE|EMS))\b")
_FLY_TO = re.compile(r"\b(?:fly|flies|flying|flew|flown)(?:[ \t]{1,2}(?:in|back|home|down|up|out))?[ \t]{1,2}"
                     r"(?:into|to|from|out[ \t]of)[ \t]{1,2}((?-i:[A-Z]{3}(?![A-Za-z])|[A-Z][a-z]{2,}(?:[ \t][A-Z][a-z]{2,})?|"
                     r"[A-Z]{4,}(?:[ \t][A-Z]{4,})?))", re.IGNORECASE)
_REGION_STATE = re.compile(r"\b((?:eastern|western|northern|southern|central|upstate|downstate)[ \t]{1,2})"
                           r"((?:new|north|south|west|rhode|baja)?[ \t]?[A-Za-z]{4,14})\b", re.IGNORECASE)
# what a town's emergency service is called (here after a transport word, in ``_spread`` after a found town)
TOWN_SERVICE_WORDS = r"(?:fire[ \t]?(?:&|and|-)?[ \t]?rescue|ambulance|rescue|fire|ems|first[ \t]responders)"
_TOWN_SERVICE = re.compile(r"\b(?:by|via|per|from|w/|with|called|notified)[ \t]{1,2}([A-Za-z][A-Za-z'’\-]{2,}(?:[ \t][A-Za-z][A-Za-z'’\-]{2,})?)"
                           r"[ \t](" + TOWN_SERVICE_WORDS + r")\b"
                           r"(?![ \t\-]{0,2}(?:ride|bay|service|services|squad[ \t]car|personnel|scene))", re.IGNORECASE)
_DEPLOYED_TO = re.compile(r"\b(?:deployed|deployment|stationed|tours?)(?:[ \t]{1,2}(?:to|in|at|overseas[ \t]in))?[ \t]{1,2}"
                          r"((?-i:[A-Z][a-z]+|[A-Z]{4,}))\b", re.IGNORECASE)
# a police or fire department, a sheriff's office: "BPD", "NOPD", "BFD", "JCSO"
_POLICE_ACRONYM = re.compile(r"\b(?!COPD\b|PPD\b)[A-Z]{1,3}(?:PD|FD)\b|\b[A-Z]{2,3}SO\b")
# acronyms of that shape that are also disorders ("hx of BPD and PTSD", "depression and MPD")
_MED_PD = frozenset("BPD MPD APD SPD CPD DPD".split())
_HISTORY_WORDS = frozenset("HX H/O HISTORY PMH PPH DX DIAGNOSIS DIAGNOSED PSYCH PTSD DEPRESSION ANXIETY BIPOLAR MDD GAD "
                           "ADHD SCHIZOPHRENIA SCHIZOAFFECTIVE".split())
_POLICE_BEFORE = frozenset("PER BY OF FROM OFFICER OFFICERS DETECTIVE DET SECURITY/NYPD SECURITY CALLED NOTIFIED "
                           "CONTACTED COP AND".split())
_POLICE_AFTER = frozenset("DET DETECTIVE DETECTIVES OFFICER OFFICERS HOMICIDE CASE REPORT SGT SERGEANT LT CAPT UNIT "
                          "CRASH INVOLVED NOTIFIED AWARE WORKING DISTRICT PCT PRECINCT CAME CALLED TOOK AT OFC OFCR TROOPER DEPUTY MISSING "
                          "INVESTIGATING INVESTIGATOR".split())
_CAP_WORD = r"(?:[A-Z][a-z]+|[A-Z]{3,})"
_RELIGIOUS_OF = re.compile(
    r"\b((?:(?:St\.?|ST\.?|Saint|SAINT)[ \t]" + _CAP_WORD + r"|(?:Our|OUR)[ \t](?:Lady|LADY)|"
    r"(?:Immaculate|IMMACULATE|Sacred|SACRED|Holy|HOLY)[ \t](?:Heart|HEART|Name|NAME)|"
    r"(?:Sisters|SISTERS|Daughters|DAUGHTERS))[ \t](?:of|OF)[ \t](?:(?:the|THE)[ \t])?"
    r"((?:St\.?|ST\.?|Saint|SAINT)[ \t])?" + _CAP_WORD + r")\b")
# words after "X OF" that make no parish: "SISTERS OF PT", "DAUGHTERS OF HER"
_NOT_A_PARISH = frozenset("PT PATIENT HIM HER HIS THEM FAMILY MOTHER FATHER WIFE HUSBAND SON DAUGHTER BROTHER SISTER".split())
_FUNERAL_HOME = re.compile(r"\bfuneral[ \t]home[ \t]{0,2}(?::|-|=|is|will[ \t]be)?[ \t]{0,2}"
                           r"((?-i:[A-Z][A-Za-z'’.\-]*)(?:(?:[ \t]|[ \t]&[ \t]|[ \t]and[ \t])(?-i:[A-Z][A-Za-z'’.\-]*)){0,3})",
                           re.IGNORECASE)
_TRANSPORT_NOT = frozenset("ALS BLS PRIVATE HOSPITAL PATIENT CHAIR STRETCHER MEDICAL FIRE LOCAL ROOM OPEN FRESH "
                           "COMPRESSED THE A AN HIS HER THEIR OUR CITY STATE COUNTY TOWN GROUND COMMERCIAL MILITARY "
                           "HOT COLD DRY WARM CRITICAL CARE TRANSFER TRANSPORT ARMY NAVY FAMILY SON WIFE AIR PLANT "
                           "LOW HIGH ALTERNATING".split())
_TRANSPORT_UNIT = re.compile(r"\b(?:via|by)[ \t]{1,2}((?-i:[A-Z][A-Za-z]{4,}))[ \t]([1-9])\b(?![ \t]?(?:[%./:\-]|mg|ml|L\b|x\b))",
                             re.IGNORECASE)
_HOLY_NAMES = frozenset("FAMILY CROSS NAME REDEEMER SPIRIT TRINITY GHOST ROSARY ANGELS INNOCENTS CHILD".split())
_HOSP_ACRONYM = re.compile(r"[A-Z]{1,4}(?:H|MC|MH|RMC)")
# acronyms of that shape that are findings, not hospitals
_MED_H = frozenset("BPH PPH RVH LVH NPH CAH ICH SAH IVH SDH EDH IPH PIH SIADH HTH DTH AMH ACH HHH GH TSH ADH LH FSH "
                   "PTH ACTH HGH CRH GHRH MCH DH NH AH BMH".split())
_AFTER_IN_FROM = re.compile(r"\b(?:in|from|near|(?-i:fr))[ \t]{1,2}(?:the[ \t]{1,2})?$", re.IGNORECASE)
_RESIDENCE = frozenset("LIVES LIVING LIVE RESIDES RESIDING HOME STAYS STAYING".split())
_STATE_AFTER_MOVE = re.compile(
    r"\b((?P<res>lives|living|resides|residing|home|moved|relocated|originally|wintering|summers|winters)|"
    r"(?P<trav>visiting|flying|flew|driving|drove|here|vacationing)|arrived|arriving|coming|came|up|down|back)"
    r"(?:[ \t]{1,2}(?:in|up|down|over|back|here|home))?[ \t]{1,2}(?:in|to|from)[ \t]{1,2}(?P<st>(?-i:[A-Z]{2}))"
    r"(?=[ \t]{0,2}(?:[,.;)]|$|\n|(?-i:AND|W/|WITH|FOR|TO)\b|(?:in|on)[ \t]))", re.IGNORECASE | re.MULTILINE)
# a relative in or from a state: "son in NY coming down", "DTR FROM NJ", "family still in FL"
_KIN_IN_STATE = re.compile(r"\b(?:son|sons|daughter|daughters|dtr|dtrs|wife|husband|sister|sisters|brother|brothers|mother|"
                           r"father|mom|dad|niece|nephew|family|children|kids|grandson|granddaughter|cousin|aunt|uncle)"
                           r"(?:[ \t]{1,2}(?:lives|living|still|who[ \t]lives))?[ \t]{1,2}(?:in|from)[ \t]{1,2}"
                           r"((?-i:[A-Z]{2}))\b(?![/\-&])", re.IGNORECASE)
_BRANCH_WORDS = frozenset("PARK VIEW HILL HILLS SPRINGS RIVER RIVERSIDE BAY HARBOR LAKE LAKES PINES OAKS NORTH SOUTH EAST "
                          "NORTHEAST NORTHWEST SOUTHEAST SOUTHWEST "
                          "WEST CENTRAL".split())
# verbs that may come right before an organisation's name ("CALLED UNION LOCAL 7", "RETIRED UNITED AUTO WORKERS")
_VERBS_BEFORE_ORG = frozenset("CALLED CONTACTED NOTIFIED PAGED RETIRED JOINED REPRESENTED VISITED FAXED EMAILED "
                              "JOINS CALLS CONTACTS".split())
# the building trades whose locals notes name: "IRONWORKERS LOCAL 7", "laborers local 22"
_TRADES = ("laborers|teamsters|(?:pipe|steam)fitters|carpenters|electricians|plumbers|painters|machinists|boilermakers|"
           "bricklayers|roofers|glaziers|millwrights")
_UNION_LOCAL = re.compile(r"(?:\b((?-i:[A-Z]{2,6}))[ \t]{1,2}|\b(?:union|(?:iron|sheet[ \t]metal[ \t])?workers|engineers|"
                          rf"{_TRADES})[ \t]{{1,2}})?"
                          r"\b(?-i:LOCAL|Local)[ \t]{1,2}#?\d{1,4}(?-i:[A-Z]{1,2})?(?![\w%/\-]|\.\d)|(?<=\()(?-i:local)[ \t]{1,2}\d{1,4}(?=\))|"
                          rf"\b(?:ironworkers|ibew|seiu|uaw|afscme|twu|ufcw|iuoe|atu|cwa|usw|uswa|iatse|opeiu|{_TRADES})"
                          r"[ \t]{1,2}local[ \t]{1,2}#?\d{1,4}\b(?![%/\-])|"
                          r"(?:(?<=\bunion[ \t])|(?<=\bmember[ \t])|(?<=\bthrough[ \t])|(?<=\bthru[ \t])|(?<=\bfrom[ \t])|"
                          r"(?<=\bof[ \t])|(?<=\bw/[ \t])|(?<=,[ \t]))(?-i:local)[ \t]{1,2}#?\d{2,4}\b(?![%/.\-])|"
                          r"(?:\b(?-i:NYPD|PD)[ \t]{1,2})?\b(?:\d{1,3}(?:st|nd|rd|th)[ \t](?:pct|precinct)|"
                          r"\d{1,3}[ \t]precinct)\b", re.IGNORECASE)
# a community's own organisation, named for its people or faith: "SOMALI DEVELOPMENT CENTER", "Irish Pastoral Centre",
# "catholic charities", "Polish American Veterans Club" (not "American Heart Association": no people first)
_COMMUNITY_ORG = re.compile(
    r"\b(?:cape[ \t]verdean|puerto[ \t]rican|haitian|somali|brazilian|irish|italian|polish|portuguese|azorean|greek|"
    r"armenian|albanian|lebanese|syrian|chaldean|arab|vietnamese|cambodian|khmer|laotian|hmong|chinese|korean|"
    r"japanese|filipino|indian|pakistani|bangladeshi|nepali|bhutanese|tibetan|ethiopian|eritrean|oromo|sudanese|"
    r"liberian|nigerian|ghanaian|congolese|jamaican|dominican|cuban|mexican|salvadoran|guatemalan|honduran|"
    r"colombian|peruvian|russian|ukrainian|jewish|catholic|lutheran|islamic|muslim|hellenic|latino|hispanic)"
    r"(?:[ \t\-]{1,2}(?!(?:center|centre|association|club)\b)[A-Za-z][A-Za-z'’]+){0,3}?[ \t]{1,2}"
    r"(?:center|centre|association|alliance|council|society|club|charities|coalition|institute|league|federation)\b",
    re.IGNORECASE)
# a town square or a neighbourhood named for one: "shot near mattapan sq", "ped struck at Kenmore Square"
_SQUARE = re.compile(r"\b(?:at|in|near|from|by|to|outside|off|around|thru|through)[ \t]{1,2}(?:the[ \t]{1,2})?"
                     r"((?:[A-Za-z][A-Za-z'’\-]{2,15}[ \t]{1,2})?([A-Za-z][A-Za-z'’\-]{2,15})[ \t]{1,2}(?:sq|square)\b\.?)"
                     r"(?![ \t]{0,2}(?:cm|centimeters?|inches|in|mm|ft|feet|meters?|root)\b)", re.IGNORECASE)
_LOCAL_NOT_AFTER = frozenset("MG MCG ML CC % PERCENT UNITS MIN MINS HOURS HRS DAYS TIMES X".split())


def _next_upper(text: str, end: int) -> str:
    m = re.match(r"[ \t]{0,2}([A-Za-z%]+)", text[end:end + 16])
    return m.group(1).upper() if m else ""


_PAREN_AFTER = re.compile(r"[ \t]{0,2}\(([A-Za-z][A-Za-z'\-]{2,20}(?:[ \t][A-Za-z][A-Za-z'\-]{1,20})?)(?:\)|,[ \t])")
_STATE_AFTER = re.compile(r",?[ \t]{0,2}(?:[A-Z]{2}\b|[A-Za-z]{4,}\b)")


def _named_before(sc: Scan, lex: Lexicons, up: str, pos: int) -> bool:
    """Whether a name (unknown or name-lexicon word, or a facility head) ends right before ``pos``
    (``ST. LUKE'S (``, ``Emerson Hosp (``, ``ST. MARY'S ED (``), not an ordinary word (``C-COLLAR (``)."""
    seg = up[max(0, pos - 40):pos]
    m = re.search(r"([A-Z][A-Z'’.\-]*)(?:[ \t]{1,2}(?:ED|ER|EW|ICU|MICU|SICU|CCU))?\s*$", seg)
    if not m:
        return False
    if re.search(r"\b(?:ST\.?|SAINT)[ \t]{1,2}$", seg[:m.start(1)]):
        return True  # a saint's name: "ST. MARY'S ED (GRAND JUNCTION)"
    w = m.group(1).strip(".")
    w = w[:-2] if w.endswith(("'S", "’S")) else w
    return w not in lex.clinical and (not lex.is_known_word(w) or lex.klass(w) == PURE or w in _FACILITY_HEAD_WORDS)


def _place_context(sc: Scan, up: str, s: int, e: int, rare: bool, strong: bool = False) -> bool:
    """Whether the place name at ``[s, e)`` reads as a place: after ``LIVES IN``, ``FROM``, ``NATIVE OF``
    ..., after ``IN``/``TO``/``AT`` when its words are not frequent English (``IN REVERE`` but not
    ``TO COMFORT``), or before a state (``, MA``, ``, OHIO``) or a ZIP code."""
    before = re.findall(r"[A-Za-z]+", up[max(0, s - 30):s])
    while before and before[-1] in _AREA_WORDS:
        before.pop()  # "IN SOUTHWEST DETROIT", "FROM DOWNTOWN MIAMI"
    the = bool(before) and before[-1] == "THE"
    if the:
        before.pop()  # "LIVES IN THE NORTH END"
    prev = before[-1] if before else ""
    prev2 = before[-2] if len(before) >= 2 else ""
    if the and prev in ("IN", "FROM", "NEAR") and not strong and sc.text[s:s + 1].isupper():
        return True  # "IN THE NORTH END", "FROM THE BRONX": a district of the lexicon
    if prev in ("NEAR", "OUTSIDE") and not strong:
        return True  # "NEAR KEY LARGO", "OUTSIDE MOUNTAIN HOME": a place of the lexicon
    if prev == "IN" and any(w in _RESIDENCE for w in before[-5:-1]):
        return True  # "HOME IN JP", "LIVES W/ HER IN SOMERVILLE"
    if prev == "IN" and not strong and any((w in _WORK_VERBS and w != "RETIRED") or w in _OCCUPATIONS
                                           or w in _ROLE_JOBS for w in before[-7:-1]):
        return True  # "A SCHOOL BUS DRIVER IN SUPERIOR", "WORKS 2ND SHIFT AT TYSON IN STORM LAKE"
    if prev == "OF" and prev2 in _COMPASS_OF and not strong:
        return True  # "ON I-94 W OF FARGO", "30 MI S OF WATFORD CITY", "just north of Deming"
    if strong:
        if prev in _PLACE_CTX - {"FROM", "TOWN", "CITY"} or (prev in _PLACE_PREP and prev2 in _PLACE_CTX) \
                or (prev == "FROM" and prev2 in _WHO_FROM and sc.text[e:e + 1] != "-"):
            return True  # (also "60 YO M FROM RICHMOND,": RICHMOND is a sedation scale's name too)
    elif prev in _PLACE_CTX or (prev in _PLACE_PREP and (prev2 in _PLACE_CTX or rare)):
        return True
    elif prev == "FROM" and prev2 in _WHO_FROM and sc.text[e:e + 1] != "-":
        return True  # "60 YO M FROM RICHMOND,", "Pt from Jackson,": where the patient comes from
    elif prev == "FROM" and prev2 in _FROM_PEOPLE and " " in up[s:e]:
        return True  # "FAMILY FROM CUT OFF", "pt from golden meadow": a listed town of two words
    elif prev in ("FROM", "TO") and prev2 in _TRAVEL and not strong:
        return True  # "SON DRIVING FROM FARGO", "WENT HOME TO MARTIN"

    m = _STATE_AFTER.match(sc.text, e)
    if m:
        nxt = m.group().strip(" \t,").upper()
        if nxt in STATE_ABBR and m.group().strip(" \t,").isupper() and "," in m.group() or nxt in STATES:
            return True
    return re.match(r",?[ \t]{0,2}\d{5}(?!\d)", sc.text[e:e + 9]) is not None


_CREDENTIAL_ABBR = frozenset("MD PA DO ME OR IN OK HI".split())  # also credentials and words: "VICTORIA, MD"
_WHO_FROM = frozenset("M F MALE FEMALE MAN WOMAN GENTLEMAN LADY YO YOM YOF PT PATIENT".split())
_COMPASS_OF = frozenset("N S E W NE NW SE SW NORTH SOUTH EAST WEST NORTHEAST NORTHWEST SOUTHEAST SOUTHWEST MILES MI "
                        "NORTHWEST".split())
_FACILITY_HEAD_WORDS = frozenset(w for h in FACILITY_HEADS for w in h.split()) | {"VANGUARD", "HOSP"}
_WORK_VERBS = frozenset("WORKS WORKED WORKING WORK EMPLOYED EMPLOYER EMPLOYEE RETIRED DRIVES DROVE OWNS OWNED "
                        "CASHIER MECHANIC NURSE TEACHER CLERK DRIVER MANAGER VOLUNTEERS VOLUNTEERED JOB".split())
# occupations that introduce an employer without an article: "IT engineer at Texas Instruments",
# "RETIRED CHEMICAL ENGINEER (SHELL DEER PARK)", "coal miner for Arch Coal"
_OCCUPATIONS = frozenset(
    "ENGINEER MINER FARMER RANCHER TEACHER PROFESSOR STUDENT ACCOUNTANT LAWYER ATTORNEY PARALEGAL SECRETARY "
    "ELECTRICIAN PLUMBER CARPENTER WELDER MACHINIST JANITOR CUSTODIAN LABORER FOREMAN SUPERVISOR BARTENDER WAITRESS "
    "WAITER CHEF COOK BAKER BUTCHER PHARMACIST TECHNICIAN PROGRAMMER ANALYST CONSULTANT BANKER TELLER RECEPTIONIST "
    "FIREFIGHTER FIREMAN POLICEMAN SOLDIER PILOT FISHERMAN LONGSHOREMAN TRUCKER PAINTER ROOFER "
    "LIBRARIAN PASTOR MINISTER CHEMIST SCIENTIST RESEARCHER DEVELOPER SALESMAN EXECUTIVE HOUSEKEEPER OPERATOR "
    "DISPATCHER PATROLLER ROUSTABOUT LINEMAN DEACON WORKER INSTRUCTOR COACH DEALER ROUGHNECK BROKER ATTENDANT "
    "FRESHMAN SOPHOMORE JUNIOR GRADUATE ALUMNUS TAUGHT TEACHES STUDYING STUDIES ENROLLED POSTDOC LANDSCAPER "
    "SEAMSTRESS FLOORHAND LOGGER DECKHAND MILLWRIGHT FARMWORKER FARMHAND HANDYMAN NANNY MASON IRONWORKER ADJUNCT "
    "ACTUARY MUSICIAN CELLIST VIOLINIST COURIER CLEANER DISHWASHER".split())
_WORK_PREP = frozenset("AT FOR FROM BY WITH".split())
_ROLE_JOBS = frozenset("DRIVER MECHANIC CONDUCTOR OPERATOR LINEMAN POSTDOC EMPLOYEE CARRIER".split())
_JOB_MODIFIERS = frozenset("BUS TRAIN TRUCK DELIVERY SUBWAY TRACK MAIL".split())
_WORKPLACES = frozenset("CO COMPANY CORP FIRM PLANT FACTORY CANNERY MILL MINE STORE SHOP RESTAURANT CAFETERIA "
                        "WAREHOUSE BAKERY GARAGE DEALERSHIP AGENCY SCHOOL HOSPITAL CLINIC OFFICE BANK".split())
_JOB_ENDINGS = ("ER", "OR", "IST", "IAN", "IER", "AL", "ANT", "ENT", "EE")  # "A ROOFER FOR", "A PARALEGAL AT"
_WORK_SKIP = frozenset("AS A AN NIGHTS DAYS NIGHT DAY PART-TIME PART FULL-TIME TIME SHIFTS SHIFT THERE STILL "
                       "LONG YEARS YRS".split())


def _employer_after(sc: Scan, lex: Lexicons, i: int) -> list[int]:
    """The tokens of an employer's name after a work word (``WORKS NIGHTS AT``, ``RETIRED FROM``,
    ``EMPLOYER:``, ``EMPLOYER IS``, ``BUS OPERATOR W/``): a run of capitalised, unknown or name-lexicon words,
    then at most two ordinary nouns (``BOSTON CAB``, ``TEXAS INSTRUMENTS``); empty when none."""
    toks = sc.tokens
    n = len(toks)
    t = toks[i]
    j = i + 1
    if t.up == "EMPLOYER":
        if j < n and toks[j].text == "(":
            return _parenthesised(sc, lex, j)  # "EMPLOYER (WESTSIDE FRAMING)"
        if j < n and toks[j].text == ":":
            j += 1
        else:
            if j < n and toks[j].up in ("IS", "WAS"):
                j += 1  # "EMPLOYER IS ...", "Employer Sunflower Feeders filed": name-like words only
            return _name_like_run(sc, lex, t, j, plain_max=0)
    elif j + 1 < n and toks[j].up == "W" and toks[j + 1].text == "/" and t.up in _OCCUPATIONS | _ROLE_JOBS:
        j += 2  # "BUS OPERATOR W/ WMATA"
        if j + 1 < n and toks[j].up == "THE":
            j += 1
        run = _name_like_run(sc, lex, t, j)
        closed = bool(run) and (run[-1] + 1 >= n or toks[run[-1] + 1].text in ",.;)")
        return run if closed else []  # not "RETIRED MINER W/ CWP ON HOME O2"
    else:
        skipped = 0
        while j < n and (toks[j].kind == "n" or toks[j].kind == "w" and toks[j].up not in _WORK_PREP and (
                toks[j].up in _WORK_SKIP or (skipped < 2 and lex.is_known_word(toks[j].up)
                                             and toks[j].up not in _STOP_PLACE)
                or (toks[j - 1].up in ("AS", "A", "AN") and toks[j].up.isalpha()))) and skipped < 4:
            skipped += 1  # "WORKS AS FLOORHAND FOR"
            j += 1
        if j < n and toks[j].text == "(" and (t.up in _OCCUPATIONS or t.up in ("RETIRED", "WORKS", "WORKED")
                                              or t.up == "WORK" and i >= 1 and toks[i - 1].up in ("AT", "FROM")):
            inside = _parenthesised(sc, lex, j)  # "CHEMICAL ENGINEER (SHELL DEER PARK)", "AT WORK (HOME DEPOT)"
            close = next((q for q in range(j + 1, min(n, j + 8)) if toks[q].text == ")"), -1)
            if inside or close < 0 or not (close + 2 < n and toks[close + 1].up in _WORK_PREP and (
                    toks[close + 2].text[:1].isupper() or not lex.is_known_word(toks[close + 2].up))):
                return inside
            j = close + 1  # "SOFTWARE ENGINEER (H1B) AT ACCENTURE"
        if t.up in ("OWNS", "OWNED", "OWN") and not (j < n and toks[j].up in _WORK_PREP):
            j = i + 1  # "OWNS OLYMPIA DINER"
        elif not (j < n and toks[j].up in _WORK_PREP):
            return []
        else:
            j += 1
        if t.up == "RETIRED" and toks[j - 1].up != "FROM" or t.up == "WORK" and not (
                i >= 1 and toks[i - 1].up in ("TO", "DID", "DOES", "WILL", "CAN", "USED", "AT", "FROM", "FOR", "AFTER")):
            return []
        if j + 1 < n and toks[j].up == "THE" and toks[j + 1].is_upper and len(toks[j + 1].text) >= 2 and (
                toks[j].text == "the" or (toks[j + 1].text.isalpha() and len(toks[j + 1].text) <= 5
                                          and not lex.is_known_word(toks[j + 1].up)
                                          and toks[j + 1].up not in lex.clinical)):
            j += 1  # "bus driver for the MBTA", "DRIVER FOR THE MBTA"
    run = _name_like_run(sc, lex, t, j)
    start = j
    if not run and not sc.mixed_case:
        # ALL CAPS "WORKS AT MARKET BASKET.": two to four plain words closing the clause
        k = start
        words = 0
        while k < n and words < 4 and (toks[k].kind == "w" and toks[k].up not in lex.clinical
                                       and toks[k].up not in _STOP_PLACE and toks[k].up not in _WORK_SKIP
                                       and lex.klass(toks[k].up) != PURE
                                       or toks[k].text == "&" and words and k + 1 < n and toks[k + 1].kind == "w"):
            words += toks[k].kind == "w"
            k += 1
        closed = k >= n or toks[k].text in ".,;(" or toks[k].up in ("IN", "ON", "PER", "UNTIL", "SINCE", "FOR", "X") \
            or (toks[k].kind == "n" and k + 1 < n and toks[k + 1].text == "/" and toks[k + 1].start == toks[k].end)
        # (also "AT MARKET BASKET 9/14/2008": a date closes it)
        if words >= 2 and toks[k - 1].text != "&" and closed:
            run = list(range(start, k))  # also "AT ROPES & GRAY.", "FOR PROCTER & GAMBLE."
        elif words == 1 and (closed or toks[k].text == ")") and toks[start - 1].up in ("AT", "FOR", "FROM") \
                and toks[start].text.isalpha() and lex.zipf(toks[start].up) < 4.0 \
                and (len(toks[start].text) >= 4 or (toks[start].up not in lex.clinical and toks[start].up not in STATE_ABBR
                                                    and toks[start].up not in _STOP)) \
                and toks[start].up not in _WORKPLACES and toks[start].up not in _FACILITY_HEAD_WORDS \
                and not toks[start].up.endswith(("ING", "RY", "ISM")) and not medical_shape(toks[start].up):
            run = [start]  # "WORKS AT FIDELITY.", "RETIRED FROM CATERPILLAR,": one rare word closing the clause
    return run


def _name_like_run(sc: Scan, lex: Lexicons, t: Any, j: int, plain_max: int = 2) -> list[int]:
    """The capitalised, unknown or name-lexicon words of an employer's name from token ``j`` on, then at most two
    ordinary nouns (``BOSTON CAB``, ``TEXAS INSTRUMENTS``)."""
    toks = sc.tokens
    n = len(toks)
    run: list[int] = []
    plain = 0
    while j < n and len(run) < 5:
        tj = toks[j]
        if tj.text == "&" and run:
            run.append(j)
            j += 1
            continue
        home_co = not run and tj.up == "HOME" and j + 1 < n and toks[j + 1].kind == "w" \
            and toks[j + 1].start - tj.end == 1  # "HOME DEPOT"
        if tj.kind != "w" or (tj.up in _STOP_PLACE and not home_co) or tj.up in (
                "A", "AN", "THE", "AS", "IN", "ON", "AND", "OF", "TO", "AFTER", "BEFORE", "SINCE", "UNTIL", "WHEN",
                "WHILE", "BUT", "FOR", "X", "NEAR", "NR", "OUTSIDE"):
            break
        name_like = ((sc.mixed_case and (tj.is_title or tj.is_upper)) or not lex.is_known_word(tj.up)
                     or lex.klass(tj.up) == PURE or tj.up in lex.cities or tj.up in STATES or home_co
                     or (not run and t.up in _WORK_VERBS and (not sc.mixed_case or not tj.is_lower)
                         and (lex.klass(tj.up) != NOT_NAME and lex.zipf(tj.up) < 5.0 or tj.up not in lex.english))) \
            and not (sc.mixed_case and tj.is_lower and lex.is_known_word(tj.up))  # "AT FORD"; not "for cash"
        if name_like and (tj.up not in lex.clinical or (sc.mixed_case and tj.is_title and tj.up in lex.drugs_only
                                                        and len(tj.up) >= 4)) and not plain:  # "retired from Chevron"
            run.append(j)
        elif run and plain < plain_max and tj.kind == "w" and (not sc.mixed_case or tj.is_title) \
                and tj.up not in lex.clinical and tj.up not in _WORK_SKIP and tj.up not in _WORK_VERBS:
            run.append(j)  # "BOSTON CAB", "TEXAS INSTRUMENTS", "Stop & Shop"
            plain += 1
        else:
            break
        j += 1
    while run and toks[run[-1]].text == "&":
        run.pop()
    return run


def _parenthesised(sc: Scan, lex: Lexicons, j: int) -> list[int]:
    """The words inside ``( ... )`` at token ``j`` up to ``IN``/``ON``/a comma when they read as a name
    (one to four words, none clinical or a number, at least one unknown, name-lexicon or capitalised in
    mixed-case text); empty otherwise."""
    toks = sc.tokens
    run: list[int] = []
    k = j + 1
    while k < len(toks) and toks[k].kind == "w" and toks[k].up not in ("IN", "ON", "AT") and len(run) < 4:
        run.append(k)
        k += 1
    if not run or k >= len(toks) or toks[k].text not in ")," and toks[k].up not in ("IN", "ON", "AT"):
        return []
    if any(toks[r].up in lex.clinical or (toks[r].up in _STOP_PLACE and not (r == run[0] == j + 1 and len(run) > 1))
           or (sc.mixed_case and toks[r].is_lower) for r in run):  # "(HOME DEPOT)"
        return []
    words = [toks[r].up for r in run]
    if any(w in _STOP or w in _WORK_SKIP or w in ("RETIRED", "DISABLED", "UNEMPLOYED", "SEE", "ABOVE")
           for w in words):
        return []
    if sc.mixed_case:
        return run if all(toks[r].is_title or toks[r].is_upper or toks[r].text[:1].isupper() for r in run) else []
    if not any(not lex.is_known_word(w) or lex.klass(w) == PURE or w in lex.cities for w in words) \
            and " ".join(words) not in lex.cities:
        return []
    return run


# a state abbreviation without a comma after a listed town that follows a place word: "FROM SANFORD ME VIA
# LIFEFLIGHT", "FROM DOVER NH (REFERRED ...)", "IN PUTNAM CT W/ SOB"; an ambiguous one (ME, CT, PA) only before
# punctuation, a line end or one of these words
_CUE_BEFORE_TOWN = re.compile(r"\b(?:FROM|IN|NEAR|OUTSIDE|OF|TO)[ \t]{1,2}\Z", re.IGNORECASE)
# before the "town" of "J. Lee, MD", "DR. HOLDEN, MD", "ADETOKUNBO, VICTORIA, MD": an initial, a title, or a surname
# and a comma (the town is the first name)
_PERSON_BEFORE_TOWN = re.compile(r"(?:\b[A-Z]\.|\b(?:dr|mr|mrs|ms)\.?|(?::|^)[ \t]{0,3}[A-Za-z'\-]{2,30},)[ \t]{0,2}\Z",
                                 re.IGNORECASE | re.MULTILINE)
_AFTER_STATE = frozenset("VIA W WITH AND WHERE WHO FOR AREA TO ON AT NOW BY".split())
_AMBIG_ABBR = frozenset("MD PA ME IN OR OK HI OH DE CO LA MA AL ID MS MO NE SC".split())
_STATE_WORDS = frozenset(w for st in STATES for w in st.split()) - {"NEW", "NORTH", "SOUTH", "WEST", "OF", "DISTRICT"}


def _city_before(sc: Scan, lex: Lexicons, pos: int) -> tuple[int, int] | None:
    """The city name (1-3 words) that ends right before ``pos`` (skipping a comma)."""
    toks = sc.tokens
    # index of the last token ending at or before pos
    j = len(toks) - 1
    lo, hi = 0, len(toks) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        if toks[mid].end <= pos:
            j = mid
            lo = mid + 1
        else:
            hi = mid - 1
    if j < 0 or toks[j].end > pos:
        return None
    if toks[j].text == ",":
        j -= 1
    run: list[int] = []
    while j >= 0 and len(run) < 3 and toks[j].kind == "w" and toks[j].up not in STREET_SUFFIX \
            and (toks[j].up not in lex.clinical or toks[j].up in lex.cities)  \
            and toks[j].up not in _STOP_PLACE and (  # also "JACKSON, MS", "PORTLAND, ME"
            toks[j].up in lex.cities or not lex.is_known_word(toks[j].up) or (sc.mixed_case and toks[j].is_title)
            or (not sc.mixed_case and toks[j].up not in lex.common)):
        run.append(j)
        j -= 1
    if not run:
        return None
    return toks[run[-1]].start, toks[run[0]].end


_STOP_PLACE = frozenset("HOME THE A AN HIS HER THEIR OUTSIDE HOSPITAL REHAB NURSING WORK SCHOOL BED CHAIR".split())
_ZIP4 = re.compile(r"(?<![\w\-])\d{5}-\d{4}(?![\w\-])")


def find_addresses(text: str) -> list[Hit]:
    """Street addresses: ``12 Main St``, ``4410 W. Oak Avenue, Apt 3B``, ``P.O. Box 12``."""
    lex = get_lexicons()
    sc = scan(text)
    toks = sc.tokens
    n = len(toks)
    hits: list[Hit] = []
    for i0, t in enumerate(toks):
        i = i0
        if t.kind != "n" or len(t.text) > 6:
            continue
        if i > 0 and toks[i - 1].end == t.start and toks[i - 1].text in "./:":
            continue
        if i > 1 and toks[i - 1].text == "-" and toks[i - 2].kind == "n" and toks[i - 2].end == toks[i - 1].start:
            continue  # the second number of a range: the first one starts the address
        if i + 2 < n and toks[i + 1].text == "-" and toks[i + 2].kind == "n" and toks[i + 1].start == t.end:
            i_first = i
            i = i + 2  # "6-8 Foley St": continue from the second number
        else:
            i_first = i
        j = i + 1
        if j < n and toks[j].kind == "w" and len(toks[j].text) == 1 and toks[j].start == t.end:
            if toks[j].up == "S" and t.text.endswith("0"):
                continue  # "SBP 80s. Fellow Dr. Tran": a decade of values, not a house number
            j += 1  # 12B
        if i > 0 and toks[i - 1].up in _MONTH_WORDS and toks[i - 1].kind == "w":
            continue  # "DEC 9 AND HIT ... HWY 14": a day of a month
        # "LIVES W/ WIFE AT 114 DIVISION ST", "HOME 18 PLEASANT VIEW RD": the street's words may be plain words
        mcue = _ADDRESS_CUE.search(text, max(0, toks[i_first].start - 56), toks[i_first].start)
        at_cue = mcue is not None and mcue.group().strip().upper() == "AT"
        strong_cue = mcue is not None and not at_cue and not re.search(
            r"\d(?!\d*(?:st|nd|rd|th)\b)", mcue.group(), re.IGNORECASE)
        cue = at_cue or strong_cue
        # (no other number between the cue and the house number: not "LIVES ALONE, HR 110 SINUS ST")
        words = 0
        found = -1
        while j < n and words <= 5:
            tj = toks[j]
            if "\n" in sc.text[toks[j - 1].end:tj.start]:
                break  # an address does not run over a line break
            if tj.kind == "p" and tj.text in ".-'":
                if tj.text == "." and j + 1 < n and toks[j + 1].start > tj.end and (
                        len(toks[j - 1].text) > 2 or toks[j - 1].kind == "n"):
                    break  # "X2 BY EMS. PARTNER ...", "DOBUTAMINE 5. FAMILY ...": a sentence ends here
                j += 1
                continue
            compass = words == 1 and toks[j - 1 if toks[j - 1].text != "." else j - 2].up in (
                "N", "S", "E", "W", "NE", "NW", "SE", "SW")
            if tj.kind == "n" and (words == 0 or compass) and re.fullmatch(r"\d{1,3}", tj.text) and j + 1 < n \
                    and toks[j + 1].up in ("ST", "ND", "RD", "TH"):
                j += 2  # 5th Avenue
                words += 1
                continue
            if tj.kind != "w" or (tj.up in _NOT_IN_STREET and not (tj.up == "AT" and i_first > 0
                                                                   and toks[i_first - 1].text == "-")):
                break  # "37 YOM ROLLOVER ON GRAVEL ROAD 760": an age and a crash, no house number
            if tj.up in STREET_SUFFIX and words >= 1:
                city_next = j + 2 < n and toks[j + 1].text == "," and (
                    toks[j + 2].up in lex.cities or toks[j + 2].up in STATE_ABBR)  # "204 COUNTRY MEADOW DR, SMYRNA"
                if j + 1 < n and toks[j + 1].up in STREET_SUFFIX and toks[j + 1].up not in _WEAK_SUFFIX \
                        and toks[j + 1].start - tj.end == 1:
                    found = j + 1  # "9501 LONG POINT RD": the first suffix is part of the name
                    break
                plain_cue = strong_cue and all(toks[q].kind != "w" or lex.zipf(toks[q].up) < 5.9 for q in range(i + 1, j))
                if tj.up in _WEAK_SUFFIX and not city_next and not plain_cue and not all(
                        toks[q].kind != "w" or toks[q].up in ("ST", "ND", "RD", "TH", "N", "S", "E", "W") or (
                            toks[q].is_title if sc.mixed_case else (
                                not lex.is_known_word(toks[q].up) or lex.klass(toks[q].up) != NOT_NAME))
                        for q in range(i + 1, j)):
                    break
                found = j
                break
            if words == 0 and tj.up in ("N", "S", "E", "W", "NE", "NW", "SE", "SW"):
                words += 1  # "412 S. ELM ST": a compass point before the street's name
                j += 1
                continue
            if tj.up in lex.clinical and not tj.is_title and not (j + 1 < n and toks[j + 1].up in STREET_SUFFIX) \
                    and not (strong_cue and words == 0 and tj.kind == "w" and len(tj.text) >= 4):
                break
            if sc.mixed_case and tj.is_lower and len(tj.text) > 3:
                break  # "5 units given, requests second opinion at St. Luke's": prose, not a street
            words += 1
            j += 1
        if found < 0:
            continue
        # "2 HEAD CT", "3 PT DR": a clinical word right before the suffix is no street
        prev = toks[found - 1]
        ordinal = prev.up in ("ST", "ND", "RD", "TH") and toks[found - 2].kind == "n"
        if prev.kind == "w" and not ordinal and not prev.is_title and (
                (prev.up in lex.clinical and (len(prev.up) <= 4 or lex.klass(prev.up) == NOT_NAME
                                              or toks[found].up not in ("ST", "STREET", "AVE", "AVENUE")))
                or prev.up in ("HEAD", "CHEST", "ABDOMINAL", "SPINE", "PELVIS", "NECK", "BRAIN")
                or (toks[found].up == "ST" and lex.is_known_word(prev.up) and lex.klass(prev.up) == NOT_NAME
                    and prev.up not in lex.cities and not cue)):
            continue  # "HR 110 SINUS ST" (but "212 PLEASANT ST", "45 CENTRE ST": a name or a place before ST)
        e = toks[found].end
        k = found + 1
        if k < n and toks[k].text == "." and toks[k].start == e:
            e = toks[k].end
            k += 1
        elif toks[found].up in ("RD", "ROAD", "RTE", "ROUTE", "HWY", "HIGHWAY") and k < n and toks[k].kind == "n" \
                and len(toks[k].text) <= 4 and toks[k].start - e == 1:
            e = toks[k].end  # "4410 COUNTY RD 22"
            k += 1
        # optional unit: ", Apt 3B", "#4", "Suite 200"
        kk = k + 1 if k < n and toks[k].text == "," else k
        if kk < n and (toks[kk].up in UNIT_WORDS or toks[kk].text == "#"):
            m = kk + 1
            if m < n and toks[m].text in (".", "#"):
                m += 1
            if m < n and toks[m].kind in ("n", "w") and len(toks[m].text) <= 6 and (
                    any(c.isdigit() for c in toks[m].text) or len(toks[m].text) <= 2):  # not "ELM ST, NO STAIRS"
                e = toks[m].end
                if m + 1 < n and toks[m + 1].kind in ("n", "w") and toks[m + 1].start == toks[m].end:
                    e = toks[m + 1].end
        mc = _COMPASS_AFTER.match(text, e)
        if mc:
            e = mc.end()  # "955 NW 3RD ST NW", "1400 2ND ST NW"
        hits.append((toks[i_first].start, e, "ADDRESS", 0.85))
        town = _town_after(sc, lex, e)
        if town:
            hits.append((town[0], town[1], "LOCATION", 0.65))
        mz = re.match(r",?[ \t]{1,2}(\d{5})(?:-\d{4})?\b", text[e:e + 14])
        if mz:
            hits.append((e + mz.start(1), e + mz.end(), "ZIP", 0.75))  # "4236 Fairmount Ave #12, 92105"
    hits = [h for h in hits if not _BEAT_RUN.match(text, h[0], h[1])]  # "12 BEAT RUN OF VT": an arrhythmia
    for mt in _PO_BOX.finditer(text):
        hits.append((mt.start(), mt.end(), "ADDRESS", 0.85))
    # a place on a highway: "I-24 EB AT MM 152", "ON US-129 NEAR DEALS GAP", "SR 5 north of Shipshewana"
    for mt in _HIGHWAY.finditer(text):
        prefix = mt.group("pre").upper().replace(".", "")
        county = mt.group("road").split()[0].upper() in ("CO", "COUNTY", "FOREST", "BIA", "STATE") \
            and len(mt.group("road").split()) > 2
        on = (mt.group("on") or "").split()[0].upper() if mt.group("on") else ""
        if prefix not in _HIGHWAY_PREFIX and prefix not in STATE_ABBR and not (
                prefix in ("ROAD", "RD") and (county or (on in ("ON", "OFF", "ALONG") and (
                    prefix == "ROAD" or len(mt.group("on").split()) > 1)))):
            continue  # "County Road 400 N", "ON GRAVEL ROAD 760"
        if "/" in mt.group("road") and prefix not in ("I", "IH"):
            continue  # "I-20/59", not "ON CT 1/21"
        if mt.group("mile"):
            hits.append((mt.start("road"), mt.end("mile"), "ADDRESS", 0.7))
            continue
        # the road alone after ON / OFF / ALONG: "MVC ON I-94", "LIVES OFF RT 7", "on Route 128"; a prefix that is
        # also a clinical abbreviation (RT, SR, CR) only with a direction or a place after it ("ON RT 6 IN SWANSEA")
        if re.match(r"\.\d", text[mt.end("road"):mt.end("road") + 2]):
            continue
        if not on:
            before = re.findall(r"[A-Za-z\-]+", text[max(0, mt.start("road") - 16):mt.start("road")])[-1:]
            if before and before[0].upper() in _CRASH_BEFORE and not text[mt.start("road") - 1:mt.start("road")] == "\n":
                on = "ON"  # "ROLLOVER HWY 491 N OF SHIPROCK", "SEDAN VS SEMI ON ICY I-84 EB"
        if on in ("FROM", "TO") and re.search(r"-\d\d", mt.group("road")) and mt.group("pre").isupper() and (
                prefix in ("I", "IH", "US") or prefix in STATE_ABBR):
            on = "ON"  # "ROLLED ON RAMP FROM I-70 TO US-183"
        if on not in ("ON", "OFF", "ALONG", "ONTO", "DOWN", "UP", "VIA"):
            if (prefix in STATE_ABBR or prefix in _HIGHWAY_PREFIX) and mt.group("pre").isupper() and (
                    ("-" in mt.group("road")
                     and (mt.group("dir") or re.match(r"[ \t](?-i:[NSEW])\b", text[mt.end():mt.end() + 3])))
                    or ((pa := _PLACE_AFTER_ROAD.match(text, mt.end())) is not None
                        and not lex.is_known_word(re.findall(r"[A-Za-z]+", text[pa.end() - 2:pa.end() + 30])[0].upper()))):
                # "head-on collision AL-69 S near Moundville", "MVC VS COW NM 117 NEAR CUBA", "NM 4 N OF JEMEZ"
                hits.append((mt.start("road"), mt.end(), "ADDRESS", 0.6))
            continue
        plain = prefix in _ROAD_PREFIX or ((prefix == "US" or prefix in STATE_ABBR) and "-" in mt.group("road")
                                           and mt.group("pre").isupper()) or prefix in ("ROAD", "RD") \
            or re.search(r"\d[ \t][NSEW]$", mt.group("road")) is not None  # a grid road: "ON CR 1800 E"
        if plain or ((mt.group("dir") or _ROAD_AFTER.match(text, mt.end())) and mt.group("road")[-1].isdigit()):
            hits.append((mt.start("road"), mt.end(), "ADDRESS", 0.6))
    # a named highway, bridge or tunnel after ON/OFF/UNDER/NEAR: "ON VAN WYCK EXPWY", "ON MASS PIKE WB", "near the
    # Tobin Bridge", "MVC ON THE BALTIMORE BELTWAY" (no "ON HEPARIN BRIDGE": its word is clinical)
    for mt in _NAMED_ROAD.finditer(text):
        road_words = [fold(w).upper() for w in mt.group(1).split()[:-1]]
        head = mt.group(1).split()[-1].upper()
        if any(w in lex.clinical or w in _STOP for w in road_words):
            continue
        if head in ("BRIDGE", "TUNNEL", "CONNECTOR", "PARKWAY", "PKWY") and all(
                lex.is_known_word(w) and w not in lex.cities and lex.klass(w) == NOT_NAME for w in road_words):
            continue  # "ON THE NASAL BRIDGE", "THE SAME TUNNEL": ordinary words
        hits.append((mt.start(1), mt.end(), "ADDRESS", 0.6))
    # the same in a lower-case note or line: "mvc on storrow drive", "rollover on the mass pike eb", "by mass ave",
    # "outside the pub on w broadway" (not "on the long drive home", "on his way", "the nasal bridge")
    for mt in _NAMED_ROAD_LOWER.finditer(text):
        if sc.mixed_case and not sc.lower_at(mt.start()):
            continue
        road_parts = mt.group(1).split()
        road_words = [fold(w).upper() for w in road_parts[:-1] if w.rstrip(".") not in _ROAD_DIRECTIONS]
        head = road_parts[-1].upper()
        if head != "BROADWAY" and (not road_words or any(
                w in lex.clinical or w in _STOP or lex.zipf(w) >= 5.0 for w in road_words) or (
                head in ("BRIDGE", "TUNNEL", "CONNECTOR", "PARKWAY", "PKWY", "DRIVE") and all(
                lex.is_known_word(w) and w not in lex.cities and lex.klass(w) == NOT_NAME
                and lex.zipf(w) >= 3.0 for w in road_words))):
            continue
        hits.append((mt.start(1), mt.end(), "ADDRESS", 0.6))
    for mt in _STREET_FIRST.finditer(text):
        hits.append((mt.start(), mt.end(), "ADDRESS", 0.8))  # "1117 CAMINO REAL SPC 22", "45 Calle Sol"
    pos = 0
    while (ms := _STREET_NO_NUMBER.search(text, pos)) is not None:
        pos = ms.start(1)  # "Stop & Shop on Morrissey Blvd": a rejected run may hide the street after it
        if _street_named(sc, lex, ms.group(1), ms.end()):
            end = ms.end()
            mc = _COMPASS_AFTER.match(text, end)
            if mc:
                end = mc.end()  # "MISSOURI AVE NW"
            mx = _CROSS_STREET.match(text, end)
            if mx is not None and _street_named(sc, lex, mx.group(1), mx.end()):
                end = mx.end()  # an intersection: "AT BLUE HILL AVE AND MORTON ST", "at Park St & Maple St"
            hits.append((ms.start(1), end, "ADDRESS", 0.6))  # "FOUND DOWN ON BLUE HILL AVE", "on W. 61st St."
            town = _listed_town_after(sc, lex, end)
            if town:
                hits.append((town[0], town[1], "LOCATION", 0.6))  # "on Congress St, Portland ME.", "ON ELM ST, SALEM,"
            pos = end
    for mt in _UNIT.finditer(text):
        hits.append((mt.start(), mt.end(), "ADDRESS", 0.7))
    return hits


# state and federal prisons by their usual prefix: "MCI-NORFOLK", "SCI GRATERFORD", "FCI Danbury"
# a veterans' post or a fraternal lodge by its number: "VFW POST 2294", "AMERICAN LEGION POST 12", "ELKS LODGE 1478"
_POST_LODGE = re.compile(r"\b(?:vfw|american[ \t]legion|legion|amvets|elks|moose|eagles|k[ \t]of[ \t]c|knights[ \t]of[ \t]"
                         r"columbus|masonic)[ \t]{1,2}(?:post|lodge|council|aerie|hall)[ \t]{1,2}(?:no\.?|#)?[ \t]?\d{1,5}\b",
                         re.IGNORECASE)
_PRISON_PLACE_HEADS = frozenset("JUNCTION HILL HILLS FALLS RIVER LAKE LAKES VALLEY POINT BROOK BROOKS SPRINGS SPRING "
                                 "CREEK CAMP RIDGE MOUNTAIN MEADOW MEADOWS PINES WOODS ISLAND HARBOR HAVEN".split())
_PRISON = re.compile(r"\b(?-i:MCI|SCI|FCI|USP|FMC|CCI|SBCC|OCCC)[ \t\-]{1,2}(?:[A-Z][A-Za-z]+|[a-z]{4,})(?:[ \t][A-Z][a-z]+)?\b",
                     re.IGNORECASE)


_WEEKDAY_MONTH = frozenset("MONDAY TUESDAY WEDNESDAY THURSDAY FRIDAY SATURDAY SUNDAY JANUARY FEBRUARY MARCH APRIL MAY "
                           "JUNE JULY AUGUST SEPTEMBER OCTOBER NOVEMBER DECEMBER TODAY TONIGHT".split())


def _street_named(sc: Scan, lex: Lexicons, name: str, end: int) -> bool:
    """Whether the words before a street suffix name a street ("BLUE HILL", "Morrissey"), not a clinical phrase."""
    street_words = name.upper().split()
    city_after = _CITY_AFTER.match(sc.text, end)
    # "on Pleasant Ave", "on Ravine St": title-case words before the suffix in mixed-case prose name a street even
    # when they are ordinary words (not "on Sinus St", "on Monday St")
    titled = sc.mixed_case and all(w[:1].isupper() and w[1:].islower() for w in name.split()) \
        and not any(w in _WEEKDAY_MONTH or w in ("SINUS", "JUNCTIONAL", "ATRIAL") for w in street_words)
    return all((w not in lex.clinical or (titled and len(w) >= 5)) and w not in _STOP and w not in UNIT_WORDS
               and w not in _STOP_PLACE for w in street_words) and (
        any(not lex.is_known_word(w) or lex.klass(w) != NOT_NAME or w in lex.cities for w in street_words)
        or (city_after is not None and fold(city_after.group(1)).upper() in lex.cities) or titled) and (
        not sc.mixed_case or all(w[:1].isupper() or w[:1].isdigit() for w in name.split()))


def _town_after(sc: Scan, lex: Lexicons, pos: int) -> tuple[int, int] | None:
    """The town after a street address: ``12 ELM ST, APT 4, COLLEGE PARK.`` -- one to three words between a
    comma and the end of the clause (``.``, ``,``, ``;``, a state or ZIP code is found on its own)."""
    toks = sc.tokens
    n = len(toks)
    k = sc.index_from(pos)
    if k >= n or toks[k].text != ",":
        return None
    run: list[int] = []
    k += 1
    plain = False
    while k < n and len(run) < 3 and toks[k].kind == "w" and "\n" not in sc.text[toks[k - 1].end:toks[k].start]:
        u = toks[k].up
        if sc.mixed_case and toks[k].is_lower:
            return None
        plain = plain or u in lex.clinical or u in _STOP or u in UNIT_WORDS or u in _STOP_PLACE
        run.append(k)
        k += 1
    if not run or (k < n and toks[k].text not in ".,;)" and toks[k].kind != "n"):
        return None
    if plain and (len(run) < 2 or " ".join(toks[r].up for r in run) not in lex.cities):
        return None  # not "12 ELM ST, WAS", but "418 CHERRY ST, BROKEN ARROW," (a listed town)
    if len(run) == 1 and not sc.mixed_case and toks[run[0]].up not in lex.cities and lex.zipf(toks[run[0]].up) >= 3.5:
        return None  # "12 ELM ST, ALONE."
    return toks[run[0]].start, toks[run[-1]].end


def _listed_town_after(sc: Scan, lex: Lexicons, pos: int) -> tuple[int, int] | None:
    """A listed town or neighbourhood after a street without a number, and its state: ``on Congress St, Portland
    ME.`` -- one to three words after a comma that name a place of the lexicons, then the end of the clause."""
    toks = sc.tokens
    n = len(toks)
    k = sc.index_from(pos)
    if k >= n or toks[k].text != "," or toks[k].start != pos:
        return None
    run: list[int] = []
    q = k + 1
    while q < n and len(run) < 3 and toks[q].kind == "w" and "\n" not in sc.text[toks[q - 1].end:toks[q].start] \
            and (not sc.mixed_case or toks[q].is_title or toks[q].is_upper):
        run.append(q)
        q += 1
    for size in range(len(run), 0, -1):
        name = " ".join(fold(toks[r].text).upper() for r in run[:size])
        if name in _STOP or not (name in lex.cities or name in lex.neighborhoods or name in lex.minor_places):
            continue
        last = run[size - 1]
        if size < len(run) and toks[run[size]].up in STATE_ABBR and toks[run[size]].is_upper:
            last = run[size]  # "Portland ME"
        elif any(toks[r].up in lex.clinical for r in run[:size]):
            return None  # a town that is also a clinical word only with its state: "on Main St, Normal IL"
        after = last + 1
        if after < n and not (toks[after].text in ".,;)" or toks[after].kind == "n"
                              or "\n" in sc.text[toks[last].end:toks[after].start]):
            return None
        return toks[run[0]].start, toks[last].end
    return None


# streets whose type comes first (Spanish): "1117 CAMINO REAL SPC 22", "45 Calle del Sol"
_STREET_FIRST = re.compile(
    r"\b\d{1,6}[ \t]{1,2}(?:camino|calle|avenida|paseo|carretera|callej[oó]n|rua|rue)[ \t]{1,2}"
    r"(?:(?:de|del|la|las|los|el)[ \t]{1,2}){0,2}[A-ZÁÉÍÓÚÑ][\w'’]+(?:[ \t](?!(?:spc|space|lot|apt)\b)[A-ZÁÉÍÓÚÑ][\w'’]+)?"
    r"(?:,?[ \t]{1,2}(?:spc|space|lot|apt|#)\.?[ \t]{0,2}#?\d{1,5}[A-Z]?)?", re.IGNORECASE)
# a street without a house number where a person was found or lives: "FOUND DOWN ON BLUE HILL AVE"
# a compass quadrant after a street's type: "2ND ST NW", "Missouri Ave NW," (one letter only before punctuation)
_COMPASS_AFTER = re.compile(r"[ \t](?:NW|NE|SW|SE|N\.?W\.?|S\.?E\.?)\b|[ \t][NSEW]\.?(?=[,;)]|[ \t]*$)")
_CITY_AFTER = re.compile(r",[ \t]{0,2}([A-Za-z]+(?:[ \t][A-Za-z]+)?)")
_STREET_NO_NUMBER = re.compile(
    r"(?:\b(?:on|at|off|near|corner of|crossing|along)|&)[ \t]{1,2}((?:[NSEWnsew]\.?[ \t]{1,2})?"
    r"(?:(?:[A-Za-z][A-Za-z'’\-]+|\d{1,3}(?:st|nd|rd|th|ST|ND|RD|TH))[ \t]){1,3})"
    r"(?:ave|avenue|st|street|blvd|boulevard|rd|road|hwy|highway|pkwy|parkway)\b\.?(?![ \t]*\d{1,4}\b(?!/))", re.IGNORECASE)
_CROSS_STREET = re.compile(
    r"[ \t]{1,2}(?:and|&|/)[ \t]{1,2}((?:[A-Za-z][A-Za-z'’\-]+[ \t]){1,3})"
    r"(?:ave|avenue|st|street|blvd|boulevard|rd|road|hwy|highway|pkwy|parkway)\b\.?(?![ \t]*\d{1,4}\b(?!/))", re.IGNORECASE)
_UNIT = re.compile(r"\b(?:apt|apartment|suite|ste)\.?[ \t]{0,2}#?[ \t]{0,2}\d{1,5}[A-Za-z]?\b", re.IGNORECASE)
# what comes right before a house number ("LIVES AT", "HOME", "ADDRESS:", "RI, 118 COTTAGE ST")
_ADDRESS_CUE = re.compile(r"(?:\b(?:lives|living|resides|residing|home|address|addr|located|lived)\b[^\n.;]{0,40}"
                          r"|\b(?-i:" + "|".join(sorted(STATE_ABBR)) + r"),[ \t])[ \t:]*\Z|\bat[ \t]{1,2}\Z", re.IGNORECASE)
# an abbreviated part of town before a city: "SO. BOSTON", "NO. ANDOVER", "E. BOSTON"
_DIR_ABBR_BEFORE = re.compile(r"(?<![\w.])(?:so|no|e|w|n|s)\.[ \t]?$|(?<![\w.])(?:so|no)[ \t]$", re.IGNORECASE)
_BEAT_RUN = re.compile(r"\d+[ \t\-]{0,2}beats?[ \t]{1,2}run\b", re.IGNORECASE)
_ROAD_PREFIX = frozenset("I IH ROUTE RTE HWY HIGHWAY".split())
_ROAD_AFTER = re.compile(r"[ \t]*(?:[,;)]|\.(?!\d)|$|[ \t](?:in|near|outside|at|by|between|north|south|east|west|[NSEW])\b)",
                         re.IGNORECASE | re.MULTILINE)
_NAMED_ROAD = re.compile(
    r"\b(?:on|off|under|near|along|onto|from)[ \t]{1,2}(?:the[ \t]{1,2})?"
    r"((?:(?-i:[A-Z][A-Za-z'’\-]+)[ \t]){1,3}(?-i:EXPWY|EXPRESSWAY|PIKE|TURNPIKE|TPKE|BELTWAY|PARKWAY|PKWY|FREEWAY|FWY|"
    r"CONNECTOR|BRIDGE|TUNNEL|THRUWAY|Expwy|Expressway|Pike|Turnpike|Tpke|Beltway|Parkway|Pkwy|Freeway|Fwy|Connector|"
    r"Bridge|Tunnel|Thruway))\b(?:[ \t](?-i:NB|SB|EB|WB)\b)?"
    r"(?:[ \t]{1,2}(?:at|near|nr|by|@)[ \t]{1,2}(?:mm|mile[ \t]marker|mile|exit)[ \t]?#?\d{1,3}[A-Z]?\b)?", re.IGNORECASE)
_ROAD_DIRECTIONS = frozenset("w e n s west east north south old".split())
_NAMED_ROAD_LOWER = re.compile(
    r"\b(?:on|off|under|near|along|onto|from|by|at)[ \t]{1,2}(?:the[ \t]{1,2})?"
    r"((?:(?:w|e|n|s|west|east|north|south)\.?[ \t]{1,2})?broadway|"
    r"(?:[a-z][a-z'’\-]+\.?[ \t]){1,2}(?:expwy|expressway|pike|turnpike|tpke|beltway|parkway|pkwy|freeway|fwy|connector|"
    r"bridge|tunnel|drive|ave|avenue|blvd|boulevard|hwy|highway))\b(?:[ \t](?:nb|sb|eb|wb)\b)?")
_HIGHWAY_PREFIX = frozenset("I IH US SR SH RT RTE ROUTE HWY HIGHWAY STATE CR FM FR".split())
_HIGHWAY = re.compile(
    r"(?P<on>\b(?:on|along|off|of|onto|from|to|down|up|via)[ \t]{1,2}(?:(?:gravel|dirt|paved)[ \t]{1,2})?)?"
    r"\b(?P<road>(?:(?:state|county|co|bia|forest)[ \t])?"
    r"(?P<pre>[A-Za-z]{1,7}\.?)(?:[ \t]?-[ \t]?|[ \t])(?:\d{1,3}[A-Z]?(?:/\d{1,3})?|\d{3,4}[ \t](?-i:[NSEW]))\b)"
    r"(?:[ \t](?P<dir>(?-i:NB|SB|EB|WB|[NSEW]B|N/B|S/B|E/B|W/B)|northbound|southbound|eastbound|westbound|"
    r"(?-i:[NSEW])(?=[ \t]{1,2}(?:at|near|nr|by|@|mm|mp|mile|exit)\b))\b)?"
    r"(?P<mile>(?:[ \t]{1,2}(?:at|near|nr|by|@))?[ \t]{1,2}(?:mm|mp|mile[ \t]marker|mile[ \t]post|mile|exit)[ \t]?#?"
    r"\d{1,3}[A-Z]?\b)?",
    re.IGNORECASE)
# a place named right after a road: "NM 4 NEAR JEMEZ SPRINGS", "US 60 W OF GLOBE" (not "CO 2 30", "MS 4 MG")
_PLACE_AFTER_ROAD = re.compile(r"[ \t]{1,2}(?:NEAR|NR|OUTSIDE|BETWEEN|(?:[NSEW]|NORTH|SOUTH|EAST|WEST)[ \t]OF)[ \t]{1,2}"
                               r"(?-i:[A-Z][A-Za-z])", re.IGNORECASE)
# what happened on a road named right after it, without ON: "ROLLOVER US 550 N OF CUBA", "JACKKNIFE I-10 NEAR WILLCOX"
_CRASH_BEFORE = frozenset("ROLLOVER ROLLED COLLISION CRASH CRASHED MVC MVA JACKKNIFE JACKKNIFED WRECK WRECKED STRUCK "
                          "EXTRICATION PILEUP PILE-UP ICY".split())
_PO_BOX = re.compile(r"\bP\.?[ \t]?O\.?[ \t]{0,2}BOX[ \t]{0,2}#?\d{1,6}\b|"
                     r"\b(?:HC|RR|R\.R\.|RURAL ROUTE|STAR ROUTE|HCR)[ \t]{0,2}\d{1,4},?[ \t]{1,2}BOX[ \t]{0,2}#?\d{1,6}\b",
                     re.IGNORECASE)


def find_facilities(text: str) -> list[Hit]:
    """Hospitals and other facilities named before a head word (``X Medical Center``, ``St. X``)."""
    lex = get_lexicons()
    sc = scan(text)
    toks = sc.tokens
    n = len(toks)
    hits: list[Hit] = []
    heads = _heads()
    i = 0
    while i < n:
        t = toks[i]
        if t.kind != "w":
            i += 1
            continue
        head_end = _head_end(toks, heads, i)
        if head_end < 0:
            i += 1
            continue
        if t.up == "CO" and (i + 1 < n and toks[i + 1].kind in "np" and toks[i + 1].text not in ".,;)" or not t.is_upper
                             or i == 0 or toks[i - 1].kind != "w" or len(toks[i - 1].text) < 3
                             or toks[i - 1].up in lex.clinical):
            i += 1
            continue  # "CO 4.5", "CO/CI": cardiac output, not a company
        if head_end == i and t.up in ("GENERAL", "MEDICAL", "REGIONAL") and i + 1 < n and toks[i + 1].kind == "w" \
                and len(toks[i + 1].text) >= 2 and toks[i + 1].up not in _FAC_TAIL \
                and not toks[i + 1].up.endswith(("ED", "ING")) and toks[i + 1].up not in _STOP \
                and (toks[i + 1].up in lex.clinical or toks[i + 1].up in _UNIT_AFTER_GENERAL):
            i += 1
            continue  # "LEE GENERAL SURGERY", "GENERAL MEDICAL TEAM": a specialty, not a hospital
        if t.up == "MED" and i + 1 < n and toks[i + 1].up in ("REC", "RECS", "RECORD", "RECORDS", "LIST", "LISTS",
                                                             "ROOM", "NURSE", "PASS", "STUDENT", "CHANGES"):
            i += 1
            continue  # "CARNEY MED RECORDS", "Baird  Med Rec #": medical records, not a hospital
        weak = " ".join(toks[q].up for q in range(i, head_end + 1)) in _WEAK_HEADS
        # in prose a lower-case weak head after a name is left out of the span: "from Holy Ghost parish",
        # "Charlton Memorial cardiology clinic" (the name is found on its own)
        lower_head = weak and sc.mixed_case and t.is_lower and i >= 1 and toks[i - 1].text[:1].isupper()
        lower_head = lower_head or " ".join(toks[q].up for q in range(i, head_end + 1)) in (
            "PLANT", "ASSEMBLY PLANT", "POWER PLANT")  # "AT GM LORDSTOWN PLANT": the name only
        head_end, weak_chain = _chain_heads(toks, heads, head_end)
        weak = weak and weak_chain
        # walk back over the facility's own name
        j = i - 1
        first = -1
        named = False
        plain_titles: list[int] = []  # ordinary capitalised words before a weak head ("Oak Hollow Health")
        while j >= 0 and i - j <= 6:
            tj = toks[j]
            if tj.kind == "p":
                if tj.text == "&" or (tj.text in ".'-" and j > 0 and toks[j - 1].kind == "w"
                                      and toks[j - 1].end == tj.start
                                      and (tj.text != "." or len(toks[j - 1].text) <= 3
                                           and toks[j - 1].up not in STATE_ABBR - {"MT"})):  # ST. / MT. / W.W.
                    j -= 1
                    continue
                break
            if tj.kind != "w":
                break
            u = tj.up[:-2] if tj.up.endswith(("'S", "’S")) else tj.up
            if not weak and j == i - 1 and (u in _SPECIALTY_MODIFIERS or u in _CLINIC_KINDS or (
                    tj.is_lower and lex.klass(u) == AMBIGUOUS and lex.zipf(u) >= 5.0 and u not in lex.cities)) \
                    and not (j >= 1 and toks[j - 1].kind == "w" and toks[j - 1].up not in _STOP
                             and toks[j - 1].up not in lex.clinical and (
                                 not lex.is_known_word(toks[j - 1].up) or (sc.mixed_case and toks[j - 1].is_title))):
                # "since last clinic visit", "hotel near hospital", "f/u in hf clinic": no facility's name (but
                # "Akron Pediatric Clinic": a town or a name before the kind of clinic)
                break
            if u in _TITLE_STOP or u in ("VIA", "PER") or (sc.mixed_case and tj.is_lower and u not in ("OF", "THE", "AND")):
                break  # "IMAM SHEIKH YASIR OF MADINA MASJID", "their nail salon": no facility name
            if sc.mixed_case and u.endswith(("ED", "ING")) and len(u) > 5 and lex.klass(u) == NOT_NAME \
                    and lex.is_known_word(u):
                break  # "Contacted Mexican Consulate": a verb opening the sentence
            if u in ("FIRST", "SECOND", "THIRD", "GREATER", "UNITED") and t.up in _FAITH_HEADS and i - j <= 2 \
                    and not tj.is_lower:
                first = j  # "FIRST BAPTIST", "GREATER LOVE TABERNACLE", "SECOND PRESBYTERIAN"
                named = True
                break
            if u == "OUR" and toks[j + 1].up == "LADY":
                first = j  # "OUR LADY OF LOURDES HOSPITAL"
                named = True
                break
            if u == "OF" and first >= 0 and j >= 1 and toks[j - 1].kind == "w" and toks[j + 1].up not in (
                    "ST", "SAINT", "OUR") and (
                    toks[j - 1].up in ("LADY", "SISTERS", "DAUGHTERS", "UNIVERSITY") or (
                    sc.mixed_case and toks[j - 1].is_title and toks[j - 1].up not in _NOT_FACILITY) or (
                    t.up in _FAITH_HEADS and toks[j - 1].up not in _STOP and toks[j - 1].up not in lex.clinical
                    and toks[j - 1].up not in _NOT_FACILITY)):  # also "GATE OF HEAVEN PARISH"
                j -= 1  # "SISTERS OF CHARITY HOSPITAL", "Hospital for Sick Children": OF inside the name
                continue
            if u in _NOT_FACILITY and u not in ("NEW",):
                break
            if t.up in _FAITH_HEADS and u.isalpha() and u not in _STOP and (
                    (u in lex.clinical and not tj.is_lower) or (sc.mixed_case and tj.is_title)):
                # "MEDHANE ALEM ETHIOPIAN ORTHODOX CHURCH", "Holy Trinity Armenian Apostolic Church": peoples,
                # faiths and ordinary capitalised words inside the name
                named = named or (u not in lex.clinical and u not in _GENERIC_FACILITY)
                first = j
                j -= 1
                continue
            if j + 1 < i and toks[j + 1].kind == "w" and f"{u} {toks[j + 1].up}" in lex.cities \
                    and u not in _STOP and not (sc.mixed_case and tj.is_lower):
                first = j  # "FALL RIVER FD", "UPPER DARBY FD": a listed town of ordinary words
                named = True
                j -= 1
                continue
            if u in _STREET_NAMED and j >= 1 and toks[j - 1].kind == "w" and toks[j - 1].up not in _STOP \
                    and toks[j - 1].up not in lex.clinical and (not sc.mixed_case or toks[j - 1].is_title) \
                    and (sc.mixed_case or not lex.is_known_word(toks[j - 1].up) or toks[j - 1].up in lex.cities):
                first = j - 1  # "Nostrand Ave Dialysis", "ROCKAWAY BLVD KIDNEY CTR": a unit named after its street
                named = True
                j -= 2
                continue
            if weak and _plain_word(lex, u) and not (lex.klass(u) != NOT_NAME and j >= 1 and (
                    toks[j - 1].up in ("ST", "SAINT") or (j >= 2 and toks[j - 1].text == "." and toks[j - 2].up == "ST"))):
                # (a saint's name is no plain word: "ST. AMBROSE PARISH", "ST ROSE CHURCH")
                if sc.mixed_case and tj.is_title and t.is_title and u not in _STOP and not medical_shape(u) \
                        and u not in _NOT_FACILITY:  # also "at Magic Valley Dairy" (MAGIC: a device word)
                    plain_titles.append(j)
                    first = j
                    j -= 1
                    continue
                break  # "GO HOME", "FAMILY'S HOME", "ALL LABS", "FEM DIALYSIS": no name before a weak head
            if weak and t.up in _SHOP_HEADS and lex.klass(u) == AMBIGUOUS and lex.is_known_word(u) \
                    and u not in lex.cities and not (sc.mixed_case and tj.is_title) \
                    and j >= 1 and toks[j - 1].up in ("A", "AN", "THE", "HIS", "HER", "THEIR", "OWN", "FAMILY'S"):
                break  # "OWNS A NAIL SALON": an ordinary word before a shop, not its name
            if u in FACILITY_WORDS or not lex.is_known_word(u) or lex.klass(u) != NOT_NAME or u in lex.cities \
                    or (sc.mixed_case and tj.is_title):
                if u not in _GENERIC_FACILITY:
                    named = True
                first = j
                j -= 1
                continue
            break
        if plain_titles:
            # "to Oak Hollow Health & Rehab", "w/ Gulf Coast EMS": ordinary capitalised words name a facility only
            # right after a preposition; otherwise ("Home Health") the name starts after them
            pw = sc.prev_word(first, "")
            paren = first >= 1 and toks[first - 1].text == "(" and head_end + 1 < n and toks[head_end + 1].text in ")," \
                and not all(toks[q].up in FACILITY_WORDS for q in range(first, i))  # not "(General Medical) team"
            if not paren and not (pw >= 0 and pw == first - 1 and toks[pw].up in _DEST_PREP) and not (
                    first >= 2 and toks[first - 1].text == "/" and toks[first - 2].up == "W"):
                first = max(plain_titles) + 1
                named = named and first < i
                first = first if named else -1
            else:
                named = True
        # an employer named before the head: "WORKS FOR BLUE DIAMOND ENERGY", "MINER (COPPER BASIN MINING"
        employer = any(toks[q].up in _WORK_VERBS or toks[q].up in _OCCUPATIONS for q in range(max(0, i - 8), i))
        preps = ("AT", "FROM", "TO", "VIA", "FOR", "BY", "WITH", "(") if employer else (
            ("AT", "FROM", "TO", "VIA", "(") if t.up in _FAITH_HEADS else ("AT", "FROM", "TO", "VIA"))
        if named and first >= 1 and (first == j + 1 or (first == j + 2 and toks[j + 1].up == "OF")) \
                and not sc.mixed_case and j >= 1 and toks[j].kind == "w" \
                and toks[j - 1].up in preps and toks[j].up not in _STOP \
                and (toks[j].up not in lex.clinical or (len(toks[j].up) >= 4 and toks[j].up.isalpha()
                                                        and not medical_shape(toks[j].up))) \
                and toks[j].up not in _NOT_FACILITY \
                and toks[j].up not in _STOP_PLACE:
            first = j  # "FROM BLUE HILLS MANOR", "FROM SHRINE OF HOPE PARISH": an ordinary word opening the name
        if not named and i >= 2 and t.up != "HOUSE":  # (not "STAYING AT PT'S HOUSE")
            # "AT CAPE COD HOSPITAL": in ALL-CAPS text, 1-3 plain words between a place preposition and a head
            k = i - 1
            cared = employer or any(toks[q].up in _CARE_WORDS for q in range(max(0, i - 8), i) if toks[q].kind == "w")
            faith = t.up in _FAITH_HEADS  # "FROM GATE OF HEAVEN PARISH", "FROM LOTTS CREEK OLD REGULAR BAPTIST"
            while k >= 0 and i - k <= (4 if faith else 3) and toks[k].kind == "w" and toks[k].up not in _FAC_PREP \
                    and toks[k].up not in ("EMPLOYER", "BY", "PER") \
                    and (toks[k].up not in _NOT_FACILITY or (faith and toks[k].up == "NEW")
                         or (faith and toks[k].up == "OF" and i - 1 > k > 0 and toks[k - 1].up not in _FAC_PREP)) \
                    and (toks[k].up not in lex.clinical or ((employer or faith or not weak) and len(toks[k].up) >= 4
                                                            and toks[k].up.isalpha() and toks[k].up not in _KIND_WORDS
                                                            and not medical_shape(toks[k].up))) \
                    and toks[k].up not in _STOP_PLACE \
                    and not (weak and not cared and not faith and _plain_word(lex, toks[k].up)):
                k -= 1
            # a congregation named by plain words only after FROM/AT or with OF inside ("TO UPDATE CHURCH" is no name)
            plain_ok = cared or not faith or (k >= 0 and toks[k].up in ("AT", "FROM")) or any(
                toks[q].up == "OF" for q in range(k + 1, i)) or (
                k >= 1 and toks[k].text == "(" and toks[k - 1].up in _FAITH_FIELDS)  # "CHURCH (KOREAN CENTRAL ...)"
            arrow = k >= 1 and toks[k].text == ">" and toks[k - 1].text == "-" and toks[k - 1].end == toks[k].start
            # "EMPLOYER HIGH PLAINS WIND LLC", "RESCUED BY TWIN FORKS RURAL FIRE", "PER BUFFALO GAP SHERIFF'S OFFICE"
            opener = toks[k].up in preps or arrow or (employer and toks[k].up == "EMPLOYER") or (
                k >= 1 and toks[k].text == ":" and toks[k - 1].up == "EMPLOYER") or (
                toks[k].up in ("BY", "PER") and " ".join(toks[q].up for q in range(i, head_end + 1)) in _RESCUE_HEADS)
            if not sc.mixed_case and k >= 0 and k < i - 1 and opener and plain_ok:
                first, named = k + 1, True
        if not named and sc.mixed_case and t.up in _FAITH_HEADS and t.is_title and 1 <= first < i \
                and all(toks[q].is_title or toks[q].up in ("OF", "THE") for q in range(first, i)) \
                and (toks[first - 1].up in _DEST_PREP or (
                    toks[first - 1].up in _ATTENDS and not (head_end + 1 < n and toks[head_end + 1].is_lower
                                                            and toks[head_end + 1].up in _FAITH_HEADS))) \
                and toks[first - 1].is_lower:
            named = True  # "Pastor from Korean Central Presbyterian": peoples and plain words before the faith
        while first >= 0 and toks[first].up in ("OF", "THE", "AND", "&"):
            first += 1
        if weak and first >= 1 and named:
            b = first - 1 - (toks[first - 1].text == "." and first >= 2)
            if toks[b].up in ("DR", "DRS", "MR", "MRS", "MS", "MISS", "DOCTOR"):
                named = False  # "Dr. Maria Cardiology today": a titled person before a service
        e = toks[head_end].end
        if lower_head:
            e = toks[i - 1].end
            named = named and 0 <= first < i
        # "Hospital of the University of Pennsylvania", "University Hospital of Boston"
        elif head_end + 1 < n and toks[head_end + 1].up == "OF":
            k = head_end + 2
            while k < n and toks[k].kind == "w" and (
                    toks[k].up in ("THE", "OF") or not lex.is_known_word(toks[k].up) or toks[k].up in lex.cities
                    or toks[k].up in _STATE_WORDS  # "REHABILITATION INSTITUTE OF MICHIGAN"
                    or (sc.mixed_case and toks[k].is_title) or toks[k].up in FACILITY_WORDS
                    or lex.klass(toks[k].up) != NOT_NAME) and (toks[k].up not in lex.clinical or (
                        toks[k - 1].up == "OF" and toks[k].up in lex.cities)):  # "Regency Hospital of Portland"
                if toks[k].up not in ("THE", "OF"):
                    e = toks[k].end
                    named = True
                k += 1
        if named:
            if first < 0:
                first = i
            hits.append((toks[first].start, e, "HOSPITAL", 0.75))
            i = head_end + 1
        else:
            i += 1
    # "FROM MERCY VALLEY OSH", "TO LOWELL GENERAL ED", "SEEN IN MAH ED": the words between a place preposition and
    # OSH/ED
    for i, t in enumerate(toks):
        if t.kind != "w" or (t.up not in _FAC_PREP and t.up != "IN"):
            continue
        run: list[int] = []
        j = i + 1
        while j < n and len(run) < 4 and toks[j].kind == "w" and toks[j].up not in _FAC_TAIL \
                and toks[j].up not in _NOT_FACILITY and (toks[j].up not in lex.clinical or (run and toks[j].up in _ABBR_HEADS)
                                                         or lex.klass(toks[j].up) != NOT_NAME) and (
                not lex.is_known_word(toks[j].up) or lex.klass(toks[j].up) != NOT_NAME or toks[j].up in lex.cities
                or (run and toks[j].up in _ABBR_HEADS)
                or toks[j].up in FACILITY_WORDS or (sc.mixed_case and toks[j].is_title)):
            run.append(j)
            j += 1
        if run and j < n and toks[j].up in _FAC_TAIL and (j + 1 >= n or toks[j + 1].text != "/"):
            hits.append((toks[run[0]].start, toks[run[-1]].end, "HOSPITAL", 0.7))  # also "TO QUINCY MED EW"
    # a ward of two capitals called out to: "CALLED OUT TO CC 7", "FROM CC 9 @ 1745"
    for i, t in enumerate(toks):
        moved_on = t.up == "ON" and any(toks[q].up in ("TRANSFER", "TRANSFERRED", "UNIT", "FLOOR", "BED", "C/O")
                                        for q in range(max(0, i - 5), i))  # "transfer to stroke unit on CC 7"
        if (t.up in ("TO", "FROM", "ARRIVED") or moved_on) and i + 2 < n and toks[i + 1].kind == "w" and len(toks[i + 1].text) == 2 \
                and (toks[i + 1].text.isupper() or (not sc.mixed_case and toks[i + 1].up == "CC")) \
                and toks[i + 1].text.isalpha() and toks[i + 1].up not in _NOT_WARD \
                and (toks[i + 1].up not in lex.clinical or toks[i + 1].up == "CC") \
                and toks[i + 2].kind == "n" and len(toks[i + 2].text) <= 2 and toks[i + 2].start - toks[i + 1].end <= 1 \
                and (i + 3 >= n or toks[i + 3].up in _UNIT_OK_AFTER or (
                    toks[i + 3].text in ",.;:@)(" and not (i + 4 < n and toks[i + 4].kind == "n"
                                                          and toks[i + 4].start == toks[i + 3].end))):
            hits.append((toks[i + 1].start, toks[i + 2].end, "HOSPITAL", 0.6))
        # "Pt was on 6 Falk", "TO 7 FELDBERG": a floor before a ward named after a person
        if t.up in ("ON", "TO", "FROM") and i + 2 < n and toks[i + 1].kind == "n" and len(toks[i + 1].text) <= 2 \
                and toks[i + 2].kind == "w" and lex.klass(toks[i + 2].up) == PURE and toks[i + 2].up not in lex.clinical \
                and toks[i + 2].up not in _NOT_FACILITY and toks[i + 2].start - toks[i + 1].end == 1 \
                and (not sc.mixed_case or toks[i + 2].is_title or toks[i + 2].is_upper):
            hits.append((toks[i + 1].start, toks[i + 2].end, "HOSPITAL", 0.55))
    # a note or line opening with its ward: "FARR 7 STROKE UNIT 11P-7A", "KS 10 STROKE UNIT", "Halloran 8 stroke unit"
    for i in range(n - 2):
        if (i == 0 or toks[i - 1].text == "\n" or text[toks[i - 1].end:toks[i].start].count("\n")) \
                and toks[i].kind == "w" and toks[i + 1].kind == "n" and len(toks[i + 1].text) <= 2 \
                and toks[i + 2].up in _WARD_UNITS and toks[i + 1].start - toks[i].end <= 1 \
                and (lex.klass(toks[i].up) != NOT_NAME or (len(toks[i].text) == 2 and toks[i].text.isupper()
                                                         and toks[i].up not in _NOT_WARD)) \
                and toks[i].up not in lex.clinical and toks[i].up not in _UNIT_NOT_NAME:
            hits.append((toks[i].start, toks[i + 1].end, "HOSPITAL", 0.6))
    # hospital units named after people or places: "FROM BAKER 7", "TO FELDMAN 4", "ON ELLISON 12"
    for i, t in enumerate(toks):
        arrow = t.text == ">" and i >= 1 and toks[i - 1].text == "-" and toks[i - 1].end == t.start
        bed_on = t.up == "ON" and i + 1 < n and (i >= 1 and toks[i - 1].up in ("BED", "UNIT", "FLOOR")
                                                  or lex.klass(toks[i + 1].up) != NOT_NAME  # "RN ON KESSLER 6"
                                                  or (not lex.is_known_word(toks[i + 1].up) and any(
                                                      toks[q].up in ("REPORT", "TRANSFER", "TRANSFERRED", "MOVED")
                                                      for q in range(max(0, i - 6), i))))  # "REPORT ... ON MCWANE 5"
        # "(HURD 3)", "DRUMMOND 4 NICU BED 11": a surname and a floor, in parentheses or before a unit
        bare = i + 3 < n and toks[i + 1].kind == "w" and lex.klass(toks[i + 1].up) == PURE and (
            (t.text == "(" and (toks[i + 3].text == ")" or (toks[i + 3].text == "?" and i + 4 < n and toks[i + 4].text == ")")))
            or (toks[i + 3].up in _WARD_UNITS
                and (t.kind == "p" or t.up in ("REPORT", "NOTE", "TRANSFER"))))
        # "transfer to floor (Feldberg 7)", "To floor tomorrow, Reisman 10.": a ward named right after the floor
        to_floor = t.text in "(," and i + 3 < n and toks[i + 1].kind == "w" \
            and not lex.is_known_word(toks[i + 1].up) and toks[i + 3].text in ").?;," \
            and any(toks[q].up in ("FLOOR", "TRANSFER", "TRANSFERRED") for q in range(max(0, i - 4), i))
        if not (t.kind == "w" and t.up in _FAC_PREP or arrow or bed_on or bare or to_floor) or i + 2 >= n:
            continue
        w, num = toks[i + 1], toks[i + 2]
        if w.kind != "w" or num.kind != "n" or len(num.text) > 2 or num.start - w.end != 1 or len(w.text) < 3:
            continue
        moved = i >= 1 and t.up in ("TO", "FROM") and toks[i - 1].up in ("TRANSFERRED", "ADMITTED", "TX", "TRANSFER")
        if (w.up in lex.clinical and not (moved and lex.klass(w.up) != NOT_NAME)) \
                or w.up in _NOT_FACILITY or w.up in _UNIT_NOT_NAME:
            continue  # but "ADMITTED FROM BLAKE 12" (a drain's name, a ward here)
        if lex.is_known_word(w.up) and (lex.klass(w.up) == NOT_NAME or (
                lex.zipf(w.up) >= 5.0 and lex.last_pct.get(w.up, 0.0) < 0.05)):
            continue  # "AT END 68", "TO FLOOR 7" (but "FROM BAKER 7", "FROM WHITE 8")
        after = toks[i + 3] if i + 3 < n else None
        if after is not None and after.start == num.end and after.text == "." and i + 4 < n \
                and toks[i + 4].start == after.end:
            continue  # "AT WORKSTATION 10.21.2.5", "TO LEVEL 2.5"
        end = num.end
        if after is not None and after.start == num.end and after.kind == "w" and len(after.text) == 1 \
                and after.text in "ABCDEFNSW" and (i + 4 >= n or toks[i + 4].start > after.end):
            end = after.end  # "TO WEINBERG 5C"
            after = toks[i + 4] if i + 4 < n else None
        if after is not None and (after.start == end and after.text not in ",.;:)" or after.kind == "w" and (
                after.up in _UNIT_AFTER or (after.up in lex.clinical and after.up not in _UNIT_OK_AFTER))):
            continue  # "TO LEVEL 2 MG", "TO SCALE 10X"
        hits.append((w.start, end, "HOSPITAL", 0.65))
    # hospital acronyms after a transfer or care word: "REFERRAL BACK TO GIMC", "GETS CARE AT BHCHP"
    for i, t in enumerate(toks):
        if t.up not in ("AT", "TO", "FROM", "@") or i + 1 >= n:
            continue
        a = toks[i + 1]
        if a.up == "HOLY" and i + 2 < n and toks[i + 2].up in _HOLY_NAMES and not toks[i + 2].is_lower and (
                t.up != "TO" or any(toks[q].up in _CARE_WORDS for q in range(max(0, i - 4), i))):
            hits.append((a.start, toks[i + 2].end, "HOSPITAL", 0.6))  # "transferred from Holy Family in Methuen"
            continue
        if a.kind == "w" and a.up in _BRAND_FACILITY and not a.is_lower:
            e = a.end  # "AT METHODIST", "from Mercy", "@ Adventist Hanford"
            k = i + 2
            while k < n and k <= i + 3 and toks[k].kind == "w" and toks[k].up not in lex.clinical \
                    and toks[k].up not in _STOP and toks[k].up not in _STOP_PLACE and toks[k].up not in _MONTH_WORDS and (
                    (sc.mixed_case and toks[k].is_title) or not lex.is_known_word(toks[k].up)
                    or toks[k].up in lex.cities):
                e = toks[k].end
                k += 1
            hits.append((a.start, e, "HOSPITAL", 0.6))
            continue
        acronym = a.kind == "w" and 2 <= len(a.text) <= 6 and a.text.isupper() and a.text.isalpha()
        # or one unknown word: "TRANSFER NOTE -- TO HARBORVIEW", "transferred from Faxton"
        word = a.kind == "w" and len(a.text) >= 5 and a.text.isalpha() and not medical_shape(a.up) \
            and (not sc.mixed_case or a.is_title or a.is_upper)
        # or a listed short name that is also a word, a surname or a town: "FROM SWEDISH", "AT VANDY", "AT UC"
        listed = a.kind == "w" and a.up.removesuffix("'S") in lex.facilities_ctx and (not sc.mixed_case or not a.is_lower)
        if not listed and (not (acronym or word) or a.up in lex.clinical or a.up.removesuffix("'S") in lex.clinical
                           or a.up in STATE_ABBR or lex.is_known_word(a.up) or a.up in _NOT_FACILITY
                           or a.up in _FAC_TAIL or a.up in _WARD_UNITS or a.up in lex.name_class):
            continue
        before = {toks[q].up for q in range(max(0, i - 4), i) if toks[q].kind == "w"}
        if before & _CLINICIAN_WORDS and not (acronym and a.up in lex.first):
            before.add("REFERRAL")  # "Onc is Dr. Alvarado at TGH": a clinician's hospital
        if i + 2 < n and (toks[i + 2].up in ("UNIT", "FLOOR", "SERVICE", "TEAM", "CLINIC", "STAFF") or (
                word and not acronym and (toks[i + 2].up in lex.clinical or medical_shape(toks[i + 2].up)))):
            continue  # "BACK TO BMT UNIT": a unit of this hospital; "to Interventional Radiology": a service
        if before & _CARE_WORDS or (acronym and before & _GO_WORDS) \
                or any(medical_shape(w) and w.endswith(_PROCEDURES) for w in before):
            hits.append((a.start, a.end, "HOSPITAL", 0.6))  # also "CHOLECYSTECTOMY AT NWH", "GO TO HRC"
    # a hospital's acronym by its shape (..H, ..MC, ..MH) after AT/TO/FROM or alone in parentheses:
    # "PT WAS AT NWH", "f/u at AGH", "PCP DR ROSENZWEIG (NWH)", "S/P CABG ('98, SSH)"
    for i, t in enumerate(toks):
        if t.kind != "w" or not _HOSP_ACRONYM.fullmatch(t.text) or t.up in lex.clinical or t.up in _MED_H \
                or t.up in STATE_ABBR or t.up in _FAC_TAIL or lex.zipf(t.up) >= 3.5:
            continue
        prev = toks[i - 1] if i >= 1 else None
        nxt = toks[i + 1] if i + 1 < n else None
        after_prep = prev is not None and prev.up in ("AT", "TO", "FROM", "@", "VIA")
        in_paren = prev is not None and nxt is not None and nxt.text == ")" and (
            prev.text == "(" or (prev.text == "," and i >= 2 and toks[i - 2].kind in "nw"))
        if after_prep or in_paren:
            hits.append((t.start, t.end, "HOSPITAL", 0.6))
    # "ST. ELIZABETH'S", "SAINT VINCENT" after a place preposition
    for i, t in enumerate(toks):
        if t.up in ("ST", "SAINT") and i + 1 < n:
            k = i + 1
            if toks[k].text == ".":
                k += 1
            dotted = k == i + 2
            if k < n and toks[k].kind == "w" and (lex.klass(toks[k].up.rstrip("'S")) != NOT_NAME
                                                  or not lex.is_known_word(toks[k].up)
                                                  or (dotted and toks[k].up not in lex.clinical
                                                      and toks[k].up not in _STOP_PLACE and len(toks[k].up) >= 4)):
                p = sc.prev_word(i, "")
                possessive = toks[k].up.endswith(("'S", "’S")) and toks[k].up[:-2] not in lex.clinical
                if (p >= 0 and toks[p].up in ("TO", "FROM", "AT", "OSH", "VIA", "IN", "CALLED", "CONTACTED")) \
                        or possessive:
                    hits.append((t.start, toks[k].end, "HOSPITAL", 0.7))  # "ST. LUKE'S" names an institution
    # where a patient is sent or comes from: "TRANSFERRED TO FAXTON 5TH FLOOR", "accepted to CVPH acute rehab",
    # "Pt transferred to Hebrew SeniorLife via ambulance", "ACCEPTED TO MARY LANNING 2 WEST"
    for i, t in enumerate(toks):
        send = t.up in _SEND_VERBS or (t.up == "C" and i >= 2 and toks[i - 1].text == "/" and toks[i - 2].up == "D")
        if send and i + 2 < n and toks[i + 1].up in ("TO", "AT", "FROM", "VIA", "@"):
            k = i + 2
        elif t.up in ("AT", "@") and i + 1 < n and _care_before(sc, i):
            k = i + 1  # "LOOP RECORDER PLACED AT LANKENAU", "ICD PLACED 3-14-04 AT HAHNEMANN", "CABG IN '98 AT MUSC"
        else:
            continue
        k0 = k
        run = []
        while k < n and len(run) < 4 and toks[k].kind == "w":
            tk = toks[k]
            u = tk.up.removesuffix("'S")
            if (u in lex.clinical and not (sc.mixed_case and tk.is_title) and not (  # "FROM GLASGOW MEMORIAL"
                    u in lex.cities and k + 1 < n and toks[k + 1].up in FACILITY_WORDS)) or u in _STOP or u in _NOT_FACILITY \
                    or u in _STOP_PLACE or u in _MONTH_WORDS or u in _DEST_STOP or u in _FAC_TAIL or u in _WARD_UNITS \
                    or u in _UNIT_NOT_NAME or medical_shape(u) or (sc.mixed_case and not tk.text[:1].isupper()) \
                    or (lex.zipf(u) >= 5.8 and u not in FACILITY_WORDS and lex.klass(u) != PURE):  # "WHERE HE"
                break
            run.append(k)
            k += 1
        if k < n and toks[k].kind == "w" and (toks[k].up in lex.clinical or medical_shape(toks[k].up)) \
                and toks[k].up not in FACILITY_WORDS and toks[k].up not in _FAC_TAIL:
            continue  # "to Interventional Radiology", "TO VASCULAR SURGERY": a service, not a place
        while run and toks[run[-1]].up not in FACILITY_WORDS and lex.is_known_word(toks[run[-1]].up) \
                and lex.klass(toks[run[-1]].up) == NOT_NAME and not (sc.mixed_case and len(run) > 1):
            run.pop()  # "TO FAXTON TODAY"
        if run and (any(not lex.is_known_word(toks[r].up.removesuffix("'S")) or lex.klass(toks[r].up) == PURE
                        for r in run if toks[r].up not in lex.clinical)
                    or (len(run) > 1 and toks[run[0]].up in lex.cities and toks[run[-1]].up in FACILITY_WORDS)
                    or (k0 == i + 1 and len(run) > 1 and any(toks[q].up == "PCP" for q in range(max(0, i - 6), i))
                        and not any(toks[r].up in lex.clinical for r in run))  # "PCP AT SOUTH COVE"
                    or (k0 == i + 1 and sc.mixed_case and all(toks[r].is_title for r in run))
                    or (sc.mixed_case and len(run) > 1 and all(  # "transferred from Holy Family (Methuen)"
                        toks[r].is_title and toks[r].up not in lex.clinical and not medical_shape(toks[r].up)
                        and toks[r].up not in _UNIT_AFTER_GENERAL for r in run))):
            hits.append((toks[run[0]].start, toks[run[-1]].end, "HOSPITAL", 0.6))
    # congregations named head first: "Monks from Wat Khmer Samaki", "TEMPLE BETH EL", "Chabad of Brighton Beach"
    for i, t in enumerate(toks):
        if t.kind != "w" or t.up not in _FAITH_FIRST or (sc.mixed_case and not (t.is_title or t.is_upper)):
            continue
        k = i + 1
        if k < n and toks[k].up == "OF":
            k += 1
        run = []
        while k < n and len(run) < 3 and toks[k].kind == "w" and toks[k].up not in _STOP and toks[k].up not in _STOP_PLACE \
                and (toks[k].up not in lex.clinical or toks[k].up in lex.cities or toks[k].up in FACILITY_WORDS
                     or (sc.mixed_case and toks[k].is_title and not medical_shape(toks[k].up))
                     or (t.up != "TEMPLE" and not medical_shape(toks[k].up))) \
                and (not sc.mixed_case or toks[k].is_title or toks[k].is_upper) and (
                    not lex.is_known_word(toks[k].up) or lex.klass(toks[k].up) != NOT_NAME or toks[k].up in lex.cities
                    or (sc.mixed_case and toks[k].is_title)):
            run.append(k)
            k += 1
        if run and (t.up != "TEMPLE" or lex.klass(toks[run[0]].up) == PURE or not lex.is_known_word(toks[run[0]].up)):
            hits.append((t.start, toks[run[-1]].end, "HOSPITAL", 0.6))  # not "L TEMPLE PAIN"
    # "Our Lady of Czestochowa", "OUR LADY OF SORROWS": a parish or a school without a head word
    for i, t in enumerate(toks):
        if t.up != "OUR" or i + 3 >= n or toks[i + 1].up != "LADY" or toks[i + 2].up != "OF":
            continue
        k = k0 = i + 4 if toks[i + 3].up == "THE" else i + 3  # "our lady of the cedars"
        while k < n and k <= k0 + 2 and toks[k].kind == "w" and toks[k].up not in _STOP and toks[k].up not in lex.clinical \
                and (not sc.mixed_case or toks[k].is_title or toks[k].is_upper or sc.lower_at(t.start)) \
                and "\n" not in sc.gap(k - 1, k) \
                and (k == k0 or sc.mixed_case or not lex.is_known_word(toks[k].up) or lex.klass(toks[k].up) == PURE
                     or toks[k].up in _FACILITY_HEAD_WORDS or (k == i + 4 and toks[k - 1].up in ("MOUNT", "MT", "ST"))):
            k += 1
            if toks[k - 1].up in _FACILITY_HEAD_WORDS:
                break  # "Our Lady of Lourdes Hospital DISCHARGE SUMMARY"
        if k > k0:
            hits.append((t.start, toks[k - 1].end, "HOSPITAL", 0.6))
    # a congregation after its field label: "CHURCH: ST. BRENDAN - PRIEST AWARE", "FAMILY MOSQUE: ISLAMIC CENTER OF ..."
    for i, t in enumerate(toks):
        if t.up not in _FAITH_FIELDS or i + 2 >= n or toks[i + 1].text != ":":
            continue
        run = []
        k = i + 2
        while k < n and len(run) < 6 and (toks[k].kind == "w" or (toks[k].text == "." and run
                                                                  and len(toks[k - 1].text) <= 3)):
            if toks[k].kind == "w" and (toks[k].up in _STOP - {"OF", "THE"} or medical_shape(toks[k].up)):
                break
            run.append(k)
            k += 1
        while run and toks[run[-1]].kind != "w":
            run.pop()
        words = [toks[r].up for r in run if toks[r].kind == "w"]
        if words and not all(w in lex.clinical or w in _FAITH_HEADS or w in ("OF", "THE") for w in words):
            hits.append((toks[run[0]].start, toks[run[-1]].end, "HOSPITAL", 0.55))
    for mt in _SPANISH_FACILITY.finditer(text):
        tail = [w for w in (mt.group(1) or mt.group(2)).upper().split()
                if w not in ("DE", "DEL", "LA", "LOS", "LAS", "SAN", "SANTA", "NUESTRA", "SENORA", "SEÑORA")]
        if not all(w in lex.clinical for w in tail):
            hits.append((mt.start(), mt.end(), "HOSPITAL", 0.7))  # "CLINICA DEL PUEBLO", "Hospital de la Concepción"
    # a branch of a care chain named by its town: "Lifecare of New Bedford", "Wingate at Brighton", "DAVITA DORCHESTER"
    for mt in _CHAIN_BRANCH.finditer(text):
        words = mt.group(1).split()
        for k in range(len(words), 0, -1):
            place = fold(" ".join(words[:k])).upper()
            if place in lex.cities and not all(w in lex.clinical for w in place.split()):
                hits.append((mt.start(), mt.start(1) + len(" ".join(words[:k])), "HOSPITAL", 0.7))
                break
    hits += _facility_acronyms(sc, lex, hits)
    return hits


# chains of nursing homes, rehabs, assisted living and dialysis units whose branches go by their town
_CHAIN_BRANCH = re.compile(r"\b(?:Kindred|KINDRED|Lifecare|LifeCare|LIFECARE|Life[ \t]Care|LIFE[ \t]CARE|Wingate|WINGATE|"
                           r"Sunrise|SUNRISE|Brookdale|BROOKDALE|Atria|ATRIA|Genesis|GENESIS|DaVita|Davita|DAVITA|"
                           r"Fresenius|FRESENIUS|Encompass|ENCOMPASS|HealthSouth|HEALTHSOUTH|Vibra|VIBRA)"
                           r"(?:[ \t]{1,2}(?i:of|at)[ \t]{1,2}|[ \t]{1,2})"
                           r"([A-Z][A-Za-z'\-]+(?:[ \t][A-Z][A-Za-z'\-]+){0,2})")


# Spanish and Portuguese facility names, head first: "CLINICA BORINQUEN", "Hospital de la Concepción", "Centro
# Médico del Sur" (HOSPITAL and CENTRO only with a particle: "HOSPITAL DAY 3" stays)
_SPANISH_FACILITY = re.compile(
    r"\b(?:cl[ií]nica[ \t]{1,2}((?:(?:de|del|la|las|los|san|santa)[ \t]{1,2}){0,3}[A-ZÁÉÍÓÚÑ][\w'’]+"
    r"(?:[ \t](?!(?:in|on|at|and|for|with|to|y|en|por)\b)[A-ZÁÉÍÓÚÑ][\w'’]+)?)|"
    r"(?:hospital|centro(?:[ \t]m[eé]dico)?|sanatorio|policl[ií]nica)[ \t]{1,2}"
    r"((?:de|del|de[ \t]la|de[ \t]los|san|santa|nuestra[ \t]se[nñ]ora[ \t]de)[ \t]{1,2}(?:(?:la|las|los)[ \t]{1,2})?"
    r"[A-ZÁÉÍÓÚÑ][\w'’]+(?:[ \t](?!(?:in|on|at|and|for|with|to|y|en|por)\b)[A-ZÁÉÍÓÚÑ][\w'’]+)?))", re.IGNORECASE)


def _facility_acronyms(sc: Scan, lex: Lexicons, hits: list[Hit]) -> list[Hit]:
    """The initials of a facility named in the note name it too ("OUR LADY OF LOURDES HOSPITAL ... OLOLH")."""
    acronyms: set[str] = set()
    for s, e, _label, _score in hits:
        words = re.findall(r"[A-Za-z][\w'’-]*", sc.text[s:e])
        if len(words) < 2:
            continue
        acronyms.add("".join(w[0] for w in words).upper())
        acronyms.add("".join(w[0] for w in words if w.upper() not in ("OF", "THE", "AND")).upper())
    acronyms = {a for a in acronyms if len(a) >= 3 and a not in lex.clinical and not lex.is_known_word(a)
                and a not in STATE_ABBR}
    if not acronyms:
        return []
    out: list[Hit] = []
    for t in sc.tokens:
        if t.kind == "w" and t.text.isupper() and t.text in acronyms:
            out.append((t.start, t.end, "HOSPITAL", 0.65))
    return out


_ATTENDS = frozenset("ATTENDS ATTEND ATTENDED ATTENDING MEMBER MEMBERS".split())  # "Family attends Oromo Evangelical Church"
_GO_WORDS = frozenset("GO GOING GOES WENT".split())
_CLINICIAN_WORDS = frozenset("DR DRS PCP ONC ONCOLOGIST CARDIOLOGIST SURGEON NEPHROLOGIST DOCTOR HEMATOLOGIST NURSE "
                              "RN".split())
# emergency services named after a place, named right after BY or PER ("RESCUED BY TWIN FORKS RURAL FIRE")
_RESCUE_HEADS = frozenset([*_RURAL_RESCUE_HEADS, "FD", "FIRE DEPARTMENT", "FIRE DEPT", "PD", "POLICE", "POLICE DEPT", "EMS"])
_FAC_PREP = frozenset("FROM TO AT VIA TRANSFERRED TX'D TX ARRIVED".split())
_PROCEDURES = ("ECTOMY", "OTOMY", "OSTOMY", "PLASTY", "OSCOPY")
_SHOP_HEADS = frozenset("RESTAURANT CAFE BAKERY SALON GROCERY DELI".split())
_TITLE_STOP = frozenset("DR DRS MR MRS MS REV FR PASTOR RABBI IMAM SHEIKH CHAPLAIN DEACON BISHOP FATHER SISTER BROTHER "
                         "PROF".split())
_DEST_PREP = frozenset("FROM TO AT VIA WITH BY @ IN FOR".split())
# verbs of sending a patient somewhere ("TRANSFERRED TO ...", "ACCEPTED AT ...", "D/C TO ...")
_SEND_VERBS = frozenset("TRANSFERRED TRANSFER TRANSFERING TRANSFERRING TRANSFERED TX TX'D TXD XFER XFERRED XFERED "
                        "XFERD ACCEPTED ACCEPTING DISCHARGED DISCHARGING DC'D D/C'D SENT TRANSPORTED FLOWN MEDFLIGHTED "
                        "AIRLIFTED LIFEFLIGHTED REFERRED RETURNED RETURNING".split())
# capitalised words that end the place a patient is sent to
_DEST_STOP = _TITLE_STOP | frozenset("DOCTOR PT'S PATIENT'S TODAY TOMORROW TONIGHT MONDAY TUESDAY "
                                    "WEDNESDAY THURSDAY FRIDAY SATURDAY SUNDAY VIA PER FOR WHEN ONCE AFTER BEFORE "
                                    "MWF TTS TTHS TTH TTHSA MWFS TUTHSA".split())


# care events after which "AT X" names where they happened
_AT_EVENTS = frozenset("PLACED IMPLANTED INSERTED PERFORMED DONE SEEN ADMISSION ADMITTED ADMIT HOSPITALIZED "
                       "HOSPITALIZATION STAY TREATED FOLLOWED DIAGNOSED DX'D DELIVERED CABG PCI STENT STENTED CATH "
                       "CATHED SURGERY TRANSPLANT TRANSPLANTED REPAIR REPAIRED AVR MVR PPM AICD ICD DIALYZES "
                       "CHEMO RADIATION BIOPSY CT CTA MRI MRV MRA LP TPA EEG ECHO TTE TEE EGD ANGIO ANGIOGRAM "
                       "INTUBATED INR TX TXP OLT PCP".split())


def _care_before(sc: Scan, i: int) -> bool:
    """Whether a care event (``PLACED``, ``CABG``, ``ADMISSION``) opens the clause before token ``i`` (AT)."""
    toks = sc.tokens
    words = 0
    for q in range(i - 1, max(-1, i - 12), -1):
        if toks[q].text in ".;:," or toks[q].up in _AT_EVENTS or words >= 5:
            return toks[q].up in _AT_EVENTS
        words += toks[q].kind == "w"
    return False


# kinds of clinic named by what they treat ("gi clinic", "ANTICOAG CLINIC")
_CLINIC_KINDS = frozenset("GI ID TB HIV DM CF ENT ANTICOAG ANTICOAGULATION COUMADIN WARFARIN LIPID DEVICE PACER PACEMAKER "
                          "LVAD VAD WOUND PAIN DIABETES".split())
_SPECIALTY_MODIFIERS = frozenset("INTERVENTIONAL PEDIATRIC PAEDIATRIC GENERAL ADULT STRUCTURAL PREVENTIVE NONINVASIVE "
                                  "NON-INVASIVE INVASIVE NUCLEAR CONSULT CONSULTING ELECTROPHYSIOLOGY EP HF CHF "
                                  "TRANSPLANT IMAGING CARDIAC VASCULAR CARDIOVASCULAR ONCOLOGY".split())


def _plain_word(lex: Lexicons, up: str) -> bool:
    """An ordinary word that cannot start a facility's name before a weak head (``GO HOME``, ``FAMILY'S HOME``)."""
    u = up[:-2] if up.endswith(("'S", "’S")) else up
    if u in _SPECIALTY_MODIFIERS:
        return True  # "INTERVENTIONAL CARDIOLOGY", "PEDIATRIC CARDIOLOGY": a service, not a practice
    if u.endswith(("'D", "’D", "'ED", "’ED")) and len(u) <= 7:
        return True  # "D/C'D HOME", "TX'D HOME": an abbreviated participle
    return u in _STOP or u in lex.clinical or (lex.is_known_word(u) and lex.klass(u) != PURE and u not in lex.cities
                                               and u not in FACILITY_WORDS)
# heads that follow ordinary words too ("GO HOME", "ALL LABS"): the words before them must look like a name
_WEAK_HEADS = frozenset(["SERVICES", "HOME", "HOME CARE", "HOME HEALTH", "HOME HEALTH CARE", "PEDIATRICS", "MENNONITE", "HEALTH", "DIALYSIS", "CENTER", "FACILITY", "VILLAGE", "GEN", "MEMORIAL", "INN",
                         "MANOR", "INSTITUTE", "SCHOOL", "COLLEGE", "PHARMACY", "ASSOC", "ASSOCIATES", "UNIVERSITY",
                         "SHELTER", "PRISON", "JAIL", "REHAB", "HEALTHCARE", "HEALTH SYSTEM", "PD", "POLICE",
                         "POLICE DEPT", "FIRE DEPT", "DISTRICT COURT", "PROBATE COURT", "COURT", "CHURCH", "PARISH",
                         "MOSQUE", "SYNAGOGUE", "HOTEL", "MOTEL", "DINER", "INC", "LLC", "CORP", "COMPANY",
                         "AIRLINES", "MOTORS", "CONSTRUCTION", "TRUCKING", "BANK", "CHAPELS", "CHAPEL",
                         "FUNERAL HOME", "SCHOOLS", "ACADEMY", "REHABILITATION", "LONG TERM CARE", "SENIOR LIVING",
                         "DETOX", "CARE HOME", "TREATMENT CENTER", "RECOVERY CENTER", "HOMELESS SHELTER",
                         "WOMEN'S SHELTER", "RETIREMENT HOME", "RETIREMENT COMMUNITY", "BEHAVIORAL HEALTH", "VA",
                         "GENERAL", "MEDICAL", "CTR", "ALLIANCE", "AIRPORT", "TERMINAL", "REGIONAL", "TEMPLE",
                         "CATHEDRAL", "BAPTIST", "CATHOLIC", "PRESBYTERIAN", "LUTHERAN", "METHODIST", "EPISCOPAL",
                         "AME", "ORTHODOX", "RANCH", "DAIRY", "SEAFOODS", "RESORT", "SKI AREA", "MINE", "MILL",
                         "CANNERY", "FREIGHT", "CAB", "DRILLING", "MERCY", "COUNTY", "EMS",
                         "ENERGY", "MARINE", "MINING", "INDUSTRIES", "MANUFACTURING", "LOGISTICS", "FOODS", "FARMS",
                         "LUMBER", "STEEL", "SPECIALTY", "ASSEMBLY OF GOD", "KINGDOM HALL", *(h for h in _ORG_HEADS if h != "CO")])
# heads of congregations: the words before them may be peoples and faiths ("BETHEL KOREAN PRESBYTERIAN")
_FAITH_HEADS = frozenset("CHURCH PARISH MOSQUE SYNAGOGUE TEMPLE CATHEDRAL CHAPEL BAPTIST CATHOLIC PRESBYTERIAN "
                         "LUTHERAN METHODIST EPISCOPAL AME ORTHODOX ASSEMBLY KINGDOM TABERNACLE MINISTRIES MINISTRY "
                         "MASJID GURDWARA MANDIR".split())
# words that open a congregation's name: "WAT KHMER SAMAKI", "Temple Beth El", "Chabad of Brighton Beach"
_FAITH_FIELDS = frozenset("CHURCH PARISH MOSQUE TEMPLE SYNAGOGUE CONGREGATION MASJID".split())
_FAITH_FIRST = frozenset("WAT MASJID CONGREGATION CHABAD IGLESIA EGLISE TEMPLE GURDWARA MANDIR PARROQUIA".split())
_STOP = frozenset("A AN THE AND OR OF TO IN ON AT BY FOR WITH FROM AS IS WAS BE BEEN GO GOING WILL CAN MAY ALL VIA PER "
                  "NO NOT HIS HER THEIR OUR MY YOUR ITS".split())
_CARE_WORDS = frozenset(
    "TRANSFERRED TRANSFER TX TX'D XFER XFERRED ADMITTED ADMISSION REFERRAL REFERRED BACK FOLLOWED FOLLOWS FOLLOW "
    "F/U CARE SEEN DIALYZES DIALYSIS HD CLINIC PCP RETURN RETURNED DISCHARGED TREATED SURGERY SENT FLOWN "
    "MEDFLIGHTED MEDFLIGHT ARRIVED REHAB HOSPITALIZED HOSPITALIZATION STAY STAYED ICU PRESENTED PRESENTING "
    "TRANSPLANT CATH CATHED DIAGNOSED EVALUATED INTUBATED BIOPSY CHEMO RADIATION APPT APPOINTMENT STAYS STAYING "
    "LIVES LIVED RESIDES RESECTION HELO HELICOPTER LIFEFLIGHT".split())
# words that name a hospital on their own after a place preposition: "TRANSPLANT AT METHODIST", "FROM MERCY"
_BRAND_FACILITY = frozenset("METHODIST BAPTIST PRESBYTERIAN LUTHERAN ADVENTIST EPISCOPAL MERCY KAISER MAYO MEMORIAL "
                            "SAMARITAN RESURRECTION "
                            "SHRINERS HADASSAH CHILDREN'S CHILDRENS".split())
_MONTH_WORDS = frozenset("JAN JANUARY FEB FEBRUARY MAR MARCH APR APRIL MAY JUN JUNE JUL JULY AUG AUGUST SEP SEPT "
                         "SEPTEMBER OCT OCTOBER NOV NOVEMBER DEC DECEMBER".split())
_FAC_TAIL = frozenset("OSH ED ER EW ICU MICU SICU CCU NICU PACU CVICU".split())
# abbreviated heads inside a facility's name before OSH/ED ("QUINCY MED EW", "LOWELL GEN ER")
_ABBR_HEADS = frozenset("MED GEN MEM HOSP REG REGIONAL MEDICAL GENERAL MEMORIAL".split())
# two-capital words that are no ward after TO/FROM
_NOT_WARD = frozenset("OR ER ED IR CT GI EP MR US PT RM RN MD BR IV PO PR NG OG ET RA LA RV LV AV BP HR RR CO IM SQ SC "
                      "OT SW CM NP PA DR MS DC IN ON AT TO NO OK ID HO LE UE".split())
_UNIT_NOT_NAME = frozenset("FLOOR BED ROOM RM LEVEL POD STAGE GRADE SCALE DOSE PAGE BAY OR".split())
# care units named after a ward ("DRUMMOND 4 NICU", "TO KLEIN 5 TELE")
_WARD_UNITS = frozenset("NICU ICU MICU SICU CCU CVICU TELE STEPDOWN STEP-DOWN SDU IMCU PCU STROKE".split())
_UNIT_OK_AFTER = frozenset("PT PATIENT RN MD AT ON IN FOR WITH VIA PER AND RE W WHEN BED TODAY TOMORROW "
                           "PENDING OVERNIGHT TONIGHT TMRW ORTHO HAS IS ONCE TELEMETRY STEP-DOWN".split()) | _WARD_UNITS
_UNIT_AFTER = frozenset("MG MCG ML CC L U UNITS HOURS HRS HR DAYS MIN MINS TIMES X PM AM".split())

_HEADS: dict[str, list[tuple[str, ...]]] | None = None
_UNIT_AFTER_GENERAL = frozenset("SURGERY SURGICAL MEDICINE MEDICAL TEAM SERVICE FLOOR WARD UNIT PRACTICE".split())


def _head_end(toks: Sequence[Any], heads: dict[str, list[tuple[str, ...]]], i: int) -> int:
    """Index of the last token of the longest facility head starting at token ``i``; -1 when none."""
    end = -1
    for parts in heads.get(toks[i].up, ()):
        if all(i + k < len(toks) and toks[i + k].up == part for k, part in enumerate(parts[1:], start=1)):
            end = max(end, i + len(parts) - 1)
    return end


def _chain_heads(toks: Sequence[Any], heads: dict[str, list[tuple[str, ...]]], end: int) -> tuple[int, bool]:
    """Extend a head over the heads that follow it ("MANOR REHABILITATION", "NURSING AND REHAB CENTER").

    Returns the new end and whether every head added is a weak one.
    """
    n = len(toks)
    weak = True
    while True:
        k = end + 1
        if k < n and toks[k].up in ("AND", "&"):
            k += 1
        best = _head_end(toks, heads, k) if k < n and toks[k].kind == "w" and not (
            toks[k].text[:1].islower() and toks[end].text[:1].isupper()) else -1  # not "Memorial cardiology clinic"
        if best < 0 or toks[end + 1].start - toks[end].end > 1:
            return end, weak
        weak = weak and " ".join(toks[q].up for q in range(k, best + 1)) in _WEAK_HEADS
        end = best


def _heads() -> dict[str, list[tuple[str, ...]]]:
    global _HEADS
    if _HEADS is None:
        d: dict[str, list[tuple[str, ...]]] = {}
        for h in FACILITY_HEADS:
            parts = tuple(h.split())
            d.setdefault(parts[0], []).append(parts)
        _HEADS = d
    return _HEADS
