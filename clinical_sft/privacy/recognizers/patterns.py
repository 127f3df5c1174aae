"""Pattern recognizers for clinical PHI: dates, ages over 89, contacts and identifiers.

Every regular expression here is free of nested quantifiers (no catastrophic backtracking);
decisions that need context (``BP 120/80`` is not a date, ``MRN 12345`` is an identifier) are made
in Python around each match.
"""

from __future__ import annotations

import re

from ._lexicons import get_lexicons

__all__ = ["find_ages", "find_contacts", "find_dates", "find_ids"]

Hit = tuple[int, int, str, float]
_F = re.IGNORECASE

_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
          r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
_ORD = r"(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d\d"

# month-name dates: "July 22nd, 2019", "Jul 22", "22 July 2019", "22nd of July", "22-Jul-2019", "July 2019"
_DATE_MONTH_FIRST = re.compile(
    rf"\b{_MONTH}\.?[ \t]{{0,3}}(?:(?:0?[1-9]|[12]\d|3[01]){_ORD}\b(?:,?[ \t]{{0,3}}(?:{_YEAR}|'\d\d)\b)?|,?[ \t]{{0,3}}(?:{_YEAR}\b|'\d\d\b))",
    _F)
_DATE_DAY_FIRST = re.compile(
    rf"\b(?:0?[1-9]|[12]\d|3[01]){_ORD}(?:[ \t]{{1,3}}of)?[ \t\-]{{1,3}}{_MONTH}\b\.?(?:[ \t\-,]{{1,3}}(?:{_YEAR}|\d\d)\b)?",
    _F)
# month names of Spanish, Portuguese, French and German notes (and of patients' documents)
_MONTH_INTL = (r"(?:enero|febrero|marzo|abril|mayo|junio|julio|agosto|sep?tiembre|octubre|noviembre|diciembre|"
               r"janeiro|fevereiro|mar[çc]o|maio|junho|julho|setembro|outubro|dezembro|"
               r"janvier|f[ée]vrier|mars|avril|juin|juillet|ao[uû]t|septembre|octobre|d[ée]cembre|"
               r"januar|februar|m[äa]e?rz|juni|juli|oktober|dezember)")
_MONTH_INTL_ABBR = r"(?:ene|abr|ago|dic|fev|mai|set|out|dez|janv|f[ée]vr|juil|d[ée]c|okt|m[äa]r)"
# "2/Jan/2008", "02-ENE-08", "14.feb.2009": a day, a month name and a year between separators
_DATE_DAY_MON_YEAR = re.compile(
    rf"\b(?:0?[1-9]|[12]\d|3[01])([/\-.])(?:{_MONTH}|{_MONTH_INTL}|{_MONTH_INTL_ABBR})\.?\1(?:{_YEAR}|\d\d)\b", _F)
# "3 de marzo de 2010", "12 janvier 2011", "5. März 2012"
_DATE_INTL = re.compile(
    rf"\b(?:0?[1-9]|[12]\d|3[01])(?:º|er)?\.?[ \t]{{1,3}}(?:de[ \t]{{1,3}})?{_MONTH_INTL}\b"
    rf"(?:[ \t,]{{1,3}}(?:de[ \t]{{1,3}})?{_YEAR}\b)?", _F)
_MONTH_ALONE = re.compile(r"\b(?:january|february|april|june|july|august|september|october|november|december)\b", _F)
_HOLIDAY = re.compile(r"\b(?:christmas(?:[ \t]eve)?(?![ \t]tree)|x-?mas(?:[ \t]eve)?|thanksgiving|t-?giving|easter|halloween|hanukkah|new year'?s(?: day| eve)?|"
                      r"(?:for|since|after|before|over|until|by)[ \t]new year(?![ \t]?'?s)|christmas day|marathon monday|"
                      r"(?:khmer|hmong|lao|persian|thai|vietnamese|korean|jewish|tamil|sikh) new year|"
                      r"(?:greek|russian|armenian|ethiopian|coptic) (?:easter|christmas)|syttende mai|"
                      r"memorial day|labor day|independence day|valentine'?s day|passover|ramadan|yom kippur|rosh hashanah|"
                      r"kwanzaa|diwali|juneteenth|mardi gras|cinco de mayo|good friday|palm sunday|ash wednesday|"
                      r"veterans'? day|presidents'? day|columbus day|mlk day|martin luther king day|"
                      r"st\.? patrick'?s day|mother'?s day|father'?s day|christmas eve|eid al[- ](?:fitr|adha)|"
                      r"lunar new year|chinese new year|orthodox (?:christmas|easter)|pascha|nowruz|three kings'? day|chuseok|"
                      r"sukkot|purim|shavuot|navratri|holi|vesak|nochebuena|(?<![\w\-])eid(?![\w\-])|d[ií]a de (?:los )?(?:reyes|muertos)|(?-i:Tet))\b", _F)
# numeric dates: 7/22, 07/22/2019, 7-22-19, 2019-07-22, 22.07.2019
_DATE_NUM = re.compile(r"(?<![\w./+\-:])(\d{1,2})([/\-.])(\d{1,2})(?:\2(\d{4}|\d{2}))?(?![\w/+%]|\.\d|-\d)")
_DATE_ISO = re.compile(r"(?<![\w./\-])((?:19|20)\d\d)([/\-.])(\d{1,2})\2(\d{1,2})(?!(?!T\d)[\w/]|\.\d)")
_YEAR_ALONE = re.compile(r"(?<![\w./\-:$#])(?:19[0-9]\d|20[0-4]\d)(?:'?s)?(?![\w/%:]|\.\d|-\d)")
_DATE_COMPACT = re.compile(rf"\b(?:0?[1-9]|[12]\d|3[01])(?:{_MONTH}(?:19|20)?\d\d|"
                           r"(?-i:JAN|FEB|MAR|APR|MAY|JUNE?|JULY?|AUG|SEPT?|OCT|NOV|DEC))\b", _F)  # 9MAR25, 09MAR2025, 9MAR
_MONTH_YEAR_NUM = re.compile(r"(?<![\w./\-])(?:0?[1-9]|1[0-2])[/\-](?:19|20)\d\d(?![\w/]|[\-.]\d)")
_DATE_RANGE = re.compile(r"(?<![\w./\-])((?:0?[1-9]|1[0-2])/(?:0?[1-9]|[12]\d|3[01]))-((?:0?[1-9]|1[0-2])/"
                         r"(?:0?[1-9]|[12]\d|3[01]))(?![\w/])")
_ORDINAL_DAY = re.compile(r"\b(?:on|since|until|till|by|from|the|of|before|after)[ \t]{1,3}(?:the[ \t]{1,3})?"
                          r"((?:[1-9]|[12]\d|3[01])(?:st|nd|rd|th))\b(?![ \t]{0,2}(?:floor|grade|percentile|rib|"
                          r"digit|toe|finger|time|dose|day|week|cycle|line|ics|intercostal|cranial|nerve|degree|story|level|round|"
                          r"attempt|trimester|generation|place|stage|year|set|unit|bag|liter|pack|ward|precinct|district|street|st|ave))", _F)
_MONTH_CTX = re.compile(r"\b(?:in|last|next|since|early|late|mid|until|till|by|this|of|during)[ \t\-]{1,3}"
                        r"(march|may|jan|feb|apr|jun|jul|aug|sept?|oct|nov|dec)\b\.?"
                        r"(?![ \t]{1,3}(?:be|have|need|require|benefit|not|also|help|want))", _F)
_MONTH_RANGE = re.compile(rf"\b({_MONTH})\.?[ \t]{{0,2}}(?:-|–|to|thru|through|until|till)[ \t]{{0,2}}({_MONTH})\b\.?", _F)
_APOS_YEAR = re.compile(r"(?<![\w'])'\d\d\b")

# words that make "10/5" a setting or a ratio rather than a date
_NOT_DATE_BEFORE = frozenset(
    "BP B/P SBP DBP ABP NBP ART A-LINE CVP PAP PA PS PSV PEEP CPAP BIPAP IPAP EPAP SIMV IMV AC TV VT RR "
    "VENT VENTILATOR SETTINGS SETTING MAP GCS MAE MOTOR STRENGTH GRIP GRADE RATIO SCORE PAIN ABG VBG "
    "APGAR DIGITS FINGERS TOES X BREATHS MURMUR SYSTOLIC DIASTOLIC HR RATE PUPILS PERRL DOSE DOSES "
    "TITRATE PRESSURE PRESSURES PRESS TIDAL FLOW INSP PULSES PULSE DAYS POD CYCLE WEEK TOF ICP CPP "
    "RIB RIBS RASS HA CP GOAL RANGE LEVEL LEVELS UE LE ARM ARMS LEG LEGS GRIP GRIPS DELTOIDS BICEPS TRICEPS "
    "RESIDUAL RESIDUALS UO OUTPUT VOLUME VOLUMES LOSS LOSSES DRAINAGE SEM HSM DSM MURMURS BASELINE "
    "LEAK LEAKS AIRLEAK TIMI CHADS CHADS2 VASC HESS FISHER".split())
