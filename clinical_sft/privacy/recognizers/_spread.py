"""Carry PHI the recognizers found to the words that go with it in the same note.

Each recognizer looks at one kind of evidence; once a facility or a place is found, the note itself says
more: the same facility named again further on, its acronym in parentheses (``SPAULDING (SRH)``), and the
facilities listed with it (``KINDRED AND NEW ENGLAND SINAI REVIEWING``, ``Youville and NRH``). This step
runs after the recognizers, on their merged spans, and only adds spans.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from clinical_sft.privacy.recognizers._lexicons import (
    NOT_NAME,
    PURE,
    Lexicons,
    fold,
    get_lexicons,
    medical_shape,
)
from clinical_sft.privacy.recognizers._scan import scan
from clinical_sft.privacy.recognizers.locations import (
    _AMBIG_ABBR,
    _AREA_WORDS,
    _FACILITY_HEAD_WORDS,
    _NOT_FACILITY,
    _PERSON_BEFORE_TOWN,
    _STOP,
    FACILITY_WORDS,
    STATE_ABBR,
    TOWN_SERVICE_WORDS,
)

__all__ = ["spread"]

Hit = tuple[int, int, str, float]

# an acronym in parentheses right after a facility or a place: "SPAULDING (SRH)", "Emerson Hosp (EH)"
_PAREN_ACRONYM = re.compile(r"[ \t]{0,2}\(([A-Z][A-Z&/\-]{1,6})\)")
# what joins facilities in a list: "KINDRED AND NEW ENGLAND SINAI", "KINDRED VS SELECT SPECIALTY", "X / Y"
_JOIN = re.compile(r"[ \t]{0,2}(?:,|/|&|\band\b|\bor\b|\bvs\.?|\bversus\b)[ \t]{1,2}", re.IGNORECASE)
_ORG_LABELS = frozenset({"HOSPITAL", "LOCATION"})
# a congregation's faith after its found name: "ST. GEORGE GREEK ORTHODOX", "MOUNT CARMEL A.M.E. CHURCH"
_FAITH_AFTER = re.compile(
    r"[ \t]{1,2}((?:[A-Za-z][A-Za-z'’]{2,14}[ \t]{1,2}){0,2}(?:church|parish|orthodox|baptist|methodist|lutheran|"
    r"presbyterian|episcopal|catholic|a\.?m\.?e\.?(?=[ \t,;.)]|$)|a\.?m\.?e\.?[ \t]zion|pentecostal|tabernacle|"
    r"synagogue|mosque|masjid|cathedral|chapel)\b)", re.IGNORECASE)
# names of saints and holy places that open a congregation's name ("ST. GEORGE", "MOTHER BETHEL")
_SAINTLY = re.compile(r"(?:st\.?|saint|mt\.?|mount|mother|our|holy|san|santa)[ \t]", re.IGNORECASE)
# the branch of a hospital after a dash ("KINDRED HOSPITAL - TOMBALL") and the region after a town ("ZAMORA,
# MICHOACAN", "Ebeye, RMI")
_DASH_PLACE = re.compile(r"(?:[ \t]{1,2}[-–][ \t]{1,2}|-(?=[A-Z]))([A-Za-z][A-Za-z'’\-]{2,20}(?:[ \t][A-Z][A-Za-z'’\-]{2,20})?)")
# the rest of an organisation's name after its found part: "VA Health Care System", "County Health Department",
# "Home Care Project", "OAKS REHAB AND NURSING", "Trinity Care Hospice"
_FAC_CONT = re.compile(r"[ \t]{1,2}((?:and|&)[ \t]{1,2}(?:nursing|rehab|rehabilitation|convalescent)(?:[ \t]{1,2}(?:center|ctr))?"
                       r"|(?:health[ \t]{1,2})?care[ \t]{1,2}system|health[ \t]{1,2}system|project|program|network|hospice)\b",
                       re.IGNORECASE)
# the unit number after a named ward, flight crew or station: "Jefferson Tower 8", "via Life Saver 3", "Station 62"
# (not a count or a time after a hospital: "Lahey 2 days ago", "MGH 10 yrs", "Brigham 3/14")
_UNIT_NUMBER = re.compile(r"[ \t]#?(\d{1,2})(?![\w/:\-%]|\.\d|[ \t]{0,2}(?:x\b|times|days?|d\b|wks?|weeks?|mos?|months?|"
                          r"yrs?|years?|hrs?|hours?|h\b|mins?|minutes?|am\b|pm\b|mg|mcg|ml|cc|units?|l\b|lpm|pts|patients|"
                          r"beds?|admissions?|visits?|of\b|or\b|to\b|-))", re.IGNORECASE)
_UNIT_HEADS = frozenset("TOWER TOWERS WING PAVILION BUILDING BLDG STATION SAVER FLIGHT MEDFLIGHT LIFEFLIGHT STAR".split())
_DEPT_CONT = re.compile(r"[ \t]{1,2}(department|dept\.?)(?![\w.])", re.IGNORECASE)
# an age over 89 right after a found name, with its nickname: "Leonard Hale (91)", "Bridget Kavanagh ("Bridie"), 91,"
_AGE_AFTER_NAME = re.compile(r"(?:[ \t]{1,2}\([\"“'][^)\n]{1,20}\))?(?:,[ \t]{0,2}|[ \t]{1,2}\()(9\d|1[0-4]\d)(?=\)|,)")
_STREET_END = re.compile(r"[ \t](?:ave|avenue|st|street|blvd|boulevard|rd|road)\.?$", re.IGNORECASE)
_CROSS_AFTER = re.compile(r"[ \t]{1,2}(?:and|&)[ \t]{1,2}((?-i:[A-Z][A-Za-z'’\-]{2,}))(?=[ \t]*(?:[,.;)\n]|$))", re.IGNORECASE)
_CROSS_BEFORE = re.compile(r"((?-i:[A-Z][A-Za-z'’\-]{2,})[ \t](?:ave|avenue|st|street|blvd|boulevard|rd|road|dr|drive)\.?)"
                           r"[ \t]{1,2}(?:and|&)[ \t]{1,2}$", re.IGNORECASE)
# "GREATER" before a found congregation, agency or town ("AT GREATER MT. OLIVE MISSIONARY BAPTIST", "FROM GREATER
# CLEVELAND RTA", "Greater New Hope"), a region before a found hospital ("AT SOUTHERN MAINE MED")
_GREATER_BEFORE = re.compile(r"\b(greater[ \t]{1,2}(?:new[ \t]{1,2})?)$", re.IGNORECASE)
_REGION_BEFORE = re.compile(r"\b(?:at|from|to|of|in)[ \t]{1,2}((?:southern|northern|eastern|western|central)[ \t]{1,2})$",
                            re.IGNORECASE)
# a name with "of" before a found hospital: "FROM HEART OF AMERICA MEDICAL CENTER", "at Sisters of Providence"
_NAME_OF_BEFORE = re.compile(r"\b(?:at|from|to)[ \t]{1,2}([A-Za-z][A-Za-z'’]{2,15}[ \t]{1,2}of[ \t]{1,2})$", re.IGNORECASE)
_COMMA_TOWN = re.compile(r",[ \t]{1,2}([A-Za-z][A-Za-z'’\-]{2,20}(?:[ \t][A-Za-z][A-Za-z'’\-]{2,20})?)(?=[ \t]*(?:[.,;:)\n]|$))")
_COMMA_REGION = re.compile(r",[ \t]{1,2}([A-Za-z][A-Za-z'’\-]{2,20})(?=[ \t]*(?:[.,;:)\n]|$))")
# a year right after a place, in a sentence about moving, a procedure or a life event ("MOVED TO MOTT HAVEN 1958",
# "ICD placed at Beaumont 2016"): not a time of day
_PLACE_YEAR = re.compile(r"[ \t]{1,2}(?:in[ \t]{1,2})?((?:19[3-9]\d|20[0-4]\d))(?=[ \t]*(?:[.,;)\n]|$))", re.IGNORECASE)
# a day right after a place someone came from or was at: "FROM ST E'S 3/3", "at OSH (4/10)", "IN PENDLETON 9-14"
_PLACE_DATE = re.compile(r",?[ \t]{1,2}\(?((?:1[0-2]|0?[1-9])[/-](?:3[01]|[12]\d|0?[1-9]))\)?(?![\w/.\-%])(?![ \t]{1,2}(?:of|times|x)\b)", re.IGNORECASE)
_PREP_BEFORE = re.compile(r"\b(?:from|at|in|to)[ \t]{1,2}(?:the[ \t]{1,2})?$", re.IGNORECASE)
_LIFE_EVENTS = frozenset("MOVED CAME EMIGRATED IMMIGRATED RESETTLED RESETTLEMENT RELOCATED BORN PLACED DONE SURGERY "
                         "DIAGNOSED TREATED RETIRED MARRIED GRADUATED SIGNED IMPLANTED REPAIRED".split())
# years listed with a date that has one: "PREVIOUS ADMITS (2004, 2006, JUNE 2007)", "IN 1998 AND 2001"
_YEAR = r"(?:19[5-9]\d|20[0-4]\d)"
_YEAR_BEFORE = re.compile(r"(?<![\w/.:-])(" + _YEAR + r")(?:[ \t]{0,2},|[ \t]{1,2}(?:and|&|or))[ \t]{1,2}$", re.IGNORECASE)
_YEAR_AFTER = re.compile(r"(?:[ \t]{0,2},|[ \t]{1,2}(?:and|&|or))[ \t]{1,2}(" + _YEAR + r")(?![\w/.:-])"
                         r"(?![ \t]{0,2}(?:mg|mcg|ml|cc|units?|u|g|l|hrs?|h|x|min|mins|pm|am)\b)", re.IGNORECASE)


# a state's postal code right after a found place: "Exeter Hospital, NH,", "Manchester NH for redo MVR"
_STATE_AFTER_PLACE = re.compile(r",?[ \t]{1,2}([A-Z]{2})(?=[ \t]*(?:[.,;:)\n]|$)|([ \t]+[a-z])|([ \t]+[A-Z]))")
# postal codes that are no clinical abbreviation: also before a word in capitals ("FROM NORTH CONWAY NH AT BEDSIDE")
_PLAIN_STATES = frozenset("NH VT RI NY NJ FL TX KY WV TN AZ NM NV UT WI MN IL IA KS WY MT AK ND".split())
# the head of an organisation's name right after its found part (a rehab, a home-care agency, a school, a bar)
_HEAD_TAIL = re.compile(r"[ \t]((?:home[ \t]health(?:[ \t]care)?|home[ \t]care|kidney[ \t]care|dialysis|hospice(?:[ \t](?:care|house))?|"
                        r"villa|manor|prep|academy|pub|tavern|saloon|grill|diner|shipyard|assembly|(?:cardiac|pulmonary|pulm)[ \t]rehab|"
                        r"(?:rv|golf)[ \t](?:resort|park)|mobile[ \t]home[ \t]park|board[ \t](?:&|and)[ \t]care|nursing[ \t]home)"
                        r")\b(?![ \t]{0,2}(?:visits?|aides?|nurses?|services|referral|eval|needs|orders?|bath|staff)\b)", re.IGNORECASE)
# a town's rescue squad, ambulance or fire company after the found town
_SERVICE_AFTER_TOWN = re.compile(r"[ \t](" + TOWN_SERVICE_WORDS + r")\b"
                                 r"(?![ \t\-]{0,2}(?:ride|bay|service|services|personnel|scene|alarm|hazard|risk|exposure|"
                                 r"safety|pit|place|plan|plans))", re.IGNORECASE)
# the head that makes an organisation of a found town or name: "Beulaville VFD", "Malden JCC", "lawrence high",
# "Georgia Tech" (police and fire departments are facility heads: "LYNN PD", "Quincy Fire Dept")
_ORG_TAIL = re.compile(
    r"[ \t]{1,2}(?:(?-i:VFD|JCC|UMC|YMCA|YWCA|ARH)\b|(?-i:Community|COMMUNITY|Deaconess|DEACONESS|Children's|CHILDREN'S)"
    r"(?![ \t]{0,2}(?:members?|center|health|college|resources|services|of)\b)(?=[ \t]*[,.;:)\n]|[ \t]{1,2}(?:ed|er|icu|hospital|"
    r"hosp|for|with|in|on|at|and|records?|to)\b|[ \t]{1,2}w/)"
    r"|high(?:[ \t]{1,2}school)?\b(?![ \t]{0,2}(?:risk|dose|flow|fever|grade|peep|output|rate|pressure|bp|hr))"
    r"|public[ \t]{1,2}schools?\b|community[ \t]{1,2}college\b|(?-i:Tech|TECH)\b)", re.IGNORECASE)
# a town's or county's civic body after the found town: "chelsea housing authority", "Boston Housing Court",
# "suffolk probate", "Newton Senior Center", "Fairbanks Burn Center"
_CIVIC_TAIL = re.compile(r"[ \t](housing[ \t]authority|housing[ \t]court|district[ \t]court|superior[ \t]court|"
                         r"juvenile[ \t]court|probate(?:[ \t](?:and|&)[ \t]family)?(?:[ \t]court)?|senior[ \t]cent(?:er|re)|"
                         r"council[ \t]on[ \t]aging|public[ \t]library|burn[ \t]cent(?:er|re))\b", re.IGNORECASE)
# postal codes that are also clinical abbreviations or credentials: only after a comma, before punctuation
_AMBIG_STATES = _AMBIG_ABBR | {"CT"}
# the same in a note written in lower case
_STATE_AFTER_LOWER = re.compile(r",?[ \t]{1,2}([a-z]{2})(?=[ \t]*(?:[.,;:)\n\-]|$))")
# the town before a found country or region: "FROM LA CEIBA, HONDURAS", "WIFE STILL IN LES CAYES,HAITI"
_TOWN_BEFORE_REGION = re.compile(r"\b(?:from|in|near|of|to|outside)[ \t]{1,2}((?:[A-Za-z][A-Za-z'’.\-]+[ \t]){0,3}"
                                 r"[A-Za-z][A-Za-z'’.\-]+),[ \t]{0,2}$", re.IGNORECASE)
_TOWN_PARTICLES = frozenset("LA LE LES LOS LAS DE DEL DOS DAS DO DA EL AL SAN SANTA SANTO SAO ST ST. SAINT".split())


def _town_words(lex: Lexicons, mixed_case: bool, words: str) -> bool:
    """Whether ``words`` read as a town's name (names, particles, no clinical or common words)."""
    parts = words.split()
    for w in parts:
        u = w.upper()
        if mixed_case and not w[:1].isupper():
            return False
        if u in _TOWN_PARTICLES and len(parts) > 1:
            continue
        if u in _STOP or u in _NOT_FACILITY or medical_shape(u) or (u in lex.clinical and u not in lex.cities):
            return False
        if lex.is_known_word(u) and lex.klass(u) == NOT_NAME and u not in lex.cities:
            return False
    return True