# ventilator words before "ON 10/5" (pressure support over PEEP)
_VENT_WORDS = frozenset("SBT CPAP PSV PS PEEP BIPAP IPAP EPAP VENT VENTILATOR WEAN WEANED WEANING TRIAL SIMV".split())
# "LAST DOSE VANCO 4/23", "LAST ZOSYN DOSE 11/18 0600": a day over 12 after a dose is a date
_DOSE_WORDS = frozenset("DOSE DOSES".split())
# limbs graded x/5: a day over 12 after one is a date ("GRAFT TO L ARM 3/30")
_LIMBS = frozenset("UE LE ARM ARMS LEG LEGS".split())
_NOT_DATE_AFTER = frozenset(
    "NS NORMAL STRENGTH TAB TABS TABLET TABLETS AMP AMPS UNIT UNITS DOSE DOSES OF MG MCG ML CC L LPM "
    "MMHG CM MM IN INCH INCHES PUPILS SCORE POINTS BREATHS FINGER FINGERS EXTREMITIES STRENGTH GRIP "
    "PEEP PS FIO2 RR TV CPAP SIMV IMV X SYSTOLIC DIASTOLIC HOLOSYSTOLIC MURMUR SEM ON LPM "
    "UE LE RUE LUE RLE LLE BUE BLE BIL BILAT BILATERAL UPPER LOWER WAY".split())
_YEAR_CONTEXT = frozenset(
    "IN SINCE YEAR YEARS YR FROM UNTIL TILL DURING BORN CIRCA CA BY OF FALL SPRING SUMMER WINTER AUTUMN "
    "DOB DIAGNOSED DX HX S/P SP STATUS POST EARLY LATE MID END BEGINNING AROUND AFTER BEFORE JAN FEB MAR "
    "APR MAY JUN JUL AUG SEP SEPT OCT NOV DEC CLASS ADMITTED ADMISSION DATED DIED PASSED DECEASED MARRIED "
    "WIDOWED DIVORCED RETIRED MOVED IMMIGRATED EMIGRATED ARRIVED GRADUATED QUIT STOPPED STARTED BEGAN SIGNED "
    "IMPLANTED REVISED".split())
# words before a four-digit time of day ("UNTIL 2000", "AT 1930")
_CLOCK_BEFORE = frozenset("AT UNTIL TILL BY AROUND ABOUT APPROX APPROXIMATELY BEFORE AFTER STARTING ENDING BEGINNING "
                          "TO OR PACU ICU CCU MICU SICU CSRU ETA ARRIVED RETURNED BACK UNIT FLOOR STARTED RESTARTED "
                          "STOPPED HELD GIVEN DRAWN SENT PAGED".split())
# states that last since a time of day ("OFF SINCE 2000", "ASLEEP SINCE 2100")
_STATE_SINCE = frozenset("OFF ON DOWN UP NPO ASLEEP SLEEPING AWAKE STABLE QUIET CALM HERE BACK OUT RESTING "
                         "WEANED HELD PAUSED".split())
# events whose year often follows: "CVA 2009", "CABG 2015", "TAH/BSO 1998"
_YEAR_EVENTS = frozenset(
    "CVA TIA MI NSTEMI STEMI CABG PCI PTCA STENT STENTS DES BMS AVR MVR TAVR TAVI PPM AICD ICD CHOLE LAP "
    "APPY APPENDECTOMY CHOLECYSTECTOMY HYSTERECTOMY TAH BSO THR TKR THA TKA ORIF ARTHROPLASTY LAMINECTOMY "
    "FUSION SURGERY REPAIR RESECTION COLECTOMY MASTECTOMY LUMPECTOMY CRANIOTOMY TRANSPLANT DX'D DIAGNOSED "
    "DX PE DVT FX FRACTURE ECHO CATH EGD COLONOSCOPY MRI CT PET BX BIOPSY CHEMO XRT RADIATION SZ SEIZURE "
    "STROKE PNA CHF AFIB ESRD HD ABLATION PACER PACEMAKER LAST SINCE S/P BKA AKA AMPUTATION CABG'D PFT PFTS "
    "FEM-POP BYPASS ENDARTERECTOMY CEA".split())
_UNITS = frozenset(
    "MG MCG G GM GRAM GRAMS KG ML CC L LITER LITERS MEQ MMOL U UNIT UNITS IU MM CM MMHG HR HRS MIN MINS SEC "
    "KCAL CAL CALS LBS LB OZ MICROGRAMS MILLIGRAMS X TIMES PERCENT PCT BPM ML/HR CC/HR".split())


def _prev_words(text: str, start: int, n: int = 2) -> list[str]:
    """Up to ``n`` upper-cased words before ``start`` (punctuation stripped)."""
    seg = re.sub(r"(?<=[A-Za-z])['’](?:d|ed)\b", "", text[max(0, start - 40):start], flags=re.IGNORECASE)  # D/C'D
    words = re.findall(r"[A-Za-z0-9][A-Za-z0-9/\-]*", seg)
    return [w.upper() for w in words[-n:] if not w[0].isdigit() or any(c.isalpha() for c in w)]


def _next_word(text: str, end: int) -> str:
    m = re.match(r"[ \t]{0,3}([A-Za-z][A-Za-z0-9/]*)", text[end:end + 24])
    return m.group(1).upper() if m else ""


# nursing shifts: "NPN 7-3", "3-11 SHIFT", "7P-7A"
_SHIFTS = frozenset({(7, 3), (3, 11), (11, 7), (7, 7), (7, 19), (19, 7), (7, 11), (11, 3)})
_SHIFT_WORDS = frozenset("NPN NSG NURSING NOTE SHIFT PROGRESS RN ADDENDUM EVENTS REPORT".split())
# a note's shift in clock times right before its date: "MICU NPN 1900-0700 3/3", "NSG 7P-7A 11/2"
_SHIFT_BEFORE = re.compile(r"(?<![\w/.\-])(?:(?:0[5-9]|1[0-9]|2[0-3])[03]0-(?:0[5-9]|1[0-9]|2[0-3])[03]0|"
                           r"(?:7|11|3)[ap]m?-(?:7|11|3)[ap]m?)[ \t:,]{1,3}$", re.IGNORECASE)
_GESTATION = frozenset("GA CGA PMA EGA GESTATION GESTATIONAL WEEKS WKS WK WEEKER".split())
_PAIN_NEAR = frozenset("PAIN CP HA HEADACHE".split())
_PAIN_WORDS = frozenset("PAIN NOW RATES RATED RATING SCALE SCORE LEVEL".split())


# the day of a course before a fraction: "D#4/7", "DAY # 3/14" (and "DAY 3/7" over a course's usual length)
_COURSE_DAY_HASH = re.compile(r"\b(?:D|DAY)[ \t]?#[ \t]?$", re.IGNORECASE)
_COURSE_DAY = re.compile(r"\b(?:D|DAY)[ \t]?#?[ \t]?$", re.IGNORECASE)


def _vent_ratio(text: str, start: int, a: int, b: int) -> bool:
    """Whether ``a/b`` starting at ``start`` is pressure support over PEEP: "SBT 30 MIN ON 10/5"."""
    return a >= b and b in (0, 5, 8, 10) and any(
        part in _VENT_WORDS for w in _prev_words(text, start, 6) for part in w.split("/"))  # also "on cpap/ps 8/5"


def _not_date_ratio(text: str, start: int, a: int, sep: str, b: int, prev: list[str], nxt: str) -> bool:
    """Whether a year-less ``a/b`` is a shift, a pain score or "2/2" (secondary to) rather than a date."""
    if sep == "/" and a == 2 and b == 2:
        return True  # "2/2 SEPSIS": secondary to
    if sep == "/" and b == 10 and a <= 10:
        wide = _prev_words(text, start, 6)
        if "PAIN" in wide or (prev and prev[-1] in _PAIN_WORDS) or nxt == "PAIN":
            return True  # "PAIN 7/10 ... NOW 3/10"
    if sep == "/" and a <= b <= 21 and (_COURSE_DAY if b in (5, 7, 10) else _COURSE_DAY_HASH).search(
            text[max(0, start - 5):start]):
        return True  # "CIPRO D#4/7", "abx day 3/7": the day of a course
    if sep == "/" and b == 5 and a <= 5 and any(w in ("STRENGTH", "MOTOR", "MS", "POWER") for w in
                                               _prev_words(text, start, 6)):
        return True  # "STRENGTH 4/5 BIL UE, 5/5 LE"
    if sep == "/" and b == 7 and a <= 6 and (re.search(r"\b(?:2[2-9]|3\d|4[0-4])[ \t\-]{1,2}$", text[max(0, start - 6):start])
                                            or any(w in _GESTATION for w in _prev_words(text, start, 2))):
        return True  # a gestational age in weeks and sevenths: "GA 29 3/7 WKS", "now 35 2/7 CGA", "CGA 33 1/7"
    if sep == "-" and (a, b) in _SHIFTS:
        if any(p in _SHIFT_WORDS for p in _prev_words(text, start, 3)) or nxt in ("SHIFT", "NPN", "NSG"):
            return True
        if not text[:start].strip() or text[:start].endswith("\n"):
            return True  # "07-19: PT UNCHANGED" opening a note: the shift
    return False


_WEEKDAYS = frozenset("MON MONDAY TUE TUES TUESDAY WED WEDNESDAY THU THUR THURS THURSDAY FRI FRIDAY SAT SATURDAY "
                      "SUN SUNDAY".split())
# words after which "3/4" or "8-14" is a date rather than a score or a range
_DATE_CTX = frozenset(
    "ON SINCE FROM UNTIL TILL THRU THROUGH ADMITTED ADMIT ADM ADMISSION DISCHARGED DISCHARGE DATED DATE DOS DOB "
    "DOD SEEN LAST NEXT STARTED START STARTING BEGAN BEGINNING ENDING ENDED DUE SCHEDULED PLANNED EXPECTED RETURN "
    "PRESENTED PRESENTING "
    "RETURNED F/U FU APPT APPOINTMENT EFFECTIVE DIED BORN TRANSFERRED ARRIVED INTUBATED EXTUBATED PLACED "
    "INSERTED REMOVED CHANGED DONE OF "
    "D/C D/CED DCED DISCONTINUED PULLED COMPARISON COMPARED REGROUP VERIFIED DISPENSED DECANNULATED CANNULATED DECANNULATION "
    "CANNULATION COILED CLIPPED EMBOLIZED".split()) | _WEEKDAYS | (_YEAR_EVENTS - {"FX", "FRACTURE"})
_TIME_AFTER = re.compile(r"[ \t]{1,2}(?:@[ \t]?|AT[ \t])?(?:[01]\d|2[0-3])(?::?[0-5]\d)(?:[ \t]|$|[.,;)])", re.I)


# words right after a date: its part of the day or what happened on it ("3-14 AM", "THE 3/10 MEETING")
_DAY_PART_AFTER = frozenset("AM PM MORNING EVENING NIGHT MEETING MTG CONFERENCE NOTE".split())
# a day something is set for: "BED CONFIRMED FOR 2/10", "SCHEDULED ON 3/4"
_BOOKED = frozenset("CONFIRMED SCHEDULED PLANNED BOOKED SET RESCHEDULED".split())
# a meeting set for a day: "TO MEET W/ FAMILY 1/2", "FAMILY MTG PLANNED FOR 3/4"
_MEET_WORDS = frozenset("MEET MEETING MTG CONFERENCE".split())
_DATE_CTX_FAR = frozenset("LAST NEXT SINCE UNTIL ADMITTED DATED SCHEDULED PLANNED DUE PRESENTED MEDEVAC FLOWN "
                           "READMITTED".split()) | (
    _YEAR_EVENTS - {"FX", "FRACTURE", "ORIF"})
_DATE_EVENTS = frozenset("ICH SAH SDH IVH ARREST FALL MVC MVA GSW OD INJURY TRAUMA ONSET EPISODE SURGERY "
                         "PROCEDURE EVENT PEG TRACH TRACHED TRACHEOSTOMY CXR KUB MRI MRA ECHO TTE TEE EKG ECG EEG "
                         "EGD ERCP COLONOSCOPY BRONCH BRONCHOSCOPY CLINIC IR LAB SCAN READMITTED MEDEVAC FLOWN".split())


# where a moved patient or a placed device went, between the verb and the date
_HERE_WORDS = frozenset("HERE BACK HOME THERE".split())
_MOVED_VERBS = frozenset("PLACED FLOWN TRANSFERRED ARRIVED MEDFLIGHTED TRANSPORTED SENT ADMITTED DISCHARGED CAME "
                         "BROUGHT RETURNED MOVED WENT CANNULATED INTUBATED STARTED".split())
_PROCEDURE_ENDINGS = ("ECTOMY", "OTOMY", "OSTOMY", "PLASTY", "OSCOPY", "PEXY", "RRHAPHY", "DESIS")


# words that may follow a date written "7-12" ("ADMITTED 7-12 FOR", "ON 3-4 AT 0800")
_AFTER_DATE = frozenset("FOR WITH W W/ AT AND TO BY ON IN S/P OF WHEN PT PATIENT THE A APPROX AROUND".split())


def _date_context(prev: list[str]) -> bool:
    """Whether the words before a number say it is a date (``ADMITTED 3/4``, ``LAST HD 11/20``, ``CABG X4 5-14``)."""
    if not prev:
        return False
    p = prev[-1].rstrip(":").rsplit("/", 1)[-1] if len(prev[-1]) > 4 else prev[-1].rstrip(":")  # "DEBRIDEMENT/REPAIR"
    if "-" in p[1:] and p.rsplit("-", 1)[-1] in _DATE_EVENTS | _YEAR_EVENTS:
        p = p.rsplit("-", 1)[-1]  # "EX-LAP 3/5", "RE-INTUBATED 2/9"
    if p in _DATE_CTX or p in _DATE_EVENTS or p in ("DATE", "DOB", "DOS") or p.endswith(_PROCEDURE_ENDINGS):
        return True  # "S/P LOBECTOMY 6-11", "CRANIOTOMY 3/2"
    if len(prev) == 2 and prev[1] in _HERE_WORDS and prev[0] in _MOVED_VERBS:
        return True  # "FLOWN HERE 1/30", "VV ECMO PLACED HERE 5/5", "TRANSFERRED BACK 2/11"
    return len(prev) == 2 and prev[0] in _DATE_CTX_FAR


def _score_shape(a: int, sep: str, b: int) -> bool:
    """``4/5``, ``1/4``, ``2-3``, ``8-14``: shapes of scores, fractions and ranges more often than dates."""
    if sep == "/":
        return (b in (2, 3, 4, 5, 10) and a <= b) or a > 12  # a score, a fraction, or a day-first "14/8"
    return a < b <= 20