# "of"/"for the" and the rest of an organisation's name after its found head: "LITTLE SISTERS OF THE POOR",
# "Jewish Home for the Aged", "Boston Health Care for the Homeless", "VNA OF GREATER MALDEN"
_OF_TAIL = re.compile(r"((?:[ \t]{1,2}(?:care|center|services|home|society))?[ \t]{1,2}(?:of|for)(?:[ \t]{1,2}the)?)"
                      r"((?:[ \t]{1,2}[A-Za-z][A-Za-z'’.\-]+){1,3})", re.IGNORECASE)
_OF_HEADS = frozenset("HOME HOMES SISTERS BROTHERS LADY HEART VNA CARE HEALTH CENTER SOCIETY SERVICES ASSOCIATION "
                      "PORT SHELTER MISSION ARMY CHARITIES HOUSE INN KNIGHTS DAUGHTERS SONS FRIENDS".split())
# the people a home or a mission serves: "FOR THE AGED", "OF THE POOR"
_SERVED = frozenset("POOR AGED HOMELESS BLIND DEAF ELDERLY SICK INCURABLES".split())


def _of_tail(text: str, lex: Lexicons, mixed_case: bool, e: int) -> int:
    """The end of an organisation's name continued by "of"/"for the" after ``e``, or ``e``."""
    m = _OF_TAIL.match(text, e)
    if m is None:
        return e
    end = e
    pos = m.end(1)
    for w in re.finditer(r"[ \t]{1,2}([A-Za-z][A-Za-z'’.\-]+)", m.group(2)):
        u = w.group(1).upper().rstrip(".")
        # in prose any capitalised word; in capitals a served people, a place, a facility word or a name
        ok = u not in _STOP and u not in lex.clinical and (w.group(1)[:1].isupper() if mixed_case else (
            u in _SERVED or u in lex.cities or u in STATE_ABBR or u in FACILITY_WORDS
            or not lex.is_known_word(u) or lex.klass(u) != NOT_NAME)) and text[pos + w.end():pos + w.end() + 1] != "/"
        if not ok:
            break  # (not "CENTER FOR WIC/POSTPARTUM SUPPORT": a list of services)
        end = pos + w.end()
        if w.group(1).endswith(".") and len(u) > 3:
            end -= 1
            break  # "Port of Long Beach. Family ...": the sentence ends here
    return end


# a saint's title before a found name of a parish or a church: "PARISH (ST. STANISLAUS)", "at St. Frances of Rome"
_SAINT_BEFORE = re.compile(r"(?:^|[(\[,;:]|\b(?:at|of|from|to|in|is|attends|attended|member|parish|church|visited|"
                           r"with|w/|by))[ \t]{0,2}((?:st\.?|saint)[ \t]{1,2})$", re.IGNORECASE)
_OUR_BEFORE = re.compile(r"(?<![\w])(our[ \t]{1,2})$", re.IGNORECASE)
# the place a saint is named for, after the found saint: "st. rose of lima", "ST. FRANCIS OF ASSISI", "St. John of God"
_SAINT_SPAN = re.compile(r"(?:st\.?|saint)[ \t]{1,2}[A-Za-z][A-Za-z'’\-]+$", re.IGNORECASE)
_SAINT_OF = re.compile(r"[ \t]{1,2}of[ \t]{1,2}([A-Za-z][A-Za-z'’\-]{2,15})\b(?![ \t]{0,2}[\-/]?[ \t]{0,2}\d)", re.IGNORECASE)
_OUR_NAMES = frozenset("LADY SAVIOR SAVIOUR REDEEMER MOTHER FATHER SHEPHERD SAVIORS SAVIOURS".split())