def find_dates(text: str) -> list[Hit]:
    """Dates in the formats notes use; times (``10:30``, ``0800``) are not dates."""
    hits: list[Hit] = []
    for rx in (_DATE_MONTH_FIRST, _DATE_DAY_FIRST):
        for m in rx.finditer(text):
            s = m.group()
            # "MAR" alone is the medication administration record; "MAY" alone is a verb
            if re.fullmatch(r"(?i)(?:mar|may|march)\.?", s.strip()):
                continue
            hits.append((m.start(), m.end(), "DATE", 0.9))
    for rx in (_DATE_DAY_MON_YEAR, _DATE_INTL):
        for m in rx.finditer(text):
            hits.append((m.start(), m.end(), "DATE", 0.9))
    for m in _MONTH_ALONE.finditer(text):
        hits.append((m.start(), m.end(), "DATE", 0.7))
    for m in _DATE_COMPACT.finditer(text):
        hits.append((m.start(), m.end(), "DATE", 0.9))
    for m in _MONTH_YEAR_NUM.finditer(text):
        hits.append((m.start(), m.end(), "DATE", 0.8))
    for m in _DATE_RANGE.finditer(text):
        hits.append((m.start(1), m.end(1), "DATE", 0.8))
        hits.append((m.start(2), m.end(2), "DATE", 0.8))
    for m in _ORDINAL_DAY.finditer(text):
        hits.append((m.start(1), m.end(1), "DATE", 0.6))
    for m in _MONTH_CTX.finditer(text):
        hits.append((m.start(1), m.end(1), "DATE", 0.6))
    for m in _MONTH_RANGE.finditer(text):
        a, b = m.group(1, 2)
        if a.lower() != b.lower() and not any(w.lower() == "may" or w == "MAR" for w in (a, b)):
            hits.append((m.start(1), m.end(1), "DATE", 0.6))  # "SPENDS JAN-MAR IN YUMA", "from Nov to April"
            hits.append((m.start(2), m.end(2), "DATE", 0.6))
    for m in _HOLIDAY.finditer(text):
        lead = re.match(r"(?:for|since|after|before|over|until|by)[ \t]", m.group(), re.IGNORECASE)
        hits.append((m.start() + (lead.end() if lead else 0), m.end(), "DATE", 0.7))  # "home for New Year"
    for m in _DATE_ISO.finditer(text):
        mo, d = int(m.group(3)), int(m.group(4))
        if 1 <= mo <= 12 and 1 <= d <= 31:
            hits.append((m.start(), m.end(), "DATE", 0.95))
    listed_end, listed_sep = -1, ""  # the end of the last numeric date, for lists ("12/27, 1/2 AND 1/5")
    for m in _DATE_NUM.finditer(text):
        a, sep, b, y = int(m.group(1)), m.group(2), int(m.group(3)), m.group(4)
        month_day = (1 <= a <= 12 and 1 <= b <= 31) or (1 <= b <= 12 and 1 <= a <= 31)
        if not month_day:
            continue
        if y is None and sep == listed_sep and 1 <= a <= 12 and _LIST_GAP.fullmatch(text, listed_end, m.start()):
            score = 0.7
        elif y is None:
            prev = _prev_words(text, m.start(), 2)
            nxt = _next_word(text, m.end())
            ctx = _date_context(prev) or _TIME_AFTER.match(text, m.end()) is not None or (
                nxt in _DAY_PART_AFTER and 1 <= a <= 12 and (b > 12 or nxt not in ("AM", "PM"))) or (
                # "TO CATH LAB 3-14 AM", "AS 3/10 MEETING" (not "PAIN 4/10 PM", "SLEPT 2-4 AM")
                len(prev) == 2 and prev[0] in _BOOKED and prev[1] in ("FOR", "ON")) or (
                prev[-1:] == ["NOTE"] and sep == "/") or (  # "NURSING NOTE 3/5" (but the shift of "NOTE 7-3")
                prev[-1:] == ["GIVEN"] and sep == "/" and 1 <= a <= 12 and not _score_shape(a, sep, b)) or (
                sep != "." and any(w in _MEET_WORDS for w in _prev_words(text, m.start(), 4))) or (
                sep == "/" and _SHIFT_BEFORE.search(text, max(0, m.start() - 16), m.start()) is not None)
            if sep == "/" and (
                    _vent_ratio(text, m.start(), a, b)
                    or (a == b == 2 and nxt and nxt not in _AFTER_DATE)):
                continue  # "SBT 30 MIN ON 5/5": pressure support over PEEP; "SAH 2/2 ACOM ANEURYSM": secondary to
            # alone in parentheses after an event: "TV RING (5/3)", "BARIUM SWALLOW POD 7 (10/29)"
            paren = text[m.start() - 1:m.start()] == "(" and text[m.end():m.end() + 1] == ")" and sep != "." \
                and 1 <= a <= 12 and not _score_shape(a, sep, b) \
                and not (prev and prev[-1] in _NOT_DATE_BEFORE and not re.search(r"\d", text[max(0, m.start() - 8):m.start()]))
            if paren:
                hits.append((m.start(), m.end(), "DATE", 0.7))
                continue
            if sep == ".":
                # 7.35 is a number; "ADMITTED 12.24" is a date
                if not (ctx and 1 <= a <= 12 and 1 <= b <= 31 and len(m.group(3)) == 2):
                    continue
            elif not (prev and prev[-1] in _WEEKDAYS and sep == "/" and 1 <= a <= 12 and 1 <= b <= 31) and not (
                    # a day over 12 after its month is no score or setting: "HOME ON 7/14 ON A FLIGHT", "NPN DAYS 8/28"
                    sep == "/" and 1 <= a <= 12 and 13 <= b <= 31 and (ctx or prev[-1:] == ["DAYS"])) and (
                    nxt in _NOT_DATE_AFTER or (prev and prev[-1] in _NOT_DATE_BEFORE and not (
                        sep == "/" and prev[-1] in _LIMBS | _DOSE_WORDS and 1 <= a <= 12 and b >= 13) and not (
                        len(prev) == 2 and prev[0] in ("LAST", "NEXT") and sep == "/" and (
                            not _score_shape(a, sep, b) or prev[1] in _DOSE_WORDS)))):
                continue  # but "LAST DOSE 11/4", and a day after its weekday: "LAST TUES 5/4 IN HER DRIVEWAY"
            if sep == "-" and not (1 <= a <= 12 and 1 <= b <= 31):
                continue
            padded = m.group(1).startswith("0") or m.group(3).startswith("0")  # "05/10" is written as a date
            if sep == "/" and b == 10 and a <= 10 and not padded and (
                    _PAIN_NEAR.intersection(_prev_words(text, m.start(), 6))
                    or re.search(r"(?<![\d/])\d{1,2}/10\b", text[max(0, m.start() - 30):m.start()])):
                continue  # a pain score even after a date word: "CP 2/10, DOWN FROM 8/10", "4/10 FROM 9/10"
            if sep == "/" and b == 4 and a <= 4 and not padded and any(
                    w in ("TOF", "TRAIN", "TWITCHES") for w in _prev_words(text, m.start(), 4)):
                continue  # "TRAIN OF 4: 2/4", "TOF 1/4"
            if not ctx and (_not_date_ratio(text, m.start(), a, sep, b, prev, nxt) or (not padded and (
                    (_score_shape(a, sep, b) and not (
                        sep == "/" and prev == ["LAST", "DOSE"] and 1 <= a <= 12 and 1 <= b <= 31))  # "(LAST DOSE 3/4)"
                    or (len(prev) == 2 and prev[0] in _NOT_DATE_BEFORE
                        and not (prev[0] in _DOSE_WORDS | _LIMBS and 1 <= a <= 12 and b >= 13))
                    or (prev and prev[-1] == "DAY" and a < b)))):
                continue
            if sep == "-" and not padded and a < b <= 20 and nxt and nxt not in _AFTER_DATE \
                    and not (ctx and nxt in _DAY_PART_AFTER):
                continue  # "UNTIL 3-4 BMS", "R 3-8": a range before a noun
            score = 0.75 if ctx or sep == "/" else 0.6
        else:
            score = 0.95
        hits.append((m.start(), m.end(), "DATE", score))
        listed_end, listed_sep = m.end(), sep
    for m in _YEAR_RANGE.finditer(text):
        y1, y2 = int(m.group(1)), int(m.group(2))
        clocks = all(int(v[2:]) < 60 and int(v) <= 2359 for v in m.group(1, 2))
        prev = _prev_words(text, m.start(), 1)
        # two clock readings 1-8 minutes apart are no shift or time range: "JORDAN 2013-2016"
        if y1 < y2 <= y1 + 90 and (not clocks or (prev and prev[-1] in _YEAR_CONTEXT) or y2 - y1 <= 8) \
                and _next_word(text, m.end()) not in _UNITS and not (prev and prev[-1] in _CLOCK_BEFORE):
            hits.append((m.start(1), m.end(1), "DATE", 0.7))  # "SERVED 1958-1978", "(ARMY, 1966-1968)"
            hits.append((m.start(2), m.end(2), "DATE", 0.7))
    for m in _YEAR_RANGE_SHORT.finditer(text):
        first_year, last_yy = m.group(1), int(m.group(2))
        clock = int(first_year[2:]) < 60 and int(first_year) <= 2359 and last_yy < 60  # "1930-45": minutes
        if int(first_year[2:]) < last_yy <= int(first_year[2:]) + 40 and (
                not clock or _YEAR_SPAN_CUE.intersection(_prev_words(text, m.start(), 4))):
            # "(NAVY, USS SARATOGA 1979-83)", "Germany 1958-61", "(Army, 101st Abn 2003-04, 2005-06)"
            hits.append((m.start(1), m.end(1), "DATE", 0.6))
            hits.append((m.start(2), m.end(2), "DATE", 0.6))
    for m in _YEAR_ALONE.finditer(text):
        prev = _prev_words(text, m.start(), 2)
        nxt = _next_word(text, m.end())
        if nxt in _UNITS:
            continue
        val = m.group()
        if val.isdigit() and int(val[2:]) < 60 and int(val) <= 2359 and (
                (prev and prev[-1] in _CLOCK_BEFORE) or text[max(0, m.start() - 2):m.start()].strip() in ("@", "~")
                or nxt in ("HRS", "HOURS", "H", "PM", "AM")):
            continue  # "STAYED UNTIL 2000", "@ 1900": a time of day
        if val.isdigit() and int(val[2:]) < 60 and int(val) <= 2359 and len(prev) == 2 and prev[-1] == "SINCE" \
                and prev[0] in _STATE_SINCE:
            continue  # "LEVO OFF SINCE 2000", "NPO SINCE 2000": since a time tonight
        seg = text[max(0, m.start() - 2):m.start()]
        if val.isdigit() and seg.endswith("(") and text[m.end():m.end() + 1] in ("),") and 1950 <= int(val) <= 2029 \
                and not (prev and prev[-1] in _CLOCK_BEFORE):
            hits.append((m.start(), m.end(), "DATE", 0.65))  # "ENDOCARDITIS (2004)"
            continue
        if _ARRIVAL_BEFORE.search(text, max(0, m.start() - 40), m.start()) or _moved_to_place(text, m.start()):
            hits.append((m.start(), m.end(), "DATE", 0.65))  # "CAME TO U.S. 2003", "LAID OFF 2009"
            continue
        if (prev and prev[-1] in _YEAR_EVENTS) or (len(prev) == 2 and prev[0] in _YEAR_EVENTS - _YEAR_IMAGING
                                                  and _YEAR_EVENT_TAIL.fullmatch(prev[1])) or (prev and prev[-1] in _YEAR_CONTEXT) or (len(prev) == 2 and prev[0] in _YEAR_CONTEXT) or "'" in seg \
                or m.group().lower().endswith("s"):
            hits.append((m.start(), m.end(), "DATE", 0.7))
        elif val.isdigit() and not (int(val[2:]) < 60 and int(val) <= 2359) and _not_a_quantity(text, m, nxt):
            hits.append((m.start(), m.end(), "DATE", 0.6))  # "DIED 1998", "LAST SEEN 1987": no clock reads 1987
        elif val.isdigit() and len(prev) == 2 and prev[0] in _YEAR_EVENTS - _YEAR_IMAGING \
                and re.match(r"[.,;)](?!\d)", text[m.end():m.end() + 2]) is not None:
            hits.append((m.start(), m.end(), "DATE", 0.6))  # "S/P CABG '97, AVR (TISSUE) 2006."
        elif val.isdigit() and _not_a_quantity(text, m, nxt) and nxt and nxt in _AFTER_YEAR:
            hits.append((m.start(), m.end(), "DATE", 0.6))  # "DECLINED THERE 2011.", "MOVED TO DEDEDO 2009."
    for m in _APOS_YEAR.finditer(text):
        hits.append((m.start(), m.end(), "DATE", 0.6))
    for m in _ORIENTED_YEAR.finditer(text):
        hits.append((m.start(1), m.end(1), "DATE", 0.7))  # orientation: "THINKS IT IS 1952", "(thinks its 2010)"
    return hits


# the year a confused patient gives when asked: "THINKS IT IS 1952", "thought it was 1955", "states year as 1987"
_ORIENTED_YEAR = re.compile(
    r"\b(?:think|thinks|thought|believes|believed|states|stated|says|said|answers|answered|guesses|guessed|reports|"
    r"reported|insists|insisted)[ \t]{1,2}(?:that[ \t]{1,2})?(?:it[ \t]{1,2}is|it[ \t]{1,2}was|it['’]?s|"
    r"it[ \t]{1,2}to[ \t]{1,2}be|(?:the[ \t]{1,2})?(?:year|yr)[ \t]{1,2}(?:is|was|as|to[ \t]{1,2}be))[ \t]{1,2}"
    r"(?:still[ \t]{1,2})?((?:18|19|20)\d\d)(?![\w/%:]|\.\d|[ \t]{1,2}(?:hrs?|hours|h|am|pm|a\.m|p\.m|o['’]?clock|at[ \t]night"
    r"|in[ \t]the[ \t](?:morning|evening|afternoon))\b)", _F)


# between dates of a list: "12/27, 1/2, AND 1/5"
_LIST_GAP = re.compile(r"[ \t]{0,2}(?:[,;&][ \t]{0,2}(?:and[ \t]{1,2}|&[ \t]{0,2})?|and[ \t]{1,2}|or[ \t]{1,2})", _F)
# words before a span of years that may also read as clock times ("101st Abn 2003-04", "served 2000-05")
_YEAR_SPAN_CUE = frozenset("SERVED ARMY NAVY USMC USAF USCG MARINES MARINE VET VETERAN USS DEPLOYED DEPLOYMENT WORKED "
                           "LIVED MARRIED FROM BETWEEN DURING ABN DIV CAVALRY BDE BN TOUR TOURS STATIONED ENLISTED "
                           "RESIDED EMPLOYED".split())
_YEAR_RANGE_SHORT = re.compile(r"(?<![\w./\-:$#])(19\d\d|20[0-2]\d)[\-–](\d\d)(?![\w/%:]|\.\d|-\d)")
_YEAR_RANGE = re.compile(r"(?<![\w./\-:$#])((?:19|20)\d\d)[ \t]?[\-–][ \t]?((?:19|20)\d\d)(?![\w/%:]|\.\d|-\d)")
# "CABG X4 2001", "ICD PLACED 2008": a count or a participle between a procedure and its year;
# studies that may be done at 2030 tonight ("CT DONE 2030") are left out
_YEAR_IMAGING = frozenset("CT MRI PET ECHO CATH EGD COLONOSCOPY BX BIOPSY LAST SINCE HD".split())
_YEAR_EVENT_TAIL = re.compile(r"X\d|PLACED|IMPLANTED|DONE|REPAIRED|REVISED|DX'D|DIAGNOSED")


# arrival in the country and leaving a job, right before a year
_ARRIVAL_BEFORE = re.compile(r"\b(?:(?:came|moved|immigrated|emigrated|arrived|fled|relocated)[ \t]{1,2}(?:to|in)[ \t]{1,2}"
                             r"(?:the[ \t]{1,2})?(?:us|u\.s\.?|usa|u\.s\.a\.?|america|states|united[ \t]states|"
                             r"this[ \t]country)|laid[ \t]off|immigrated|emigrated)[ \t,]{0,2}(?:in[ \t]{1,2})?$", re.IGNORECASE)
_AFTER_YEAR = frozenset("AND BUT WHEN WHERE AFTER BEFORE PER".split())
# a move to a named place right before a year: "RESETTLED TO PATERSON 2016", "arrived Chicago 2017",
# "FROM DADAAB, KENYA 2007" (not "ARRIVED ON UNIT 2015", "ARRIVED FROM OR 2010": a time)
_RESETTLED_BEFORE = re.compile(
    r"\b(?:came|moved|immigrated|emigrated|arrived|fled|relocated|resettled|resettling|settled)"
    r"(?:[ \t]{1,2}(?:to|in|from))?((?:[ \t]{1,2}(?-i:[A-Z][A-Za-z'\-]+),?){1,3})[ \t,]{0,2}(?:in[ \t]{1,2})?$",
    re.IGNORECASE)
_NOT_PLACE_WORDS = frozenset("ON AT TO BY THE A AN HIS HER UNIT FLOOR ICU MICU SICU CCU CSRU PACU OR ED ER EW CT MRI IR "
                             "HERE HOME BEDSIDE ROOM RM BED CATH LAB FAMILY PT PATIENT WIFE HUSBAND SON DAUGHTER DTR "
                             "TEAM RN MD DR AND WITH W VIA SAFELY STABLE AWAKE INTUBATED TODAY TONIGHT APPROX ABOUT "
                             "AROUND UNTIL".split())


def _moved_to_place(text: str, start: int) -> bool:
    """Whether a move to a named place ends right before ``start`` ("RESETTLED TO PATERSON 2016")."""
    m = _RESETTLED_BEFORE.search(text, max(0, start - 48), start)
    return m is not None and not any(w.upper().strip(",") in _NOT_PLACE_WORDS or w.upper().strip(",") in _CLOCK_BEFORE
                                     for w in m.group(1).split())


def _not_a_quantity(text: str, m: re.Match[str], nxt: str) -> bool:
    """Whether a bare four-digit number is no volume, count or reading (``I/O 2000/1500``, ``2000 CC``)."""
    before = text[max(0, m.start() - 3):m.start()]
    after = text[m.end():m.end() + 2]
    return not any(c in before for c in "/+-=:x#") and not after.startswith(("/", "-", ":", "%")) \
        and not re.match(r"\.\d", after) \
        and nxt not in _UNITS and nxt not in ("CC", "ML", "KCAL", "CALORIES", "STEPS", "UNITS")


# ages over 89: "92 YO", "92-year-old", "AGE 95", "93 Y/O F", "aged 101"
_AGE_UNIT = re.compile(
    r"\b(9\d|1[0-4]\d)(?:[ \t\-]{0,2})(?=(?:yo|y/o|y\.o\.|yr|yrs|year|years|yom|yof|yow|yoM|y)\b)", _F)
_AGE_WORD = re.compile(r"\b(?:age|aged|age:|ages|turn|turned|turns|turning)(?:[ \t]{1,2}(?:is|was|now))?[ \t:]{0,3}"
                       r"(9\d|1[0-4]\d)\b", _F)