def _facility_found(text: str, found: Sequence[Hit], s: int, e: int) -> bool:
    """Whether a facility was found over ``text[s:e]`` too ("MAPLEWOOD MANOR NH": a nursing home, no state)."""
    return any(label == "HOSPITAL" and a < e and s < b for a, b, label, _ in found) \
        or text[s:e].split()[-1].upper() in FACILITY_WORDS


def spread(text: str, found: Sequence[Hit]) -> list[Hit]:
    """Spans to add to ``found`` (``(start, end, label, score)`` into ``text``)."""
    if not found:
        return []
    lex = get_lexicons()
    sc = scan(text)
    toks = sc.tokens
    out: list[Hit] = []
    for s, e, label, _score in found:
        if label in ("NAME", "HOSPITAL", "LOCATION"):
            m = _SAINT_BEFORE.search(text, max(0, s - 30), s)
            if m is not None and (not sc.mixed_case or m.group(1)[:1].isupper()):
                out.append((m.start(1), e, label, 0.55))  # "PARISH (ST. STANISLAUS)", "attends st hyacinth church"
            m = _OUR_BEFORE.search(text, max(0, s - 6), s)
            if m is not None and text[s:e].split()[0].upper().rstrip("'S’") in _OUR_NAMES:
                out.append((m.start(1), e, label, 0.55))  # "Our Savior's Lutheran", "OUR LADY OF THE CEDARS"
        if label in ("NAME", "HOSPITAL", "LOCATION") and _SAINT_SPAN.fullmatch(text, s, e):
            m = _SAINT_OF.match(text, e)
            w = m.group(1).upper() if m else ""
            if m and w not in _STOP and (w not in lex.clinical or w in lex.cities) and (
                    m.group(1)[:1].isupper() if sc.mixed_case and not text[s:e].islower() else True):
                out.append((s, m.end(1), label, 0.55))
        if label == "HOSPITAL" or (label in _ORG_LABELS | {"NAME"} and text[s:e].rsplit(None, 1)[-1].upper() in _UNIT_HEADS):
            m = _UNIT_NUMBER.match(text, e)
            if m is not None:
                out.append((s, m.end(1), label, 0.55))
        if label == "DATE" and re.search(_YEAR, text[s:e]):
            for direction in (-1, 1):
                a, b = s, e
                for _ in range(4):  # walk along the list
                    m = _YEAR_BEFORE.search(text, max(0, a - 16), a) if direction < 0 else _YEAR_AFTER.match(text, b)
                    if not m or (direction < 0 and m.end() != a):
                        break
                    out.append((m.start(1), m.end(1), "DATE", 0.6))
                    a, b = m.start(1), m.end(1)
        m = _FAITH_AFTER.match(text, e)
        if m and (label in _ORG_LABELS or label == "NAME" and _SAINTLY.match(text, s)) \
                and (not sc.mixed_case or m.group(1)[:1].isupper()):
            out.append((s, m.end(1), "HOSPITAL", 0.55))  # "ST. GEORGE GREEK ORTHODOX", "Mt. Zion Baptist Church"
        if label == "NAME":
            m = _AGE_AFTER_NAME.match(text, e)
            if m:
                out.append((m.start(1), m.end(1), "AGE", 0.6))  # "Leonard Hale (91)", "Zinaida Polyakova ("Zina"), 93,"
        if label in ("NAME", "HOSPITAL", "LOCATION"):
            m = _GREATER_BEFORE.search(text, max(0, s - 16), s)
            if m is not None and (m.group(1)[:1].isupper() if sc.mixed_case else m.group(1).isupper()) \
                    and text[s:s + 1].isupper():
                out.append((m.start(1), e, label, 0.55))
        m = _FAC_CONT.match(text, e)
        if m is None and text[s:e].upper().split()[-1] in ("HEALTH", "POLICE", "FIRE", "SHERIFF'S", "SHERIFF"):
            m = _DEPT_CONT.match(text, e)
        if m is not None and label in ("NAME", "HOSPITAL", "LOCATION") and (
                text[s:e].isupper() == m.group(1).isupper()) and (not sc.mixed_case or m.group(1)[:1].isupper()) \
                and len(text[s:e].split()) + (label == "HOSPITAL") >= 2:
            out.append((s, m.end(1), "HOSPITAL", 0.55))  # "VA Health Care System", "Trinity Care Hospice"
        if label == "ADDRESS" or (label in ("NAME", "LOCATION") and _STREET_END.search(text, s, e)):
            # the other street of an intersection: "ON Vermont Ave AND Slauson.", "at Morse Rd and Cleveland Ave"
            m = _CROSS_AFTER.match(text, e)
            w = m.group(1).upper() if m else ""
            if m and w not in _STOP and (w not in lex.clinical or w in lex.cities) and (
                    (sc.mixed_case and m.group(1)[1:2].islower()) or not lex.is_known_word(w) or w in lex.cities):
                out.append((m.start(1), m.end(1), "ADDRESS", 0.55))
            m = _CROSS_BEFORE.search(text, max(0, s - 40), s)
            if m and m.group(1).split()[0].upper() not in _STOP:  # (its street word makes "Morse Rd" a street)
                out.append((m.start(1), m.end(1), "ADDRESS", 0.55))
        m = _HEAD_TAIL.match(text, e) if label in ("NAME", "HOSPITAL", "LOCATION") else None
        if m and (m.group(1).isupper() if text[s:e].isupper() else m.group(1)[:1].isupper() or text[s:e].islower()) \
                and (label != "NAME" or m.group(1).split()[0].upper() not in ("DIALYSIS", "HOSPICE", "NURSING", "ASSEMBLY")):
            out.append((s, m.end(1), "HOSPITAL", 0.55))  # "Caring Hands Home Health", "Holy Family Villa", "Sully's Pub"
        if label in ("NAME", "LOCATION"):
            m = _SERVICE_AFTER_TOWN.match(text, e)
            town = fold(text[s:e]).upper()
            if m and (town in lex.cities or town in lex.minor_places or town in lex.postal_places) \
                    and (not sc.mixed_case or text[s:s + 1].isupper() == m.group(1)[:1].isupper() or text[s:e].islower()):
                out.append((s, m.end(1), "HOSPITAL", 0.55))  # "whitefield rescue found him", "GREENVILLE RESCUE ON AIRBOAT"
        m = _CIVIC_TAIL.match(text, e) if label in ("NAME", "HOSPITAL", "LOCATION") else None
        if m and (label != "NAME" or fold(text[s:e]).upper() in lex.cities or fold(text[s:e]).upper() in lex.minor_places
                  or text[e + 1:m.end()].upper().startswith("BURN")) \
                and (not sc.mixed_case or m.group(1)[:1].isupper() or text[s:e].islower()):
            out.append((s, m.end(1), "LOCATION", 0.55))  # "chelsea housing authority", "Fairbanks Burn Center"
        if label not in _ORG_LABELS:
            continue
        if label == "HOSPITAL":
            for rx in (_REGION_BEFORE, _NAME_OF_BEFORE):
                m = rx.search(text, max(0, s - 26), s)
                w = m.group(1).split()[0].upper() if m else ""
                if m is not None and (m.group(1)[:1].isupper() if sc.mixed_case else m.group(1).isupper()) and (
                        rx is _REGION_BEFORE or (w not in _STOP and w not in lex.clinical and w not in _NOT_FACILITY)):
                    out.append((m.start(1), e, label, 0.55))
        m = _PAREN_ACRONYM.match(text, e)
        if m:
            letters = m.group(1).replace("&", "").replace("/", "").replace("-", "")
            if len(letters) >= 2 and letters not in lex.clinical and letters not in STATE_ABBR \
                    and not lex.is_known_word(letters):
                out.append((m.start(1), m.end(1), "HOSPITAL" if label == "HOSPITAL" else label, 0.6))
        m = _STATE_AFTER_PLACE.match(text, e)
        st = m.group(1) if m else ""
        if m and st in STATE_ABBR and (not m.group(3) or (
                st in _PLAIN_STATES and label == "LOCATION" and not _facility_found(text, found, s, e))) and (st not in _AMBIG_STATES or (
                m.group(0).startswith(",") and not m.group(2) and not m.group(3)
                and (st not in ("MD", "PA") or (text[s:e].upper() in lex.cities and lex.klass(text[s:e].upper()) != PURE
                                                and not _PERSON_BEFORE_TOWN.search(text, max(0, s - 8), s))))):
            out.append((m.start(1), m.end(1), "LOCATION", 0.6))  # "Exeter Hospital, NH,", "Manchester NH for"
        words = text[s:e].upper().split()
        if words and words[-1] in _OF_HEADS:
            end = _of_tail(text, lex, sc.mixed_case, e)
            if end > e:
                out.append((s, end, label, 0.55))
        m = _ORG_TAIL.match(text, e)
        if m and (not sc.mixed_case or not m.group()[1:].strip()[:1].islower() or text[s:e].islower()):
            out.append((s, m.end(), label, 0.55))  # "Malden JCC", "lawrence high", "Georgia Tech"
        m = _STATE_AFTER_LOWER.match(text, e) if text[s:e].islower() else None
        if m and m.group(1).upper() in STATE_ABBR and m.group(1).upper() not in _AMBIG_STATES | {"VA", "WA", "GA"}:
            out.append((m.start(1), m.end(1), "LOCATION", 0.55))  # "from burlington, vt - updated", "fort lee nj."
        if label == "LOCATION":
            m = _TOWN_BEFORE_REGION.search(text, max(0, s - 60), s)
            if m and _town_words(lex, sc.mixed_case, m.group(1)):
                out.append((m.start(1), m.end(1), "LOCATION", 0.55))  # "FROM LA CEIBA, HONDURAS", "in Les Cayes, Haiti"
            m = _COMMA_REGION.match(text, e)
            if m:
                w = m.group(1).upper()
                if w not in lex.clinical and not lex.is_known_word(w) and not medical_shape(w) \
                        and not w.endswith(("ED", "ING")) \
                        and (not sc.mixed_case or m.group(1)[:1].isupper()):
                    out.append((m.start(1), m.end(1), "LOCATION", 0.55))
        m = _PLACE_DATE.match(text, e)
        if m and _PREP_BEFORE.search(text, max(0, s - 8), s):
            out.append((m.start(1), m.end(1), "DATE", 0.55))  # "TX'D FROM ST E'S 3/3", "returning from Lagos 1/4"
        m = _PLACE_YEAR.match(text, e)
        if m:
            before = set(re.findall(r"[A-Za-z]+", text[max(0, s - 60):s].upper()))
            if before & _LIFE_EVENTS:
                out.append((m.start(1), m.end(1), "DATE", 0.55))
        if label != "HOSPITAL":
            continue
        m = _DASH_PLACE.match(text, e)
        if m and all(w.upper() not in lex.clinical and ((not lex.is_known_word(w.upper()) and len(w) >= 5)
                                                      or w.upper() in lex.cities or lex.klass(w.upper()) == PURE
                                                      or (q == 0 and w.upper() in _AREA_WORDS))
                     for q, w in enumerate(m.group(1).split())):
            out.append((m.start(1), m.end(1), "HOSPITAL", 0.55))  # also "Select Specialty Hospital - Northwest Detroit"
        m = _COMMA_TOWN.match(text, e)
        if m and fold(m.group(1)).upper() in lex.cities and m.group(1).upper() not in lex.clinical \
                and (not sc.mixed_case or m.group(1)[:1].isupper()):
            out.append((m.start(1), m.end(1), "LOCATION", 0.55))  # "Burke Rehabilitation Hospital, White Plains,"
        j = _JOIN.match(text, e)
        k = sc.index_at(j.end()) if j else None
        if j is None or k is None:
            continue
        run: list[int] = []
        while k < len(toks) and len(run) < 3 and toks[k].kind == "w":
            t = toks[k]
            u = t.up[:-2] if t.up.endswith(("'S", "’S")) else t.up
            new_x = u == "NEW" and k + 1 < len(toks) and toks[k + 1].kind == "w"  # "NEW ENGLAND SINAI"
            if u in _STOP or (u in _NOT_FACILITY and not new_x) or (sc.mixed_case and not t.text[:1].isupper()) \
                    or (t.text.islower() and len(u) <= 3) \
                    or medical_shape(u) or (not run and "," in j.group() and u.endswith(("ED", "ING"))) \
                    or (u in lex.clinical and u not in FACILITY_WORDS and u not in _FACILITY_HEAD_WORDS):
                break
            run.append(k)
            k += 1
        while run and toks[run[-1]].up not in _FACILITY_HEAD_WORDS and toks[run[-1]].up not in FACILITY_WORDS \
                and lex.is_known_word(toks[run[-1]].up) and lex.klass(toks[run[-1]].up) == NOT_NAME:
            run.pop()  # "KINDRED AND NEW ENGLAND SINAI REVIEWING"
        if not run:
            continue
        words = [toks[r].up for r in run]
        # every word a name ("NEW ENGLAND SINAI", "NRH"), or plain words before a head ("SELECT SPECIALTY")
        named = all(not lex.is_known_word(w) or lex.klass(w) == PURE or w in lex.cities or w in FACILITY_WORDS
                    for w in words) and not all(w in FACILITY_WORDS for w in words)
        if named or (words[-1] in _FACILITY_HEAD_WORDS and "," not in j.group()):
            out.append((toks[run[0]].start, toks[run[-1]].end, "HOSPITAL", 0.55))
    # the same facility named again: "Referrals sent to Youville and NRH. Wife prefers NRH"
    names = set()
    for s, e, label, _score in [*found, *out]:
        name = text[s:e]
        up = name.upper()
        if label == "HOSPITAL" and len(name) >= 3 and "\n" not in name and not lex.is_known_word(up) \
                and up not in lex.clinical:
            names.add(name)
    for name in names:
        for m in re.finditer(r"(?<![\w'’-])" + re.escape(name) + r"(?![\w'’-])", text):
            out.append((m.start(), m.end(), "HOSPITAL", 0.55))
    return out