_AGE_SEX = re.compile(r"\b(9\d|1[0-4]\d)[ \t]?(?:m|f|male|female|man|woman|gentleman|lady)\b", _F)
_AGE_WORDS = re.compile(r"\b(?:ninety|one hundred)(?:[\- ](?:one|two|three|four|five|six|seven|eight|nine))?"
                        r"(?=[\- ](?:years?|yrs?|yo|y/o)[\- ]old\b|[\- ]year[\- ]old\b|[ \t](?:yo|y/o|y\.o\.)\b)", _F)
# an age in parentheses or after a comma next to a relative: "wife Fumiko (93)", "MOTHER, 96, LIVES WITH"
# "HER 98TH BIRTHDAY", "101st bday": an ordinal birthday
_AGE_HALF = re.compile(r"\b(9\d|1[0-4]\d)[ \t]{1,2}and[ \t]{1,2}a[ \t]{1,2}half\b(?![ \t]{0,2}(?:%|percent|mg|ml|cc|hours|hrs|min))", _F)
_AGE_BIRTHDAY = re.compile(r"\b(9\d|1[0-4]\d)(?:st|nd|rd|th)[ \t]{1,2}(?:birthday|bday|b-day)\b", _F)
# "HIS MOTHER LIVED TO 102", "I'VE HAD 91 GOOD YEARS"
_AGE_LIVED = re.compile(r"\b(?:lived[ \t]{1,2}to(?:[ \t]{1,2}be)?|made[ \t]{1,2}it[ \t]{1,2}to|had[ \t]{1,2})[ \t]{0,2}(9\d|1[0-4]\d)"
                        r"(?=[ \t]{0,2}(?:,|;|\.(?!\d)|$|and\b|in\b|good\b|years?\b|yrs?\b))", _F | re.MULTILINE)
# "SHE'S 93,", "I'M 92": an age right after a contracted IS/AM
_AGE_CONTRACTED = re.compile(r"\b(?:she|he|i)['’](?:s|m)[ \t]{1,2}(9\d|1[0-4]\d)(?=[ \t]{0,2}(?:,|;|\.(?!\d)|!|$|and\b|"
                             r"now\b|years?\b|yrs?\b))", _F | re.MULTILINE)
_AGE_BARE = re.compile(r"(?:\(|,[ \t]{0,2}|\balso[ \t]{1,2})(9\d|1[0-4]\d)(?:\)|,)", _F)  # "wife Marion also 90, HOH"
# an age spelled out after a word that states it or in quotes: "she is "ninety-six and stubborn"", "not bad for
# ninety-one", "make it to a hundred and two", "wants to reach 100 on his birthday"
_NUM_WORD = r"(?:one|two|three|four|five|six|seven|eight|nine)"
_AGE_SPELLED = re.compile(r"(?:\b(?:is|am|be|for|turn|turned|turning|turns|reach|reached|make|made|hit|see|age[ \t]of|age:?|"
                          r"(?<=['’])[ms])[ \t]{1,2}[\"“]?|[\"“']|,[ \t]{1,2}(?=[a-z \-]{6,30},))"
                          r"((?:ninety(?:[\- ]" + _NUM_WORD + r")?|(?:a|one)[ \t]hundred(?:[ \t](?:and[ \t])?(?:" + _NUM_WORD
                          + r"|ten|eleven|twelve))?))\b(?![ \t\-]{0,2}(?:%|percent|mg|mcg|ml|cc|units?|over|/|beats|bpm|degrees|(?:years?|yrs?)(?![ \t\-]{1,2}old)|"
                          r"pounds|lbs?|kg|minutes|mins?|hours|hrs?|seconds|secs?|days|times|miles|feet|ft|dollars|cents|"
                          r"thousand|million|mmhg|liters?|meters|yards|points?))", _F)
# "wants to reach 100 on his birthday", "asked whether she'll "make 100 in November"": a round age to live to
_AGE_REACH = re.compile(r"\b(?:reach|make|made|hit|see|turn|will[ \t]{1,2}be|(?<=['’])ll[ \t]{1,2}be)[ \t]{1,2}(9\d|1[0-4]\d)(?=[ \t]{1,2}(?:on|in|next|this|by|before)\b"
                        r"|[ \t]{0,2}(?:[,;!?\"”]|\.(?!\d)|$))", _F | re.MULTILINE)
# an age in parentheses after a date of birth: "DOB 04/09/1911 (93)"
_AGE_AFTER_DOB = re.compile(r"\b(?:dob|d\.o\.b\.?|born|b\.)[ \t:]{0,3}[0-9A-Za-z,/.\- ]{4,20}?(?:1[89]\d\d|20\d\d)[ \t]{0,2}"
                            r"\((9\d|1[0-4]\d)\)", _F)
# "PT IS 92, VERY HOH", "mother is 96 and lives alone": a bare age after a person and IS
_AGE_IS = re.compile(r"\b(?:pt|patient|she|he|i|who|mother|mom|father|dad|wife|husband|sister|brother|aunt|uncle|"
                     r"grandmother|grandfather|friend|neighbor)(?:'s)?[ \t]{1,2}(?:is|was|am|will[ \t]be)[ \t]{1,2}[\"“]?"
                     r"(?:now[ \t]{1,2}|only[ \t]{1,2}|almost[ \t]{1,2}|nearly[ \t]{1,2})?(9\d|1[0-4]\d)(?=[ \t]{0,2}(?:,|;|\.(?!\d)|$|and\b|but\b|w/|with\b|in\b|next\b|this\b))",
                     _F | re.MULTILINE)
# "Pt 97, admitted 2/17": a bare age after the patient, before what the note says of them
_AGE_PT_COMMA = re.compile(r"\b(?:pt|patient)[ \t]{1,2}(9\d|1[0-4]\d),[ \t]{0,2}(?=(?:admitted|adm|w/|with|from|s/p|who|"
                           r"lives|living|widow|widowed|female|male|f|m|man|woman|dnr|dnr/dni|full[ \t]code|cmo|"
                           r"resident|now|presented|presenting|prognosis)\b)", _F)
# "88 YO M, NOT 98 AS LISTED": the age a record had wrong; "pt at 92 has end stage CHF", "that at 93 she may not"
_AGE_NOT_AS = re.compile(r"\bnot[ \t]{1,2}(9\d|1[0-4]\d)[ \t]{1,2}as\b", _F)
_AGE_AT = re.compile(r"\b(?:pt|patient|that|she|he)[ \t]{1,2}at[ \t]{1,2}(9\d|1[0-4]\d)"
                     r"(?=[ \t]{1,2}(?:she|he|has|is|was|may|might|will|would|could|and)\b|,)", _F)
# "IN HER LATE 90S", "in his 90s", "into her 100s": a decade of life over 89 (the decade, as "90s")
_AGE_DECADE = re.compile(r"\b(?:in|into|well[ \t]into)[ \t]{1,2}(?:his|her|their)[ \t]{1,2}(?:(?:late|mid|early)[ \t\-]{1,2})?"
                         r"((?:9|1[0-4])0['’]?s)\b", _F)
_KIN = frozenset("WIFE HUSBAND SPOUSE MOTHER MOM FATHER DAD SISTER BROTHER AUNT UNCLE GRANDMOTHER GRANDFATHER "
                 "GRANDMA GRANDPA FRIEND NEIGHBOR PARTNER WIDOW WIDOWER ESPOSA ESPOSO MADRE PADRE".split())


def find_ages(text: str) -> list[Hit]:
    """Ages over 89 (Safe Harbor): the number only, so ``92 YO`` becomes ``90+ YO``."""
    hits: list[Hit] = []
    for rx, score in ((_AGE_UNIT, 0.9), (_AGE_WORD, 0.9), (_AGE_SEX, 0.6), (_AGE_IS, 0.7), (_AGE_BIRTHDAY, 0.8),
                      (_AGE_CONTRACTED, 0.7), (_AGE_LIVED, 0.7), (_AGE_HALF, 0.65), (_AGE_PT_COMMA, 0.65),
                      (_AGE_NOT_AS, 0.6), (_AGE_AT, 0.6), (_AGE_DECADE, 0.7), (_AGE_SPELLED, 0.7),
                      (_AGE_REACH, 0.65), (_AGE_AFTER_DOB, 0.7)):
        for m in rx.finditer(text):
            if rx is _AGE_SEX and _prev_words(text, m.start(), 1)[-1:] in (["BP"], ["HR"], ["SAT"], ["O2"]):
                continue
            hits.append((m.start(1), m.end(1), "AGE", score))
    for m in _AGE_WORDS.finditer(text):
        hits.append((m.start(), m.end(), "AGE", 0.8))
    for m in _AGE_BARE.finditer(text):
        if _KIN.intersection(_prev_words(text, m.start(), 3)):
            hits.append((m.start(1), m.end(1), "AGE", 0.7))
    return hits


_EMAIL = re.compile(r"\b[\w.+\-]{1,64}@[A-Za-z0-9\-]{1,63}(?:\.[A-Za-z0-9\-]{1,63}){1,6}\b")
_URL = re.compile(r"\b(?:https?://|ftp://|www\.)[^\s<>\"']{2,300}|\b[a-z0-9\-]{2,63}\.(?:com|org|net|edu|gov|io|info|"
                  r"biz|us|uk|ca|de|fr|health|med)(?:/[^\s<>\"']{0,200})?\b", _F)
# top-level domains that are words or abbreviations of clinical prose as well
_WORD_TLDS = frozenset("net us med health info ca de fr uk".split())
_IPV4 = re.compile(r"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)(?!\d|\.\d)")
_IPV6 = re.compile(r"\b(?:[0-9a-f]{1,4}:){2,7}[0-9a-f]{1,4}\b", _F)
_SSN = re.compile(r"(?<![\d\-])\d{3}[- ]\d{2}[- ]\d{4}(?![\d\-])")
_PHONE = re.compile(
    r"(?<![\w\-/.])(?:\+?1[ .\-]?)?(?:\(\d{3}\)[ .\-]?|\d{3}[ .\-]|[2-9]\d\d/(?=[2-9]\d\d-))\d{3}(?:[ .\-]| -|- )\d{4}(?:[ \t]{0,2}(?:x|ext\.?|#)[ \t]{0,2}\d{1,6})?(?![\w\-/])",
    _F)
_PHONE7 = re.compile(r"(?<![\w\-/.])\d{3}-\d{4}(?![\w\-/])")
_PHONE_CTX = re.compile(
    r"(?:\b(?:pager|pgr|beeper|bpr|beep|pg|page|paged|ext|extension|phone|ph|tel|telephone|cell|mobile|fax|contact|"
    r"call|callback|number|no)|(?<![\w#])#)[ \t.:#(]{0,4}(\d{4,6}|\d{1,3}-\d{4})\b|"
    r"\b(?:pager|pgr|beeper|beep|ext|extension)[ \t.:#]{0,4}(\d{3})\b(?![ \t]{0,2}(?:mg|ml|cc|mcg|units|%))|"
    r"\b(?:paged|page)[ \t]{1,2}at[ \t]{1,2}(\d-\d{4})\b", _F)
# "CALLED @ 3317": the paging words themselves are covered by _PAGE_NEAR below
_PAGED_AT = re.compile(r"\bcalled[ \t]{0,2}@[ \t]{0,2}(\d{4})\b", _F)
# a pager number a few words after paging: "PAGED X2 (4-1190)", "PAGE NIGHT FLOAT @ 3-7042", "PAGED TO 3317",
# "(BPR 2219)"; the number follows @, TO, AT, #, a colon or a parenthesis
_PAGE_NEAR = re.compile(r"\b(?:paged|page|pager|pgr|beeper|bpr|beep)\b[^.;\n]{0,28}?(?:@|\bto\b|\bat\b|#|:|\(|\bbpr\b|"
                        r"\bpager\b|\bbeeper\b)[ \t]{0,2}(\d-\d{4}|\d{4,5})(?![\w\-/:]|\.\d|[ \t]{0,2}(?:mg|ml|cc|mcg|units|"
                        r"u\b|%|hrs?\b|h\b|am\b|pm\b))", _F)
# a pager's extension a few words after a pager word, as a digit, a dash and four digits: "pgr for fellow 3-4417",
# "pgr RT 4-1189"
_PAGER_EXT = re.compile(r"\b(?:pager|pgr|beeper|bpr)\b[^.;\n\d]{0,20}?[ \t](\d-\d{4})(?![\w\-/:]|\.\d)", _F)
# a pager after a lone p: "fellow Dr. Tran (p 3-4410)", "EP notified (Dr. Pradhan, p 3-6621)"
_P_PAGER = re.compile(r"(?<![\w/\-.])p\.?[ \t]?(\d-\d{4})(?![\w\-/]|\.\d)", _F)
# extensions written with an x: "x3-6120", "X4471", "x 52210"
_EXTENSION = re.compile(r"(?<![\w\-/.])[xX][ \t]?(\d-\d{4}|\d{4,5})(?![\w\-/])")
_PHONE_FIELD = re.compile(
    r"\b(?:phone|ph|tel|telephone|mobile|cell|fax|pager|beeper|desk|office|home|work|contact|call me (?:on|at)|"
    r"reach me (?:on|at)|number)[ \t]{0,2}(?:#|no\.?|number)?[ \t]{0,2}[:#]?[ \t]{0,3}"
    r"(\+?\(?\d[\d ().\-]{5,18}\d)(?![\d/])", _F)
_PHONE_LOOSE = re.compile(r"(?:(?<![\w#])#|\b(?:at|ph|phone|number|cell|call|tel|home|work|@))[ \t:.#]{0,3}"
                          r"(\(?[2-9]\d\d\)?[ \t\-/.]{0,3}\d{3}[ \t\-/.]{0,3}\d(?:[ \t\-]{0,2}\d){3})(?![\d/\-])", _F)
_INTL_PHONE = re.compile(r"(?<![\w])(?:\+|011[ .\-])\d{1,3}[ .\-]?\(?\d{1,4}\)?[ .\-]?\d{2,4}[ .\-]?\d{2,4}[ .\-]?\d{0,4}\b")


def find_contacts(text: str) -> list[Hit]:
    """Phone, fax and pager numbers, e-mail, URLs, IP addresses and SSNs."""
    hits: list[Hit] = []
    for m in _EMAIL.finditer(text):
        hits.append((m.start(), m.end(), "EMAIL", 0.95))
    for m in _URL.finditer(text):
        s, e = m.start(), m.end()
        while e > s and text[e - 1] in ".,;:)]}":
            e -= 1
        if "@" in text[max(0, s - 1):s]:
            continue
        label, _, tld = text[s:e].rpartition(".")
        if "/" not in text[s:e] and "." not in label and tld.lower() in _WORD_TLDS \
                and get_lexicons().zipf(label.upper()) >= 3.5:
            continue  # "diuresis goes well.net neg 1.8l", "told us.med rec done": two words without a space
        hits.append((s, e, "URL", 0.85))
    for m in _IPV4.finditer(text):
        hits.append((m.start(), m.end(), "IP_ADDRESS", 0.9))
    for m in _IPV6.finditer(text):
        if m.group().count(":") >= 3:
            hits.append((m.start(), m.end(), "IP_ADDRESS", 0.8))
    for m in _SSN.finditer(text):
        hits.append((m.start(), m.end(), "SSN", 0.85))
    for m in _PHONE.finditer(text):
        hits.append((m.start(), m.end(), "PHONE", 0.85))
    for m in _INTL_PHONE.finditer(text):
        if sum(c.isdigit() for c in m.group()) >= 8:
            hits.append((m.start(), m.end(), "PHONE", 0.7))
    for m in _PHONE7.finditer(text):
        prev = _prev_words(text, m.start(), 1)
        if prev and prev[-1] in ("BP", "HR", "RR", "I/O", "IO", "UO", "SBP", "NBP", "ABP", "TOTAL", "RANGE"):
            continue
        hits.append((m.start(), m.end(), "PHONE", 0.6))
    for m in _PHONE_FIELD.finditer(text):
        val = m.group(1)
        if sum(c.isdigit() for c in val) >= 7:
            hits.append((m.start(1), m.end(1), "PHONE", 0.75))
    # a ten-digit number typed with stray spaces or slashes after a calling word: "AT 781 5550932", "#508/555/0129",
    # "REACHABLE AT 617 555-01 08"
    for m in _PHONE_LOOSE.finditer(text):
        digits = sum(c.isdigit() for c in m.group(1))
        if digits == 10 or (digits == 11 and m.group(1).startswith("1")):
            hits.append((m.start(1), m.end(1), "PHONE", 0.65))
    for m in _PHONE_CTX.finditer(text):
        g = next(k for k in (1, 2, 3) if m.group(k))
        hits.append((m.start(g), m.end(g), "PHONE", 0.7))
    for m in (*_PAGED_AT.finditer(text), *_PAGE_NEAR.finditer(text), *_PAGER_EXT.finditer(text),
              *_P_PAGER.finditer(text)):
        v = m.group(1)
        if "-" in v or len(v) == 5 or not (int(v[:2]) <= 23 and int(v[2:]) <= 59):
            hits.append((m.start(1), m.end(1), "PHONE", 0.65))  # "PAGED @ 3317" (no clock reads 33:17), "@ 3-7042"
    for m in _EXTENSION.finditer(text):
        prev = _prev_words(text, m.start(), 1)
        if not (prev and prev[-1] in ("TOTAL", "INCREASE", "DECREASE")):
            hits.append((m.start(), m.end(), "PHONE", 0.65))
    return hits


# identifiers found by context: MRN, account, encounter, plan, licence, device serial, ...
_ID_CTX = re.compile(
    r"\b(?:mrn|mr#|mr no|med(?:ical)? rec(?:ord)?(?: number| no| #)?|unit no|unit number|acct|account|a/c|encounter|"
    r"enc|visit|fin|csn|har|admission|claim|plan|member|subscriber|policy|group|insurance|medicare|medicaid|"
    r"beneficiary|hicn|mbi|license|licence|lic|dl|dea|npi|upin|certificate|cert|serial|s/n|sn|device|lot|"
    r"model|pacemaker|icd|implant|badge|employee|vin|plate|passport|ssn|social security|id|identifier|"
    r"record|ref|reference|case|specimen|accession|order|pt id|patient id|intake|docket|report|ticket|"
    r"confirmation|referral|file|auth|authorization|prior auth|enrollment|enrolment|tribal id|application|"
    r"inmate|permit|voucher|a#|alien(?: number| no| reg(?:istration)?)?|a-number|uscis|tricare)(?![a-z])"
    r"(?:[ \t]{0,2}\((?-i:[A-Z]{2,8})\))?"  # "MRN (NSRH) NS-116-0453": the issuer in parentheses
    r"(?:[ \t]{0,2}(?:number|num|no\.?|nr|#|id))?[ \t]{0,2}[:#=]?[ \t]{0,3}"
    r"((?:(?-i:[A-Z]{1,4})[ ](?=\d))?\d{1,4}(?:[ ]\d{2,4}){2,3}(?:[ ]\d(?=[.,;)]|$))?(?![\w\-])|"
    # a letter prefix and space-separated digit groups: "WC 09-00413", "C-28 441 906", "TREM 4702 1518"
    r"(?:(?-i:[A-Z]{1,5})[ ](?=\d))?[A-Z0-9][A-Z0-9\-/.]{2,24}[A-Z0-9]"
    r"(?:[ ]\d{3,4}(?![\w\-/])|[ ]\d{2}(?=[.,;)]|$)){0,3})", _F | re.MULTILINE)
# a multi-part code after a bare "#": "CLINIC # 4-118-902", "RAMQ # TREM 4702 1518"
_HASH_CODE = re.compile(r"(?<![\w#])#[ \t]{0,2}((?:(?-i:[A-Z]{1,5})[ \-]?)?\d{1,6}(?:[ \-]\d{2,6}){1,4}"
                        r"(?:-(?-i:[A-Z]{1,3}))?)(?![\w\-/])")
_ID_SHAPE = re.compile(r"(?<![\w\-/.])(?:[A-Z]{1,4}-?)?\d{6,}(?:-?[A-Z0-9]{1,8})?(?![\w\-/])|"
                       r"(?<![\w\-/.])[A-Z]{1,3}\d{4,}[A-Z]{0,3}(?![\w\-/])|"
                       r"(?<![\w\-/.])\d{2,5}-\d{2,7}-\d{2,7}(?![\w\-/])")


# a code of dash-joined parts after "#": "WARRANT (# MC-23-CR-0044718)", "APP # TX-EM-5520391", "#SEC-55812"
_HASH_SEGMENTS = re.compile(r"(?<![\w#])#[ \t]{0,2}((?-i:[A-Z0-9]{1,6})(?:-(?-i:[A-Z0-9]{1,10})){1,4})(?![\w\-/])")
_MASKED_SSN = re.compile(r"[*Xx]{3}-[*Xx]{2}-(\d{4})(?![\w\-])")
# an interpreter's number in parentheses: "VIETNAMESE INTERPRETER (20815)", "interpreter Ana (#4471)"
_INTERPRETER_NUMBER = re.compile(r"\binterp(?:reter)?\b[^()\n.;]{0,30}?\((?:id|#|no\.?)?[ \t]{0,2}#?[ \t]{0,2}(\d{3,7})\)", _F)
# identifier words that are also ordinary nursing words ("PLAN 0600")
_WEAK_ID_WORDS = frozenset("PLAN ORDER CASE VISIT RECORD REF REFERENCE GROUP MODEL DEVICE LOT ID REPORT REFERRAL "
                           "INTAKE FILE TICKET".split())


def find_ids(text: str) -> list[Hit]:
    """Record, account, plan, licence and device numbers (by context or by shape)."""
    hits: list[Hit] = []
    pos = 0
    while (m := _ID_CTX.search(text, pos)) is not None:
        # a rejected value may itself be the next keyword ("insurance policy # TRV-8830-2219-04")
        pos = m.start(1)
        val = m.group(1)
        digits = sum(c.isdigit() for c in val)
        lettered = digits >= 1 and len(val) >= 6 and " " not in val and re.match(
            r"(?i)(?:license|licence|lic|dl|passport|plate|vin)\b", m.group()) is not None  # "LICENSE #WA-DHALIGS512NB"
        if (digits < 3 or digits * 2 < len(val.replace("-", "")) - 2 and digits < 4 or " " in val and (
                digits < 6 or re.search(r"\d\.\d", val))) and not lettered:
            continue
        pos = m.end()
        s1 = m.start(1)
        head = re.match(r"([A-Za-z]{2,5}) (?=\d)", val)
        if head and get_lexicons().is_known_word(head.group(1).upper()) and (
                len(head.group(1)) >= 4 or get_lexicons().zipf(head.group(1).upper()) >= 4.5 or head.group(1).islower()):
            s1 += len(head.group())  # "MRN HERE 00731552", "# IS 781-555-0164": a word, not the number's prefix
            val = val[len(head.group()):]
            if "/" in val:
                continue  # "REPORT FILED 11/5 0930": a date and a time
        up = val.upper()
        # a dose or value with a unit is not an identifier
        if re.fullmatch(r"\d{1,4}(?:\.\d{1,3})?(?:MG|MCG|G|ML|CC|L|MEQ|MMOL|U|UNITS|MM|CM|KG|%)", up):
            continue
        if re.fullmatch(r"(?:[01]\d|2[0-3])[0-5]\d", val) and m.group().split()[0].upper() in _WEAK_ID_WORDS and not (
                text[m.start() - 1:m.start()] == "(" and text[m.end():m.end() + 1] == ")"):
            continue  # "PLAN 0600", "ORDER 1400": a time of day (but an interpreter's "(ID 1142)")
        if "#" not in m.group() and m.group().split()[0].upper() in _WEAK_ID_WORDS and re.fullmatch(
                r"(?:(?:[01]?\d|2[0-3])(?:[0-5]\d)?)-(?:(?:[01]?\d|2[0-3])(?:[0-5]\d)?)", val):
            continue  # "VISIT 1300-1600", "SHIFT REPORT 19-07": hours, not a number
        glued = re.match(r"[\d\-]{3,}\.(?=[A-Za-z]{2})", val)
        e1 = s1 + glued.end() - 1 if glued else m.end(1)  # "mrn 00748213.trop 0.8": the next sentence, glued on
        hits.append((s1, e1, "ID", 0.85))
    for m in _INTERPRETER_NUMBER.finditer(text):
        hits.append((m.start(1), m.end(1), "ID", 0.6))  # "via Vietnamese interpreter (20815)"
    for m in _HASH_CODE.finditer(text):
        s1, val = m.start(1), m.group(1)
        head = re.match(r"([A-Za-z]{2,5}) (?=\d)", val)  # (a dash joins a prefix to its number: "EM-4471-2209")
        if head and get_lexicons().is_known_word(head.group(1).upper()):
            s1, val = s1 + len(head.group()), val[len(head.group()):]
        if sum(c.isdigit() for c in val) >= 6 and not _PHONE.fullmatch(val):
            hits.append((s1, m.end(1), "ID", 0.6))
    for m in _HASH_SEGMENTS.finditer(text):
        parts = m.group(1).split("-")
        if (any(p.isalpha() for p in parts) and sum(c.isdigit() for c in m.group(1)) >= 4) \
                or any(sum(c.isdigit() for c in p) >= 5 for p in parts):
            hits.append((m.start(1), m.end(1), "ID", 0.6))  # "# MC-23-CR-0044718", "visa # H2A-5530918"
    for m in _MASKED_SSN.finditer(text):
        hits.append((m.start(1), m.end(1), "ID", 0.7))  # "SSN on file ***-**-4421": the digits left
    for m in _ID_SHAPE.finditer(text):
        val = m.group()
        up = val.upper()
        if re.fullmatch(r"\d{1,5}(?:MG|MCG|G|ML|CC|L|MEQ|MMOL|U|MM|CM|KG|K)", up):
            continue
        # dates and phones are found by their own recognizers
        if re.fullmatch(r"(?:19|20)\d{6}", val):
            hits.append((m.start(), m.end(), "DATE", 0.6))
            continue
        hits.append((m.start(), m.end(), "ID", 0.6))
    return hits

