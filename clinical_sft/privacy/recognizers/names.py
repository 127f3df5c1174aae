"""Person names: lexicons, titles and credentials, relatives and reporting verbs (deid.pl's lesson).

A word is a name when

* it is a *pure* lexicon name (in the Census/faker name lists and not a common or clinical word);
* it follows a title (``DR.``, ``MRS``), a relative (``WIFE``, ``DAUGHTER``) or a reporting verb
  (``CALLED``, ``PAGED``, ``NAMED``) and is a lexicon name or an unknown word;
* it precedes a credential (``, RN``, ``MD``, ``PA-C``) and is a lexicon name or an unknown word;
* in mixed-case text, it is a capitalised lexicon or unknown word in mid-sentence;
* it sits next to a name found above (first name + surname, initials, ``VAN DER``).

ALL-CAPS, lower-case and mixed-case notes are handled alike (tokens are compared upper-cased).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

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
from clinical_sft.privacy.recognizers.patterns import _WEEKDAYS

__all__ = ["CREDENTIALS", "RELATIVES", "TITLES", "find_names"]

Hit = tuple[int, int, str, float]

# military ranks: a title before a surname ("LTC R. OKONKWO", "SSG MARTINEZ"), read like a police title
_RANKS = frozenset("MAJ LTC CPT COL CDR LCDR CAPT SSG SFC MSG SGM CSM CPL SPC PFC PVT TSGT MSGT SSGT SMSGT CMSGT AMN SRA "
                   "HM1 HM2 HM3 PO1 PO2 PO3 CPO ENS LTJG CWO CW2 CW3 CW4 WO1 1LT 2LT".split())
TITLES = frozenset(
    "DR DRS DOCTOR MR MRS MS MISS MX PROF PROFESSOR REV REVEREND RABBI FR CHAPLAIN PASTOR NURSE "
    "SENOR SENORA SRA HERR FRAU MME MLLE MADAME MONSIEUR SIR DAME DEPUTY SHERIFF IMAM SHEIKH FATHER-IN-CHARGE "
    "SRTA KAHU ABBA ABUNA DEACON BISHOP DET DETECTIVE OFFICER OFC SGT SERGEANT TROOPER INVESTIGATOR "
    "DONA SENOR SENORITA MINISTER".split()) | _RANKS
CREDENTIALS = frozenset(
    "MD RN NP PA PA-C DO PHD RRT CNA LPN BSN MSN DNP CRNA LICSW LCSW LMSW LSW MSW PHARMD RPH FACS FACP FACC DDS DMD "
    "MBBS APRN CNS CNM FNP ANP ACNP AGACNP MPH MBA JD SW CCRN CCP SLP".split())
RELATIVES = frozenset(
    "WIFE HUSBAND SPOUSE SON SONS DAUGHTER DAUGHTERS DTR MOTHER MOM FATHER DAD SISTER SIS BROTHER BRO FRIEND "
    "FRIENDS NIECE NEPHEW AUNT UNCLE COUSIN GRANDSON GRANDDAUGHTER GRANDMOTHER GRANDFATHER GRANDCHILD "
    "GRANDCHILDREN GRANDMA GRANDPA PARTNER FIANCE FIANCEE GIRLFRIEND BOYFRIEND NEIGHBOR NEIGHBOUR GUARDIAN "
    "HCP PROXY STEPSON STEPDAUGHTER STEPMOTHER STEPFATHER DIL SIL BIL MIL FIL CAREGIVER ROOMMATE SIBLING "
    "SIBLINGS CHILDREN CHILD KIDS NEICE SON-IN-LAW DAUGHTER-IN-LAW MOTHER-IN-LAW FATHER-IN-LAW BROTHER-IN-LAW "
    "SISTER-IN-LAW GREAT-GRANDSON GREAT-GRANDDAUGHTER EX-WIFE EX-HUSBAND ESPOSA ESPOSO HIJO HIJA HIJOS HIJAS MADRE "
    "PADRE HERMANO HERMANA NIETO NIETA SOBRINO SOBRINA TIO TIA PRIMO PRIMA DTRS DTR-IN-LAW GRANDSONS GRANDDAUGHTERS "
    "BROTHERS SISTERS NIECES NEPHEWS COUSINS PARENTS GODSON GODDAUGHTER GODMOTHER GODFATHER BOSS COWORKER CO-WORKER SUPERVISOR "
    "LANDLORD HOUSEMATE TUTU TITA TITO HALMONI HALABEOJI BABUSHKA ABUELA ABUELO BUBBE ZAYDE MANONG MANANG KUYA "
    "GRANNY GRANDPARENTS DAU DAUS DAUGHTERS-IN-LAW GRANDDAU GRANDDAUS BUDDY TEAMMATE STEPDAD STEPMOM STEPBROTHER "
    "STEPSISTER HALF-BROTHER HALF-SISTER GRANDNIECE GRANDNEPHEW GODCHILD BF GF GRANDDTR GRANDDTRS GDTR GRDTR "
    "DAUGTHER DAUGHER DAUHGTER DUAGHTER HUSBNAD HUSBAN NEPHW".split())
# relatives in the plural: a list of names follows ("SONS TOU AND PAO", "DTRS JOY AND CHERRY")
_PLURAL_RELATIVES = frozenset("SONS DAUGHTERS DTRS DAUS GRANDSONS GRANDDAUGHTERS GRANDCHILDREN BROTHERS SISTERS NIECES "
                              "NEPHEWS COUSINS PARENTS CHILDREN KIDS SIBLINGS FRIENDS".split())
VERBS = frozenset(
    "CALLED NAMED NAMING PAGED NOTIFIED CONTACTED PAGING INFORMED UPDATED SPOKE TALKED DISCUSSED CONSULTED "
    "D/W VISITED VISITORS VISITOR ATTENDING RESIDENT INTERN FELLOW PCP CARDIOLOGIST SURGEON ONCOLOGIST "
    "NEUROLOGIST NEPHROLOGIST PULMONOLOGIST HOSPITALIST PHYSICIAN DOCTOR NURSE RN CM SW SIGNED DICTATED "
    "COSIGNED REVIEWED COVERING CALL AKA NAME MET PT PATIENT CALLER SINCERELY DEAR RE REGARDS THANKS CC "
    "MGR MANAGER WORKER COORDINATOR INTERPRETER INTERP TRANSLATOR LIAISON CHAPLAIN HIMSELF HERSELF NICKNAME "
    "NICKNAMED GOES PER OFFICER TROOPER DETECTIVE DET SGT ATTY ATTORNEY LAWYER TECH TECHNICIAN AIDE CNA PCA "
    "SITTER BIOMED SECRETARY CLERK ESCORT TRANSPORTER PHARMACIST DIETITIAN NUTRITIONIST PHLEBOTOMIST NP MD MGMT "
    "WORKER CASEWORKER REP RES PERFUSION PERFUSIONIST".split())
# verbs after which the next word is a name only if it is in a name lexicon (never an unknown word)
_WEAK_VERBS = frozenset(
    "UPDATED INFORMED NOTIFIED DISCUSSED SPOKE TALKED REVIEWED MET CALL ATTENDING RESIDENT INTERN FELLOW PCP "
    "CARDIOLOGIST SURGEON ONCOLOGIST NEUROLOGIST NEPHROLOGIST PULMONOLOGIST HOSPITALIST PHYSICIAN DOCTOR NURSE "
    "RN CM SW PT PATIENT VISITED VISITORS VISITOR GOES TECH TECHNICIAN AIDE CNA PCA SITTER BIOMED SECRETARY CLERK "
    "ESCORT TRANSPORTER PHARMACIST DIETITIAN NUTRITIONIST PHLEBOTOMIST NP MD PER RE NAME REP RES".split())
# relatives' abbreviations that are also clinical shorthand ("BIL UE" = bilateral): lexicon names only
_POLICE_TITLES = frozenset("DET DETECTIVE OFFICER OFC SGT SERGEANT TROOPER INVESTIGATOR".split()) | _RANKS
_HONORIFICS = frozenset("MR MRS MS MISS MX".split())
_FUNCTION_WORDS = frozenset("AND OR THE A AN IS WAS WERE ARE HAS HAD OF TO IN ON AT FOR WITH".split())
_WEAK_RELATIVES = frozenset("DIL SIL BIL MIL FIL SIS BRO BF GF".split())
# roles written right before a colleague's name ("CHARGE RN FAITH AWARE", "SW GRACE,", "RT BROWN TRIALED")
_NAMED_ROLES = frozenset("RN RT RRT MD NP HO PA NURSE RES RESIDENT INTERN FELLOW ATTENDING SW CM OT SLP CHAPLAIN "
                         "INTERPRETER INTERP TECH PCA PHN CHR MGR SITTER AIDE PHARMACIST DIETITIAN SPONSOR HHA CNA LNA "
                         "HOMEMAKER ATTENDANT COUNSELOR".split())
# roles written before a colon and a name in sign-offs and hand-offs ("RT: BABATUNDE", "OT: Kaminski")
_COLON_ROLES = frozenset("RT RRT OT SLP PT/OT CM SW RN NP PA MD HO PCP ATTENDING RESIDENT INTERN FELLOW NURSE "
                         "CHAPLAIN INTERPRETER DIETITIAN PHARMACIST PHARMACY NUTRITION CASE PERFUSION PERFUSIONIST "
                         "ANESTHESIA CRNA".split())
# short parts of Hmong, Karen, Burmese and Vietnamese names that are also English words or abbreviations
NAME_PARTS = frozenset("PA HOUA NHIA KOU TOUA CHUE NENG CHONG TOU MAI YER XEE PAO KIA BLIA YOUA KA NOU CHER VANG XIONG "
                       "YANG LOR HER MOUA THAO VUE KHANG KUE HANG CHA LY SAW NAW PAW EH HTOO THAW KU MOO HSER SAY "
                       "WAH NAY HTEE POE MU THU AUNG KYAW ZAW MYINT WIN MAUNG MIN TUN OO THI DOH HTAY SOE LWIN NYEIN "
                       "THEIN HLA KHIN SAN LE VAN HONG WEI LI".split())
_NOT_IN_RUN = frozenset("VIA PER FROM PRESENT HERE ON BY FOR".split())
PARTICLES = frozenset("VAN VON DER DEN DE LA LE LOS LAS DEL DELLA DA DI DOS DAS DU ST SAN SANTA BIN BEN AL EL MC MAC".split())
_STOP = frozenset(
    "A AN THE AND OR OF TO IN ON AT BY FOR WITH FROM AS IS WAS ARE WERE BE BEEN HAS HAD HAVE NOT NO YES "
    "THIS THAT THESE THOSE IT ITS HE SHE HIS HER HIM THEY THEM THEIR WE US OUR YOU YOUR I ME MY BUT SO IF "
    "THEN THAN WHO WHOM WHICH WHAT WHEN WHERE WHY HOW ALL ANY SOME EACH ALSO VERY WILL WOULD CAN COULD "
    "SHOULD MAY MIGHT MUST SHALL DO DOES DID AWARE HERE THERE BACK RE UP DOWN OUT OVER UNDER AGAIN X BORN VIA DOB MRN".split())

# words before a credential that name a role, not a person ("NIGHT RN", "CHARGE RN", "EP NP")
_ROLE_WORDS = frozenset(
    "NIGHT DAY EVENING CHARGE FLOAT PRIMARY STAFF TRAVEL TRAVELER AGENCY TEAM UNIT FLOOR ICU MICU SICU CCU "
    "RESOURCE TRIAGE NURSE ONCOMING OFFGOING RELIEF CASE HOME VNA PACU OR ER ED EP GI ID STEPDOWN STEP-DOWN WOC "
    "WOCN WOUND OSTOMY BURN TRAUMA NEURO CARDIAC SURGICAL MEDICAL PEDS OB IV PICC RAPID RESPONSE TRANSPORT FLIGHT "
    "ECMO CRRT DIALYSIS HD CATH LAB ENDO PREOP POSTOP PRE-OP POST-OP STAFF NURSING SUPERVISOR BEDSIDE NEW "
    "RECEIVING SENDING ADMITTING CHR PHN PCA TECH MGR SITTER AIDE".split())

# verbs that follow a name in notes ("DESHAWN BROUGHT", "TRUC GAVE REPORT"): never part of it
_VERBISH = frozenset(
    "GAVE GIVES BROUGHT BRINGS TOOK TAKES SAID SAYS STATES WANTS WANTED ASKS ASKED ASKING AGREES AGREED CAME "
    "COMES WENT LEFT WILL WAS IS HAS HAD CAN MAY WOULD SHOULD AWARE VISITED CALLED CALLS PAGED FEELS FELT "
    "KNOWS KNEW THINKS THOUGHT SIGNED VERBALIZED VERBALIZES DECLINED DECLINES REFUSED REFUSES DROVE DRIVES STAYED "
    "STAYS HELD DROPPED SPENT UPSET ANXIOUS TEARFUL WORRIED SPEAKS UNDERSTANDS PREFERS LIVES".split())

# irregular past forms that follow a relative as a verb ("NEIGHBOR BROUGHT HER", "PARENTS, GIVEN DIRECTIONS")
_IRREGULAR_PAST = frozenset("BROUGHT GIVEN MADE HELD KEPT LEFT FOUND TOLD SENT SPENT BOUGHT CAUGHT TAUGHT THOUGHT MEANT "
                            "SLEPT BEGAN DRANK RAN STOOD UNDERSTOOD WOKE CHOSE FORGOT GOT WORE ATE FELL RODE DRIVEN "
                            "WRITTEN SPOKEN BROKE STOLE THREW GREW KNEW FLEW SHOWN PAID HEARD LOST FED BLED".split())
_CTX_SKIP = ".,:;(-'\"/"
# a person's name right before an age and sex: "PT TOMASITA SANDOVAL 91F", "RN 0200 MANUELITO, 52M", "Ana Ruiz 67 yo"
_NAME_AGE_SEX = re.compile(r"(?<![\w/\-])((?:[A-Za-z][A-Za-z'\-]+,?[ \t]){0,3}[A-Za-z][A-Za-z'\-]+),?[ \t]{1,2}"
                           r"(?:[1-9]\d?|1[01]\d)[ \t]?(?:YO|Y/O|YOM|YOF|M|F|yo|y/o)\b(?![/\-])")
# a patient written SURNAME, GIVEN before the day of stay: "WASHINGTON, D HD 6", "BUI, DUC ANH POD 5"
_COMMA_NAME_DAY = re.compile(r"(?<![\w/\-])([A-Z][A-Za-z'\-]+(?:[ \t][A-Z][A-Za-z'\-]+)?),[ \t]{1,2}"
                             r"([A-Z][A-Za-z'\-]*(?:[ \t][A-Z][A-Za-z'\-]+){0,2})\.?[ \t]{1,2}(?:\(|(?-i:HD|POD|PBD|PTD)[ \t]?#?\d+(?![\d\-/]))")
# words before a nickname in quotes ("GOES BY "STASH"", "ALIAS "PAT"")
_NICK_CTX = frozenset("BY AS NICKNAME NICKNAMED PREFERS AKA ALIAS CALLED CALLS".split())
# verbs that follow a clinician's name after a role ("CHARGE RN FAITH AWARE", "RT BROWN TRIALED PS")
_ROLE_VERBS = frozenset("AWARE NOTIFIED UPDATED CALLED PAGED TRIALED SAID STATES GAVE TOOK AGREES AGREED VISITED "
                        "SPOKE SUCTIONED WEANED PLACED CHANGED DREW DID DOES FOLLOWING FOLLOWS RECOMMENDS WROTE "
                        "ORDERED SAW EVALUATED EXTUBATED INTUBATED ASSUMED ASSUMING REPORTED VIA ACCOMPANIED "
                        "ASSISTED HELPED & WILL IS WAS HAS FROM AND CONTACTED COVERING MET DISCUSSED ARRANGED "
                        "CHECKED EXPLAINED".split())
# past tenses after a role and a first name that is also a modal verb: "NP WILL SAW PT" (never the verb will)
_PAST_ACTS = frozenset("SAW GAVE TOOK SAID DID DREW WROTE SPOKE MET CAME WENT PLACED CHANGED SUCTIONED WEANED "
                       "EVALUATED EXTUBATED INTUBATED CHECKED EXPLAINED ORDERED".split())
# verbs after which even a very frequent first name is a person ("RT WILL AWARE", "RN HOPE ASSUMED CARE")
_STATE_VERBS = frozenset("AWARE NOTIFIED UPDATED ASSUMED ASSUMING PAGED".split())
# services a named colleague comes from ("JEN FROM SW", "Maria from PT")
_SERVICES = frozenset("SW PT OT CM IR RENAL CARDS CARDIOLOGY NEURO PALLIATIVE PHARMACY NUTRITION SOCIAL CASE ETHICS "
                      "CHAPLAINCY ADMITTING RT RESPIRATORY NSGY NSURG SURGERY ANESTHESIA PSYCH".split())


def _rare_unknown(lex: Lexicons, base: str) -> bool:
    """A rare, unknown, pronounceable word ("TRUC", "NGOZI"): a name after even a weak context."""
    return len(base) >= 3 and base.isalpha() and base not in lex.clinical and base not in _STOP \
        and not lex.is_known_word(base) and lex.zipf(base) < 2.9 and any(c in "AEIOU" for c in base) \
        and not medical_shape(base)


# kin words that are nicknames too ('CALLS HIMSELF "BUDDY"')
_KIN_NICKNAMES = frozenset("BUDDY GRANNY".split())
# papers a proxy signs: "HCP FORM SIGNED", "HCP (FORM ON CHART)", "RE: DISPO"
_PAPER_WORDS = frozenset("FORM FORMS PAPERWORK PAPERS DISPO".split())
_SHIFT_WORDS = frozenset("DAY DAYS NIGHT NIGHTS EVENING EVENINGS NOC".split())
_PAGER_WORDS = frozenset("PGR BPR PAGER BEEPER CALLBACK".split())  # "DR CHAUDHRY PGR 7734", "DR. OKONKWO PHONED, CALLBACK"
_NOT_A_NAME = (_STOP | CREDENTIALS | RELATIVES | TITLES | VERBS | _ROLE_WORDS | _PAPER_WORDS | _PAGER_WORDS) - _KIN_NICKNAMES


# listed first names that read as plurals or verbs after a relative ("DAUGHTER MILES AWAY", "SON TIES HIS SHOES")
_PLURAL_WORDS_AS_NAMES = frozenset("LIES NUMBERS VALVES TIES THERES RARES MANS MADS MACS MILES TOMS MARS ARES FARES "
                                   "AUGUSTS".split())


def _inflected(lex: Lexicons, base: str, suffixes: tuple[str, ...] = ("S", "ES", "ED", "D", "ING")) -> bool:
    """``NEEDS``, ``VISITED``, ``CALLING``: an inflection of a frequent word (a verb, not a name)."""
    for suf in suffixes:
        stem = base[: -len(suf)]
        if base.endswith(suf) and len(stem) >= 3 and lex.zipf(stem) >= 4.0 and lex.klass(stem) != PURE:
            return True
    return False


def _verb_form(lex: Lexicons, up: str) -> bool:
    """``WORKS``, ``BROUGHT``: a frequent verb form after a name, not a surname (``FORD`` is none)."""
    return up in _IRREGULAR_PAST or (lex.zipf(up) >= 4.5 and _inflected(lex, up, ("S", "ES", "ED", "ING")))


def _nameish(lex: Lexicons, tok_up: str, strict: bool = False) -> bool:
    """A word that may be a name once context says so."""
    if tok_up in _NOT_A_NAME:
        return False
    base = tok_up[:-2] if tok_up.endswith(("'S", "’S")) else tok_up
    k = lex.klass(base)
    if k != NOT_NAME:
        return base not in lex.clinical or not strict
    if strict or medical_shape(base):
        return False
    return not lex.is_known_word(base) and base.replace("'", "").replace("-", "").isalpha() and len(base) >= 2


_UNIT_LETTERS = frozenset("G L K M U R H X C F T".split())
_LANGUAGE_NEXT = frozenset("SPEAKING SPEAKER SPEAKERS INTERPRETER INTERPRETERS TRANSLATOR INTERP".split())
_PAUSE_WORDS = frozenset("AT IN AND OR HERE THERE PRESENT VISITED VISITING CALLED IS WAS WHO FOLLOWING ON UPDATED "
                         "NOTIFIED STATES FLEW FLYING ARRIVED ARRIVING".split())


def _name_then_pause(sc: Scan, i: int) -> bool:
    """Whether token ``i`` is followed by punctuation or a word that does not follow a modal verb
    (``WILL AT BEDSIDE`` reads as a name, ``WILL CALL`` as a verb)."""
    toks = sc.tokens
    if i + 1 >= len(toks):
        return True
    nxt = toks[i + 1]
    return (nxt.kind == "p" and nxt.text in ",.;:()&+") or nxt.up in _PAUSE_WORDS


def _strip_possessive(text: str, s: int, e: int) -> int:
    if e - s > 3 and text[e - 2:e].upper() in ("'S", "’S"):
        return e - 2
    return e


def find_names(text: str) -> list[Hit]:
    """Person names in ``text`` as ``(start, end, "NAME", score)``."""
    lex = get_lexicons()
    sc: Scan = scan(text)
    toks = sc.tokens
    flag: dict[int, float] = {}

    for i in sc.words:
        t = toks[i]
        up = t.up
        base = up[:-2] if up.endswith(("'S", "’S")) else up
        k = lex.klass(base)
        nxw = sc.next_word(i, "-")
        if nxw == i + 1 or (nxw == i + 2 and toks[i + 1].text == "-"):
            if toks[nxw].up in _LANGUAGE_NEXT:
                continue  # "KAREN SPEAKING", "HMONG INTERPRETER": a language, not a person

        pw = sc.prev_word(i, "")
        if pw >= 0 and (toks[pw].up in ("SPEAKS", "SPEAK", "SPEAKING", "LANGUAGE", "LANGUAGES") or (
                toks[pw].up in ("YO", "Y/O", "YOM", "YOF", "OLD") and nxw >= 0 and toks[nxw].up in (
                    "M", "F", "MALE", "FEMALE", "MAN", "WOMAN", "GENTLEMAN", "LADY"))):
            continue  # "SPEAKS KAREN", "27 YO KAREN F": a language or a people
        # --- left context: title, relative, reporting verb ----------------------------------------
        p = sc.prev_word(i, _CTX_SKIP)
        if p >= 0 and (toks[p].up not in TITLES or (toks[p].up in _POLICE_TITLES and len(toks[p].up) > 4)) \
                and any(toks[q].text in ".;" for q in range(p + 1, i)) \
                and not (i == p + 2 and toks[p + 1].start == toks[p].end and len(toks[p].up) <= 4
                         and toks[p].up in VERBS):  # but "BPD DET. WALSH", "SGT. ORTIZ"
            p = -1  # "DAUGHTER IS HCP. CODE STATUS": a relative in the last sentence is no context
        if p >= 0:
            pu = toks[p].up
            if pu == "CC" and p >= 1 and toks[p - 1].kind == "n":
                pu = ""  # "40CC SEROSANG", "40 CC BALLOON": a volume, not a carbon copy
            elif pu == "LAW" and p >= 2 and toks[p - 1].up == "IN" and toks[p - 2].up in RELATIVES:
                pu = toks[p - 2].up  # "BROTHER IN LAW BILL CALLED": the relative written in three words
            # after MS without a dot (also mental status) only a name, not a very frequent word ("MS GOOD, MAE")
            strong = pu in TITLES and (pu != "MS" or toks[p + 1].text == "." or (k != NOT_NAME and (
                lex.zipf(base) < 5.5 or lex.last_pct.get(base, 0.0) >= 0.03))) and (
                pu not in _POLICE_TITLES or k == PURE or lex.last_pct.get(base, 0.0) >= 0.005
                or not lex.is_known_word(base)) and not (  # "DET. YOUNG", not "DETECTIVE LEFT CARD"
                pu in _POLICE_TITLES and len(pu) > 4 and any(toks[q].text == "." for q in range(p + 1, i)))
            if not strong and (_eponym_or_field(sc, i) or _value_next(sc, i)):
                pu = ""  # "PER PORTLAND PROTOCOL", "SW 2": a method or a value, not a person
            if strong or pu in RELATIVES or pu in VERBS:
                strict = pu in _WEAK_VERBS or pu in _WEAK_RELATIVES
                # in mixed-case prose a name after a relative or a verb is capitalised
                cap_ok = strong or not sc.mixed_case or not t.is_lower or (
                    pu in RELATIVES and i == p + 1 and k == PURE and base not in lex.english
                    and base not in lex.clinical  # "mom julie here all day", "dtr norma + son": only a name
                ) or (pu in RELATIVES and pu not in _WEAK_RELATIVES and i == p + 1 and sc.lower_line(i))
                # very frequent words ("WILL", "BACK", "SEEN") after a relative or verb are not names
                freq_ok = strong or k == PURE or lex.zipf(base) < (5.5 if pu in RELATIVES else 4.5)
                if strict and k != PURE and base not in lex.first and lex.zipf(base) >= 4.0:
                    freq_ok = False  # "RE: FILTER", "FELLOW, MANUAL PRESSURE": a frequent word after a weak context
                if pu in RELATIVES and k != PURE and base not in lex.first and lex.zipf(base) >= 4.0 \
                        and any(toks[q].text in ",:;" for q in range(p + 1, i)):
                    freq_ok = False  # "pt and wife,plan once neuro status clearer", "wife:heart failure teaching"
                if pu in ("PT", "PATIENT"):  # "PT ALERT": only a lexicon name, or a capitalised word in prose
                    freq_ok = k == PURE or (sc.mixed_case and t.is_title)
                relative = pu in RELATIVES and pu not in _WEAK_RELATIVES
                # a lexicon name that is also a clinical word ("DAUGHTER GRACE", "husband Ed") after a title, or
                # after a relative when capitalised in prose or long enough not to be an abbreviation
                clinical_ok = base not in lex.clinical or (k != NOT_NAME and (
                    (strong and base not in lex.english)
                    or (relative and ((sc.mixed_case and t.is_title) or len(base) >= 4))))
                adjacent = i == p + 1 or (i == p + 2 and toks[p + 1].text == ".")  # "Mr Day", "Mr. Day"
                if pu in _HONORIFICS and adjacent and base not in TITLES and base not in RELATIVES \
                        and base not in CREDENTIALS:
                    if sc.mixed_case and t.is_title and len(base) >= 2 and base not in _FUNCTION_WORDS:
                        flag[i] = max(flag.get(i, 0), 0.8)  # "Mr. Day", "Ms. Doctor": a capitalised word after Mr./Ms.
                        continue
                    if (not sc.mixed_case or sc.lower_line(i)) and k != NOT_NAME and base.isalpha() \
                            and base not in _NOT_A_NAME and lex.last_pct.get(base, 0.0) >= (
                                0.03 if pu == "MS" and toks[p + 1].text != "." else 0.01) \
                            and (pu != "MS" or lex.zipf(base) < 5.5):
                        # "ms bell doing well", "MRS PAGE": a surname that is a word (or a clinical one) after Mr./Ms.
                        # in a note or a line without capitals; after MS (also mental status, multiple sclerosis) only
                        # a common surname that is no very frequent word ("MS GOOD", "MS SHARP" stay words)
                        flag[i] = max(flag.get(i, 0), 0.75)
                        continue
                if pu in ("DR", "DRS", "DOCTOR") and (base in _NOT_A_NAME or base in lex.clinical) \
                        and lex.last_pct.get(base, 0.0) > 0.0 and adjacent \
                        and (base not in _STOP or base in lex.first or lex.last_pct.get(base, 0.0) >= (
                            0.001 if len(base) == 2 and i + 1 < len(toks) and toks[i + 1].text == "." else 0.003)) \
                        and cap_ok and i + 1 < len(toks) and (toks[i + 1].text in ",;.)(-" or toks[i + 1].up in (
                            "AWARE", "NOTIFIED", "PAGED", "CALLED", "UPDATED", "HERE", "SAW", "SEES", "FOLLOWING", "AND",
                            "ATTENDING", "AT", "FROM", "PRONOUNCED", "DISCUSSED", "EXAMINED", "ORDERED", "RECOMMENDS",
                            "RECOMMENDED", "SPOKE", "EXPLAINED", "REVIEWED", "CONSULTED", "INFORMED", "EVALUATED")):
                    # "DR. MAY AWARE", "(DR. BISHOP)", "Dr. Bell attending", "PER DR TO.": a surname that is a word
                    flag[i] = max(flag.get(i, 0), 0.75)
                    continue
                if len(base) == 1 and (strong or relative) and (t.text.isupper() or not sc.mixed_case) \
                        and not (i + 1 < len(toks) and toks[i + 1].text == "/") and (  # "NURSE W/ HX": with
                        (toks[i + 1:i + 2] and toks[i + 1].text == ".") or strong):
                    flag[i] = max(flag.get(i, 0), 0.8)  # "DR. J. SMITH", "DR. K (ATTENDING)"
                elif (_nameish(lex, up, strict=strict) or (strict and _rare_unknown(lex, base) and (
                        pu != "PER" or (i + 1 < len(toks) and toks[i + 1].text == ",") or (
                            i + 2 < len(toks) and toks[i + 1].text == "("
                            and any(toks[q].up in VERBS for q in range(i + 2, min(i + 5, len(toks)))))))) \
                        and clinical_ok and cap_ok and freq_ok and (strong or k == PURE or (
                            base not in _IRREGULAR_PAST and base not in _VERBISH and up not in TITLES)) \
                        and (strong or k == PURE or not _inflected(lex, base) or not t.text.isascii()  # "Thaís"
                             or (relative and base in lex.first and base not in _PLURAL_WORDS_AS_NAMES)):
                    flag[i] = max(flag.get(i, 0), 0.85)
                    continue
                elif not freq_ok and cap_ok and base in lex.first and base not in lex.clinical and (
                        (relative and _name_then_pause(sc, i)) or (
                        toks[i - 1].text == "(" and i + 1 < len(toks) and toks[i + 1].text == ")")):
                    flag[i] = max(flag.get(i, 0), 0.6)  # "BROTHER WILL AT BEDSIDE", "wife May, 70,"
                    continue
                elif relative and i == p + 1 and base in lex.first and base in lex.clinical and len(base) <= 3 \
                        and base not in _STOP and base not in VERBS and cap_ok and i + 1 < len(toks) and (
                            toks[i + 1].text in ",;)&" or toks[i + 1].up in _VERBISH or toks[i + 1].up in _PAUSE_WORDS
                            or toks[i + 1].up in ("VISIT", "VISITS", "HERE") or toks[i + 1].up.endswith("ING")
                            or (toks[i + 1].kind == "w" and toks[i + 1].up not in lex.clinical
                                and (lex.last_pct.get(toks[i + 1].up, 0.0) >= 0.001
                                     or lex.klass(toks[i + 1].up) == PURE))):
                    flag[i] = max(flag.get(i, 0), 0.6)  # "PT'S BROTHER ED, CCU ATTENDING", "WIFE ANA LUISA GOMES"
                    continue
                elif relative and i == p + 1 and base in lex.first and up not in TITLES and (
                        (sc.mixed_case and t.is_title) or (not sc.mixed_case and 2 <= len(base) <= 3 and i + 1 < len(toks)
                                                           and (toks[i + 1].up in _VERBISH or _to_bedside(toks, i + 1)
                                                                or toks[i + 1].up == "AND"))):
                    flag[i] = max(flag.get(i, 0), 0.6)  # "son Will will visit", "SON ED CAME IN"
                    continue
                elif relative and i == p + 1 and base.isalpha() and len(base) >= 4 and base not in lex.english \
                        and cap_ok and (not sc.mixed_case or t.is_title) and (
                            (sc.mixed_case and base in lex.drugs_only and base not in lex.common)
                            or (base in lex.common and base not in lex.clinical and lex.zipf(base) < 3.3)):
                    flag[i] = max(flag.get(i, 0), 0.6)  # "Wife Siran" (a drug's name too), "HUSBAND ANIL" (an old word)
                    continue
            # "NAME IS X", "NAME: X"
            if pu == "IS":
                pp = sc.prev_word(p, _CTX_SKIP)
                if pp >= 0 and toks[pp].up in ("NAME", "NAMED", "CALLED") and _nameish(lex, up):
                    flag[i] = 0.85
                    continue

        # --- right context: credential ------------------------------------------------------------
        nx = sc.next_word(i, ",")
        if nx >= 0 and toks[nx].up in ("PA", "DO") and nx + 1 < len(toks) and toks[nx + 1].kind == "w" \
                and "\n" not in sc.gap(nx, nx + 1) and (toks[nx + 1].up in _STOP or toks[nx + 1].up in lex.clinical
                                                        or toks[nx + 1].up in ("NOT", "N'T", "NOTHING")):
            nx = -1  # "FOLEY, DO NOT REMOVE", "LINE, PA CATHETER": a verb or a device, no credential
        if len(base) == 1 and t.text.isupper() and i + 3 < len(toks) and toks[i + 1].text == "." \
                and toks[i + 2].text == "," and toks[i + 3].up in CREDENTIALS:
            flag[i] = max(flag.get(i, 0), 0.7)  # "Marivic D., RN": the initial of a signature
            continue
        if nx >= 0 and toks[nx].up in CREDENTIALS and toks[nx].up not in ("PA", "DO") or (
                nx >= 0 and toks[nx].up in ("PA", "DO") and sc.gap(i, nx).strip() == ","):
            if toks[nx].up == "SW" and k == NOT_NAME or (nx + 1 < len(toks) and toks[nx + 1].up in (
                    "NOTE", "NOTES", "CONSULT", "EVAL", "REFERRAL", "FOLLOWING", "F/U")):
                nx = -1  # "UNHOUSED, SW CONSULT", "SEE SW NOTE": social work, not a signature
            # a signature: "--K. PRICE RRT", "D. KING RN", "-SHORT, RRT" (a plain word signs as well as a name)
            signed = nx >= 0 and toks[nx].start - t.end <= 3 and base.isalpha() and len(base) >= 2 \
                and base not in lex.clinical and base not in CREDENTIALS and base not in _ROLE_WORDS \
                and base not in _STOP and base not in TITLES and (not sc.mixed_case or t.is_title or t.is_upper) and (
                    (i >= 2 and toks[i - 1].text == "." and toks[i - 1].start == toks[i - 2].end
                     and len(toks[i - 2].text) == 1 and toks[i - 2].text.isupper()
                     and (i < 3 or toks[i - 3].kind == "p" or "\n" in sc.gap(i - 3, i - 2)))
                    or (i >= 1 and toks[i - 1].text == "-" and toks[i - 1].end == t.start
                        and (i < 2 or toks[i - 2].text in ".;-" or "\n" in sc.gap(i - 2, i - 1))))
            if signed:
                flag[i] = max(flag.get(i, 0), 0.75)
                continue
            if nx >= 0 and toks[nx].start - t.end <= 3 and base not in CREDENTIALS and base not in _ROLE_WORDS \
                    and not (sc.mixed_case and t.is_lower and not sc.sentence_initial(i) and (
                        len(base) < 6 or lex.is_known_word(base))) and ((  # not "seen by derm NP"
                    _nameish(lex, up) and (k == PURE or lex.zipf(base) < 5.0)) or (
                    2 <= len(base) <= 3 and t.is_upper and base.isalpha() and base not in _NOT_A_NAME
                    and base not in lex.clinical)):
                flag[i] = max(flag.get(i, 0), 0.8)  # "KOWALSKI, RN", "FL, RN" (initials)
                continue
        # --- "HUNG'S WIFE", "NADIA'S HUSBAND": a possessive before a relative ------------------------
        if base != up and i + 1 < len(toks) and toks[i + 1].up in RELATIVES and toks[i + 1].up not in _WEAK_RELATIVES \
                and base not in lex.clinical and base not in ("PATIENT", "PT", "HIS", "HER") \
                and _nameish(lex, base) and (k != NOT_NAME or lex.zipf(base) < 4.0) \
                and (not sc.mixed_case or t.is_title or t.is_upper):
            flag[i] = max(flag.get(i, 0), 0.75)
            continue
        # --- "CALLED SON AT HOME (STEFANOS)": a name alone in parentheses after a relative ------------
        alone_in_parens = i >= 1 and toks[i - 1].text == "(" and i + 1 < len(toks) and toks[i + 1].text == ")"
        if alone_in_parens and ((base not in lex.clinical and _nameish(lex, up, strict=True))
                                or _rare_unknown(lex, base)):
            if (any(toks[q].up in RELATIVES and toks[q].up not in _WEAK_RELATIVES
                    for q in range(max(0, i - 6), i - 1) if toks[q].kind == "w")
                    or (i >= 2 and toks[i - 2].up in _COLON_ROLES and (k == PURE or _rare_unknown(lex, base)))) \
                    and (not sc.mixed_case or not t.is_lower):
                flag[i] = max(flag.get(i, 0), 0.7)
                continue
        # --- "GOES BY "STASH"", "known as 'Dottie'": a nickname in quotes ----------------------------
        if i >= 1 and toks[i - 1].text in "\"'“" and i + 1 < len(toks) and toks[i + 1].text in "\"'”" \
                and p >= 0 and base.isalpha() and base not in lex.clinical and base not in _NOT_A_NAME \
                and (not sc.mixed_case or not t.is_lower) and (
                    (toks[p].up in _NICK_CTX and (base in lex.first or not lex.is_known_word(base) or lex.zipf(base) < 4.0))
                    or (toks[p].up in RELATIVES and toks[p].up not in _WEAK_RELATIVES and p == i - 2)
                    or (toks[p].up in ("FOR", "PT", "PATIENT", "HIM", "HER") and p >= 1
                        and toks[p - 1].up in ("ASKS", "ASKING", "ASKED", "CALL", "CALLS", "CALLING")
                        and (base in lex.first or not lex.is_known_word(base)))
                    or (i + 4 < len(toks) and toks[i + 2].text == "(" and (
                        toks[i + 3].up in RELATIVES or toks[i + 4].up in RELATIVES))):
            flag[i] = max(flag.get(i, 0), 0.7)  # 'FRIEND "SCOOTER"', 'THEY CALL PT "YIAYIA"', '"BUBBA" (HER HUSBAND)'
            continue
        # --- "SW GRACE,", "CM Hope (ext 4410)": a role and a lexicon first name closing a list item ------
        if p == i - 1 and toks[p].up in _NAMED_ROLES \
                and base in lex.first and base not in lex.clinical and base not in _NOT_A_NAME \
                and i + 1 < len(toks) and toks[i + 1].text in ",;)(.@" and (not sc.mixed_case or t.is_title):
            flag[i] = max(flag.get(i, 0), 0.6)
            continue
        # --- "MR. BIN SALEH", "DR. VAN DER BERG": a particle after a title opens the name -----------
        if base in PARTICLES and p == i - 1 or base in PARTICLES and p == i - 2 and toks[i - 1].text == ".":
            if toks[p].up in TITLES and i + 1 < len(toks) and toks[i + 1].kind == "w" and _nameish(lex, toks[i + 1].up):
                flag[i] = max(flag.get(i, 0), 0.8)
                flag[i + 1] = max(flag.get(i + 1, 0), 0.8)
                continue
        # --- "CHARGE RN FAITH AWARE", "RT BROWN TRIALED": a role, a lexicon name and a verb -----------
        past = i + 1 < len(toks) and (toks[i + 1].up in _STATE_VERBS or toks[i + 1].up in _PAST_ACTS)
        if p == i - 1 and toks[p].up in _NAMED_ROLES and i + 1 < len(toks) \
                and (lex.zipf(base) < 5.5 or (base in lex.first and past)
                     or lex.last_pct.get(base, 0.0) >= 0.01) \
                and (toks[i + 1].up in _ROLE_VERBS or _to_bedside(toks, i + 1)) and base not in _IRREGULAR_PAST \
                and (base not in _NOT_A_NAME or (base in _STOP and base in lex.first and past)) \
                and (base not in lex.clinical or (base in lex.first and (
                    len(base) >= 3 or toks[i + 1].up in _ROLE_VERBS))) \
                and (base in lex.first or lex.last_pct.get(base, 0.0) >= 0.001
                     or (base.isalpha() and len(base) >= 3 and base not in lex.english and lex.zipf(base) < 4.5
                         and not medical_shape(base))) \
                and (not sc.mixed_case or t.is_title):  # also "HO RAJIV AWARE", "SW ANA PAGED"
            flag[i] = max(flag.get(i, 0), 0.6)
            continue
        # --- "CHARGE RN SUNNY OH AWARE": a role, a first name, a surname and a verb --------------------------
        if p == i - 1 and toks[p].up in _NAMED_ROLES and i + 2 < len(toks) and toks[i + 1].kind == "w" \
                and toks[i + 2].up in _ROLE_VERBS and base in lex.first and base not in lex.clinical \
                and base not in _NOT_A_NAME and toks[i + 1].up not in _NOT_A_NAME \
                and (lex.last_pct.get(toks[i + 1].up, 0.0) > 0 or _rare_unknown(lex, toks[i + 1].up)) \
                and (not sc.mixed_case or (t.is_title and toks[i + 1].is_title)):
            flag[i] = max(flag.get(i, 0), 0.6)
            flag[i + 1] = max(flag.get(i + 1, 0), 0.6)
            continue
        # --- "HHA Teresa 3x wk", "PCA Tatyana 20 hrs/wk", "TECH ANIL;": a role and a name that is no word ----------
        if p == i - 1 and toks[p].up in _NAMED_ROLES and k == PURE and base in lex.first and len(base) >= 3 \
                and base not in lex.clinical and base not in _NOT_A_NAME and base not in lex.english \
                and (not sc.mixed_case or t.is_title) and "\n" not in sc.gap(p, i):
            flag[i] = max(flag.get(i, 0), 0.6)
            continue
        # --- "YOUNG AWARE.", "Long notified": a common surname opening a sentence before AWARE/NOTIFIED -------
        if sc.sentence_initial(i) and i + 1 < len(toks) and toks[i + 1].up in _STATE_VERBS \
                and lex.last_pct.get(base, 0.0) >= 0.05 and base not in lex.clinical and base not in _NOT_A_NAME \
                and base not in RELATIVES and (not sc.mixed_case or t.is_title or t.is_upper):
            flag[i] = max(flag.get(i, 0), 0.6)
            continue
        # --- "JEN FROM SW", "Maria from PT": a first name and the service the person comes from -------
        if i + 2 < len(toks) and toks[i + 1].up == "FROM" and toks[i + 2].up in _SERVICES and base in lex.first \
                and base not in lex.clinical and base not in _NOT_A_NAME and (not sc.mixed_case or t.is_title):
            flag[i] = max(flag.get(i, 0), 0.65)
            continue
        # --- "RT: BABATUNDE", "OT: Kaminski": a role, a colon and a rare or lexicon name -------------
        if p >= 0 and toks[p].up in _COLON_ROLES and ":" in sc.gap(p, i) and (
                k == PURE or _rare_unknown(lex, base)) and base not in lex.clinical:
            flag[i] = max(flag.get(i, 0), 0.7)
            continue
        # --- "JO (NP)", "Okafor (fellow)": a name before a role in parentheses ------------------------
        if i + 3 < len(toks) and toks[i + 1].text == "(" and toks[i + 3].text == ")" \
                and (toks[i + 2].up in CREDENTIALS or toks[i + 2].up in ("FELLOW", "RESIDENT", "ATTENDING", "INTERN",
                                                                      "HO", "PCP", "CM", "SW", "RT", "PT", "OT")) \
                and base not in lex.clinical and base not in _NOT_A_NAME and (
                    k != NOT_NAME or _rare_unknown(lex, base)
                    or (2 <= len(base) <= 3 and t.is_upper and base.isalpha()
                        and (not lex.is_known_word(base) or not any(c in "AEIOUY" for c in base)))) \
                and (not sc.mixed_case or not t.is_lower):
            flag[i] = max(flag.get(i, 0), 0.7)
            continue
        # --- "Islande (niece)" ----------------------------------------------------------------------
        if i + 2 < len(toks) and toks[i + 1].text == "(" and toks[i + 2].up in RELATIVES and _nameish(lex, up) \
                and (not sc.mixed_case or not t.is_lower):
            flag[i] = max(flag.get(i, 0), 0.75)
            continue
        # --- signatures: "-- EB", "-- A. McEllis" -------------------------------------------------
        if i >= 2 and toks[i - 1].text == "-" and toks[i - 2].text == "-" and (
                base not in lex.clinical or len(base) <= 3) and (base not in _STOP or len(base) == 1) \
                and base not in CREDENTIALS and base not in _ROLE_WORDS and base not in TITLES \
                and not (len(base) > 3 and lex.is_known_word(base) and (
                    k == NOT_NAME or (k != PURE and lex.zipf(base) >= 4.5))) \
                and not (sc.mixed_case and t.is_lower and len(base) > 3) \
                and not (len(base) <= 3 and base in lex.clinical and not _line_end(sc, i)):
            # not "-- explained that", "-- DOOR LEFT OPEN", "-- CT surgery NP to see"
            flag[i] = max(flag.get(i, 0), 0.7)
            continue

        # --- initials signing the note after one dash: "... PLACED. -KM", "visit. -apr" --------------
        if i >= 1 and toks[i - 1].text in ("-", "–", "—") and 2 <= len(base) <= 3 and base.isalpha() \
                and all(q.kind == "p" and q.text in ".)" for q in toks[i + 1:]) \
                and (i < 2 or toks[i - 2].end < toks[i - 1].start or toks[i - 2].text in ".;") \
                and toks[i - 1].end == t.start and base not in CREDENTIALS and base not in _ROLE_WORDS \
                and base not in TITLES and base not in _STOP and lex.zipf(base) < 5.0:
            flag[i] = max(flag.get(i, 0), 0.7)
            continue

        # --- lexicon ------------------------------------------------------------------------------
        if _eponym_or_field(sc, i) or _value_next(sc, i):
            continue  # "Stryker needle", "Murphy's sign", "SBP NADIR 102", "HAMILTON T1": no person
        short_abbrev = (len(base) <= 3 and not sc.mixed_case and lex.first_pct.get(base, 0.0) < 0.05) or (
            sc.mixed_case and t.is_upper and len(base) <= 5 and i >= 1 and toks[i - 1].text == "("
            and i + 1 < len(toks) and toks[i + 1].text == ")")  # "endarterectomy (CEA)": an acronym
        if k == PURE and len(base) >= 3 and not short_abbrev and not (base in TITLES and nxw == i + 1):
            score = 0.75  # (not "DOÑA LITA": a title before a name)
            if sc.mixed_case and t.is_lower:
                score = 0.35  # lower-case word in mixed-case prose: below the default threshold
            flag[i] = max(flag.get(i, 0), score)
            continue
        if k == PURE and len(base) == 2 and sc.mixed_case and t.is_title and not sc.sentence_initial(i):
            flag[i] = max(flag.get(i, 0), 0.5)  # "Li", "Ng", "Wu" in prose
            continue

        # --- mixed-case prose: capitalised words in mid-sentence (a light NER) --------------------
        if sc.mixed_case and t.is_title and not sc.sentence_initial(i) and base not in lex.clinical \
                and base not in _STOP and base not in RELATIVES and not _header_like(sc, lex, i) \
                and not (i >= 1 and toks[i - 1].kind == "n" and base in ("NORTH", "SOUTH", "EAST", "WEST", "TOWER",
                                                                         "WING", "CENTER")) \
                and not (base in TITLES and i >= 1 and toks[i - 1].up in TITLES) \
                and not (base in _SHIFT_WORDS and i >= 1 and toks[i - 1].up in _ROLE_WORDS):  # "MICU Day", "imam Sheikh"
            if k == AMBIGUOUS and not _measure_next(sc, i):
                flag[i] = max(flag.get(i, 0), 0.55)
            elif len(base) >= 4 and not lex.is_known_word(base) and base.isalpha() and not _measure_next(sc, i) \
                    and not _product_case(t.text) and not medical_shape(base):
                flag[i] = max(flag.get(i, 0), 0.45)

    # --- neighbours of names: surnames, first names, initials, particles ---------------------------
    changed = True
    rounds = 0
    while changed and rounds < 4:
        changed = False
        rounds += 1
        for i in sorted(flag):
            for j, direction in ((i + 1, 1), (i - 1, -1)):
                if j < 0 or j >= len(toks) or j in flag:
                    continue
                tj = toks[j]
                if direction == 1 and tj.text == "." and len(toks[i].text) == 1 and j + 1 < len(toks) \
                        and j + 1 not in flag and toks[j + 1].kind == "w" and tj.start == toks[i].end:
                    j, tj = j + 1, toks[j + 1]  # "Deepa A. Rattan", "F. Chamberlain": the name after an initial
                if tj.kind != "w":
                    # an initial before a name: "E. JONES", "A. Karan"
                    if direction == -1 and tj.text == "." and j >= 1 and toks[j - 1].kind == "w" \
                            and len(toks[j - 1].text) == 1 and (toks[j - 1].text.isupper() or not sc.mixed_case) \
                            and j - 1 not in flag \
                            and toks[j - 1].end == tj.start and tj.end <= toks[i].start:  # also "J.DUBOIS", "J.W. BRYANT"
                        flag[j - 1] = 0.6
                        changed = True
                    continue
                if sc.mixed_case and toks[i].is_lower:
                    continue  # a lower-case word in prose is no anchor
                gap = sc.text[min(tj.end, toks[i].end):max(tj.start, toks[i].start)]
                if direction == 1 and tj.up in ("AND", "&") and j + 1 < len(toks) and j + 1 not in flag \
                        and flag[i] >= 0.7 and _coordinated_name(sc, lex, i, j + 1):
                    flag[j + 1] = 0.6  # "BROTHERS CHONG AND NENG"
                    changed = True
                    continue
                if gap.strip(" \t.") != "" or len(gap) > 3:
                    continue
                if sc.mixed_case and toks[i].is_title and tj.up in PARTICLES and tj.is_lower and direction == 1:
                    k2 = j + 1
                    while k2 < len(toks) and toks[k2].up in PARTICLES and toks[k2].is_lower and k2 - j < 2:
                        k2 += 1
                    if k2 < len(toks) and toks[k2].is_title and _nameish(lex, toks[k2].up) \
                            and toks[k2].up not in lex.clinical:
                        for q in range(j, k2 + 1):
                            flag[q] = 0.6  # "Ernesto Ruiz de la Fuente", "Ana dos Santos"
                        changed = True
                    continue
                if sc.mixed_case and toks[i].is_title and not (tj.is_title or len(tj.text) == 1):
                    continue
                uj = tj.up
                if direction == -1 and uj == "LAW" and j >= 2 and toks[j - 1].up == "IN" and toks[j - 2].up in RELATIVES:
                    continue  # "SISTER IN LAW JOAN": the relative, not a surname
                if direction == -1 and sc.mixed_case and tj.is_title and toks[i].is_title and flag[i] >= 0.4 \
                        and uj in lex.first and uj not in TITLES and uj not in RELATIVES and uj not in CREDENTIALS \
                        and j >= 1 and (toks[j - 1].up in ("PT", "PATIENT") or toks[j - 1].up in RELATIVES) \
                        and not toks[j - 1].is_title and sc.text[toks[j - 1].end:tj.start] == " ":
                    flag[j] = 0.6  # "pt Will Marsh", "pt Li Guoqiang", "son Ray Gross": a first name that is a word
                    changed = True
                    continue
                if direction == 1 and uj in TITLES and not sc.mixed_case and flag[i] >= 0.85 \
                        and lex.last_pct.get(uj, 0.0) >= 0.01 and toks[i].up in lex.first and (
                            j + 1 >= len(toks) or toks[j + 1].kind == "p" or toks[j + 1].up in _PAUSE_WORDS
                            or toks[j + 1].up in ("HCP", "PROXY", "CELL", "PHONE")):
                    flag[j] = 0.6  # "DAUGHTER JOY BISHOP HCP", "WIFE ANN DEAN, 617-...": a surname that is a title
                    changed = True
                    continue
                if uj in VERBS or uj in TITLES or uj in _ROLE_WORDS or uj in _VERBISH or (
                        direction == 1 and len(uj) >= 5 and uj.endswith("ED") and lex.klass(uj) != PURE
                        and lex.is_known_word(uj)) or (direction == 1 and lex.klass(uj) != PURE and _verb_form(lex, uj)):
                    continue  # "CASE MGR PRIYANKA PAGED", "DESHAWN BROUGHT": context and common verbs
                if len(uj) == 1 and uj.isalpha() and (tj.is_upper or not sc.mixed_case) and uj not in ("A", "I") \
                        and sc.text[tj.end:tj.end + 1] != "/" and sc.text[tj.start - 1:tj.start] != "/":  # "APRIL W/ RESIDUAL": W/ is "with"
                    flag[j] = 0.6
                    changed = True
                elif uj in PARTICLES and 0 <= j + direction < len(toks) and toks[j + direction].kind == "w" \
                        and _nameish(lex, toks[j + direction].up):
                    flag[j] = 0.6
                    changed = True
                elif uj == "ST" and direction == 1 and j + 2 < len(toks) and toks[j + 1].text == "." \
                        and toks[j + 2].kind == "w" and toks[j + 2].start - toks[j + 1].end == 1 \
                        and toks[j + 2].up not in lex.clinical and (
                            lex.klass(toks[j + 2].up) == PURE or not lex.is_known_word(toks[j + 2].up)) \
                        and _nameish(lex, toks[j + 2].up) and (not sc.mixed_case or toks[j + 2].is_title):
                    flag[j] = flag[j + 2] = 0.6  # "Wilner St. Fleur", "JEAN-ROBERT ST. FLEUR"
                    changed = True
                elif sc.mixed_case and direction == 1 and tj.is_title and toks[i].is_title and flag[i] >= 0.75 \
                        and uj not in _NOT_A_NAME and uj not in RELATIVES and not _eponym_or_field(sc, j) and (
                            (len(uj) <= 3 and lex.last_pct.get(uj, 0.0) >= 0.001)
                            or lex.last_pct.get(fold(uj), 0.0) >= 0.02):
                    flag[j] = 0.6  # "Kenny Ng", "SW Tamika Bell", "esposa Maritza Colón": a common surname in prose
                    changed = True
                elif direction == 1 and uj in _SECOND_FIRST and flag[i] >= 0.85 and toks[i].up in lex.first \
                        and (j + 1 >= len(toks) or toks[j + 1].text in "(,;." or toks[j + 1].up in _PAUSE_WORDS
                             or _to_bedside(toks, j + 1) or (toks[j + 1].kind == "w" and lex.klass(toks[j + 1].up) == PURE
                                                             and toks[j + 1].up not in lex.first)) \
                        and (not sc.mixed_case or tj.is_title or tj.is_upper):
                    flag[j] = 0.6  # "WIFE WILLIE MAE (80S", "sister Mary Beth,": a double first name
                    changed = True
                elif _nameish(lex, uj, strict=uj in lex.clinical or lex.is_known_word(uj)) and uj not in RELATIVES \
                        and (uj not in lex.clinical or (sc.mixed_case and tj.is_title and toks[i].is_title
                                                        and lex.klass(uj) != NOT_NAME)) \
                        and (lex.zipf(uj) < 4.5 or lex.klass(uj) == PURE or lex.last_pct.get(uj, 0.0) >= 0.01
                             or lex.first_pct.get(uj, 0.0) >= 0.01 or (sc.mixed_case and tj.is_title)):
                    flag[j] = 0.6  # "MARY BROWN", not "SHAWNA LATER"
                    changed = True

    # --- "Dr. Tari Swan": in prose, a capitalised word right after a titled first name is its surname ------
    if sc.mixed_case:
        for i in sorted(flag):
            j = i + 1
            if flag[i] < 0.85 or j >= len(toks) or j in flag or toks[j].kind != "w" or not toks[j].is_title \
                    or not toks[i].is_title or toks[j].start - toks[i].end != 1:
                continue
            p = sc.prev_word(i, _CTX_SKIP)
            uj = toks[j].up
            clinical = uj in lex.clinical and (lex.klass(uj) == NOT_NAME or sc.text[toks[j].end:toks[j].end + 1] == "-")
            if p < 0 or toks[p].up not in TITLES or uj in _NOT_A_NAME or clinical \
                    or (lex.klass(uj) == NOT_NAME and lex.zipf(uj) >= 4.5) or _eponym_or_field(sc, j):
                continue
            flag[j] = 0.7
    # --- "ROSS, HARRIET": a surname before a comma and a flagged first name ---------------------------
    for i in sorted(flag):
        t = toks[i]
        if t.up in lex.first and i >= 2 and toks[i - 1].text == "," and toks[i - 2].kind == "w" and i - 2 not in flag:
            c = toks[i - 2]
            if lex.klass(c.up) != NOT_NAME and c.up not in lex.clinical and c.up not in _NOT_A_NAME and (
                    not sc.mixed_case or c.is_title or c.is_upper) and toks[i - 1].start - c.end <= 1:
                flag[i - 2] = 0.6
    # --- "K. BROWN", "r. wachter": an initial and a lexicon surname -------------------------------------
    for i in sc.words:
        t = toks[i]
        if i in flag or i < 2 or toks[i - 1].text != "." or toks[i - 2].kind != "w" or len(toks[i - 2].text) != 1:
            continue
        ini = toks[i - 2]
        if ini.up in ("A", "I") or (sc.mixed_case and not ini.is_upper) or toks[i - 1].start != ini.end:
            continue
        if i >= 3 and toks[i - 3].kind == "n" and (toks[i - 3].end == ini.start or ini.up in _UNIT_LETTERS):
            continue  # "GCS 3T. RASS -2", "MG 1.9 -> 2 G. FILTER": a unit letter after a number is no initial
        if ini.up in ("L", "R") and i >= 3 and toks[i - 3].up in ("ON", "TO", "IN", "AT", "THE", "OF"):
            continue  # "RIB FX ON L. EPIDURAL": a side, not an initial
        if i >= 3 and toks[i - 3].text == "/" and toks[i - 3].end == ini.start:
            continue  # "NO N/V. PLAN": the end of an abbreviation
        pw = sc.prev_word(i - 2, _CTX_SKIP)
        after_ctx = pw >= 0 and (toks[pw].up in TITLES or toks[pw].up in VERBS or toks[pw].up in RELATIVES)
        cred_next = i + 2 < len(toks) and toks[i + 1].text == "," and toks[i + 2].up in CREDENTIALS
        if lex.klass(t.up) == AMBIGUOUS and lex.zipf(t.up) >= 5.0 and not (sc.mixed_case and t.is_title) \
                and not after_ctx and not cred_next:  # but "K. PRICE, RN"
            continue  # "K. PLAN", "S. WILL": a frequent word, not a surname
        if _nameish(lex, t.up) and t.up not in lex.clinical and (not sc.mixed_case or t.is_title or t.is_upper):
            flag[i] = max(flag.get(i, 0), 0.6)
            flag[i - 2] = max(flag.get(i - 2, 0), 0.6)

    # --- a nickname in quotes and parentheses after a name: 'VIKTOR ("VITYA")', 'Maria ("Cuca")' ------------
    # also two words ('MARIE-ROSE ("TI ROSE")') and a nickname inside a name ('MARGARET "PEG" O'SHEA'); names in
    # parentheses after a name without quotes when they read as names ("WIFE WONG (MUI KUEN)", "CHEN (DONG MING)")
    for i in sorted(flag):
        if flag[i] >= 0.7 and i + 3 < len(toks) and toks[i + 1].text == "(" and toks[i + 2].kind == "w" \
                and toks[i].up not in lex.clinical:
            r = i + 2
            inner: list[int] = []
            while r < len(toks) and toks[r].kind == "w" and len(inner) < 3:
                inner.append(r)
                r += 1
            if r < len(toks) and toks[r].text == ")" and all(
                    toks[w].up not in lex.clinical and toks[w].up not in _NOT_A_NAME and toks[w].up not in RELATIVES
                    and (toks[w].up in NAME_PARTS or lex.klass(toks[w].up) == PURE or _rare_unknown(lex, toks[w].up))
                    and (not sc.mixed_case or toks[w].is_title or toks[w].is_upper) for w in inner):
                for w in inner:
                    flag[w] = max(flag.get(w, 0), 0.6)
    for i in sorted(flag):
        q = i + 1
        if q < len(toks) and toks[q].text == "(":
            q += 1
        if not (q + 2 < len(toks) and toks[q].text in "\"“" and toks[q].start - toks[i].end <= 2):
            continue
        words: list[int] = []
        r = q + 1
        while r < len(toks) and toks[r].kind == "w" and len(words) < 2:
            words.append(r)
            r += 1
        if words and r < len(toks) and toks[r].text in "\"”" and all(
                (toks[w].up not in lex.clinical or toks[w].up in lex.first) and toks[w].up not in _NOT_A_NAME
                for w in words):
            for w in words:
                flag[w] = max(flag.get(w, 0), 0.65)

    # --- names of several short parts after a relative or an interpreter: "HUSBAND SAW HTOO", "interpreter Naw
    # Paw", "WIFE PA HOUA VANG", "son li wei"; a hyphenated nickname: "SON T-BOY" -------------------------------
    for ctx in sc.words:
        cu = toks[ctx].up
        if cu in _PLURAL_RELATIVES and ctx + 2 < len(toks) and toks[ctx + 1].text == ":":
            # "CHILDREN: GUERDA, MAKENSON, WIDLINE, ROODY": a list of names after a plural relative and a colon
            r = ctx + 2
            while r < len(toks) and toks[r].kind == "w":
                u = toks[r].up
                if u in lex.clinical or u in _NOT_A_NAME or u in RELATIVES or medical_shape(u) or not (
                        u in lex.first or lex.klass(u) == PURE or _rare_unknown(lex, u) or u in NAME_PARTS) \
                        or (sc.mixed_case and not (toks[r].is_title or toks[r].is_upper)):
                    break
                flag[r] = max(flag.get(r, 0), 0.6)
                if r + 2 < len(toks) and toks[r + 1].text == "," and toks[r + 2].kind == "w":
                    r += 2
                elif r + 2 < len(toks) and toks[r + 1].up in ("AND", "&"):
                    r += 2
                else:
                    break
            continue
        if not ((cu in RELATIVES and cu not in _WEAK_RELATIVES) or cu in ("INTERPRETER", "INTERP", "TRANSLATOR")
                or cu in _HONORIFICS):  # also "MR. WA MEEJ VANG"
            continue
        i = ctx + 1
        if i < len(toks) and (toks[i].text in ",:" or (toks[i].text == "." and cu in _HONORIFICS)) \
                and toks[i].start == toks[ctx].end:
            i += 1
        if i >= len(toks) or toks[i].kind != "w":
            continue
        if re.fullmatch(r"[A-WYZa-wyz]-[A-Za-z]{2,8}", toks[i].text) and toks[i].up not in lex.clinical \
                and (not sc.mixed_case or toks[i].text[0].isupper()):
            flag[i] = max(flag.get(i, 0), 0.6)
            continue
        parts: list[int] = []
        while i < len(toks) and toks[i].kind == "w" and len(parts) < 3 and toks[i].start - (
                toks[parts[-1]].end if parts else toks[ctx].end) <= 2:
            u = toks[i].up
            if u in _STOP or u in VERBS or u in _VERBISH or u in RELATIVES or u in TITLES or u in _NOT_IN_RUN \
                    or (u in CREDENTIALS and u not in NAME_PARTS) \
                    or (sc.mixed_case and not toks[i].is_title and not toks[i].is_upper) \
                    or (u in lex.clinical and u not in NAME_PARTS) \
                    or not (u in NAME_PARTS or not lex.is_known_word(u) or lex.klass(u) != NOT_NAME) \
                    or (parts and lex.klass(u) != PURE and (_verb_form(lex, u) or (  # "DRAGANA WORKS AS"
                        u.endswith("ING") and lex.zipf(u) >= 4.5))):  # "mr kowalski doing well"
                break
            parts.append(i)
            i += 1
        if len(parts) >= 2 and any(toks[r].up in NAME_PARTS or _rare_unknown(lex, toks[r].up) for r in parts) \
                and sum(toks[r].up not in lex.english for r in parts) >= 1:
            for r in parts:
                flag[r] = max(flag.get(r, 0), 0.6)

    # --- a nickname in parentheses right after a found name: 'Patrick Quinlan Jr ("PJ")', "Maureen (Mo)" -----
    for i in sc.words:
        t = toks[i]
        if i in flag or i < 2 or i + 1 >= len(toks) or not t.text.isalpha() or len(t.text) > 10:
            continue
        quoted = toks[i - 1].text in "\"'“" and toks[i + 1].text in "\"'”"
        q = i - 1 if quoted else i  # the token after "("
        close = i + 2 if quoted else i + 1
        if toks[q - 1].text != "(" or close >= len(toks) or toks[close].text != ")":
            continue
        b = q - 2
        if b >= 0 and toks[b].text == "." and b >= 1:
            b -= 1  # "Hector Jr. ("Junior")"
        if b >= 0 and toks[b].up in ("JR", "SR", "II", "III") and b >= 1:
            b -= 1
        if b < 0 or b not in flag or flag[b] < 0.6 or t.up in _NOT_A_NAME or (len(t.text) == 1 and not quoted) \
                or not (quoted or lex.klass(t.up) != NOT_NAME or (sc.mixed_case and not lex.is_known_word(t.up))) \
                or (t.up in lex.clinical and not (sc.mixed_case and t.is_title)) \
                or (sc.mixed_case and t.is_lower) or medical_shape(t.up):
            continue
        flag[i] = max(flag.get(i, 0), 0.7)

    # --- a surname after a found first name and its quoted nickname: 'Hyun-Joo ("Jo") Park', 'Patricia "Patty" X' --
    for i in sorted(flag):
        q = i + 1
        if q < len(toks) and toks[q].text == "(":
            q += 1
        if not (q + 2 < len(toks) and toks[q].text in "\"'“" and toks[q + 1].kind == "w" and toks[q + 2].text in "\"'”"):
            continue
        k = q + 3
        if k < len(toks) and toks[k].text == ")":
            k += 1
        if flag[i] < 0.6 or k >= len(toks) or toks[k].kind != "w" or toks[k].start - toks[k - 1].end > 1:
            continue
        u = toks[k].up
        if u not in lex.clinical and u not in _NOT_A_NAME and not medical_shape(u) and (
                (sc.mixed_case and toks[k].is_title) or (not sc.mixed_case and lex.last_pct.get(u, 0.0) > 0)):
            flag[q + 1] = max(flag.get(q + 1, 0), 0.65)
            flag[k] = max(flag.get(k, 0), 0.65)

    # --- a first name before a role in parentheses: "HD STARTED BY TY (DIALYSIS RN)", "IV TEAM (BO)" ----------
    for i in sc.words:
        t = toks[i]
        if i in flag or i + 2 >= len(toks) or toks[i + 1].text != "(" or t.up not in lex.first \
                or t.up in lex.clinical or t.up in _NOT_A_NAME or (sc.mixed_case and not t.is_title) \
                or (lex.klass(t.up) != PURE and lex.zipf(t.up) >= 4.5):
            continue  # not "PHONE LINE (INTERPRETER ...)"
        close = next((q for q in range(i + 2, min(i + 7, len(toks))) if toks[q].text == ")"), -1)
        if close > 0 and any(toks[q].up in _NAMED_ROLES or toks[q].up in CREDENTIALS for q in range(i + 2, close)):
            flag[i] = max(flag.get(i, 0), 0.6)

    # --- a name found once is a name everywhere in the note ("DAUGHTER SHAWNA CALLED ... SHAWNA ASKED") ------
    # --- a surname that is a word after a relative's or a colleague's first name: "SON RAYMOND GOLD ALSO",
    # "DTR KATHLEEN MURPHY IN", "SW TAMIKA BELL,"
    for i in list(flag):
        j = i + 1
        if flag[i] < 0.85 or j + 1 >= len(toks) or j in flag or toks[j].kind != "w" or toks[j].start - toks[i].end > 2:
            continue
        p = sc.prev_word(i, _CTX_SKIP)
        u = toks[j].up
        if p < 0 or not ((toks[p].up in RELATIVES and toks[p].up not in _WEAK_RELATIVES) or toks[p].up in _NAMED_ROLES) \
                or lex.klass(toks[i].up) != PURE \
                or u in _NOT_A_NAME or u in _VERBISH or u in VERBS or u in RELATIVES or u in TITLES or u in CREDENTIALS \
                or lex.last_pct.get(u, 0.0) < 0.005 or (sc.mixed_case and not toks[j].is_title) or medical_shape(u):
            continue
        tok_after = toks[j + 1]
        if tok_after.text in ",.;:)(" or tok_after.up in _PAUSE_WORDS or tok_after.up in _VERBISH \
                or tok_after.up == "ALSO":
            flag[j] = 0.7
    _propagate(sc, lex, flag)

    # --- particles between two parts of a found name: "ANA MERCEDES DE LOS SANTOS", "María de los Ángeles" ----
    for i in sorted(flag):
        j = i + 1
        while j < len(toks) and j - i <= 3 and toks[j].kind == "w" and toks[j].up in PARTICLES and j not in flag:
            j += 1
        if j > i + 1 and j < len(toks) and toks[j].kind == "w" and toks[j].start - toks[j - 1].end <= 2 \
                and (j in flag or (sc.mixed_case and toks[j].is_title and toks[j].up not in lex.clinical
                                   and toks[j].up not in _NOT_A_NAME)):
            for q in range(i + 1, j + 1):
                flag[q] = max(flag.get(q, 0), 0.6)

    # --- spans: runs of flagged tokens joined by spaces or initials' dots --------------------------
    hits: list[Hit] = []
    run: list[int] = []
    for i in sorted(flag):
        if run and (i == run[-1] + 1 or (i == run[-1] + 2 and toks[run[-1] + 1].text == "."
                                          and len(toks[run[-1]].text) == 1)):
            gap = sc.text[toks[run[-1]].end:toks[i].start]
            if gap.strip(" \t.") == "" and len(gap) <= 3:
                run.append(i)
                continue
        if run:
            hits.append(_run_hit(sc, run, flag))
        run = [i]
    if run:
        hits.append(_run_hit(sc, run, flag))
    for m in _USERNAME.finditer(text):
        u = m.group(1).upper()
        if u not in lex.clinical and not lex.is_known_word(u) and u not in _NOT_A_NAME:
            hits.append((m.start(1), m.end(1), "NAME", 0.7))  # "-- jbaker3", "signed: mpatel3": an EHR user name
    for m in _USER_AFTER_SIGN.finditer(text):
        v = m.group(1)
        letters = re.sub(r"[._\d]", "", v).upper()
        shaped = any(c in v for c in "._") or v[-1].isdigit() or (
            v.islower() and (2 <= len(v) <= 4 or not lex.is_known_word(letters)))
        if shaped and letters not in lex.clinical and letters not in _NOT_A_NAME and not medical_shape(letters) \
                and not (v.islower() and 2 <= len(v) <= 4 and lex.zipf(letters) >= 4.0):
            hits.append((m.start(1), m.end(1), "NAME", 0.65))  # "signed by dorina.boucsein", "cosigned lmc"
    for m in _NICKNAME_QUOTED.finditer(text):
        nick = [fold(w).upper() for w in re.findall(r"[A-Za-z][A-Za-z'’\-]*", m.group(1))]
        called = m.group().lower().startswith("call") and not m.group().lower().endswith("self")
        if nick and len(nick) <= 3 and all(u not in lex.clinical and u not in _NOT_A_NAME for u in nick) \
                and any(u in lex.first or (lex.klass(u) == PURE or not lex.is_known_word(u)) and not called
                        or any(part in lex.first for part in u.split("-")) for u in nick):
            hits.append((m.start(1), m.end(1), "NAME", 0.65))  # 'NICKNAME IS "BIG MIKE"', not 'KNOWN AS "PAIN"'
    # a patient registered under an alias: 'REGISTERED AS "SIERRA RED"', 'listed as "Zebra, Alpha"', "TRAUMA ZULU"
    for m in _ALIAS_REGISTERED.finditer(text):
        if not all(fold(w).upper() in lex.clinical for w in re.findall(r"[A-Za-z]+", m.group(1))):
            hits.append((m.start(1), m.end(1), "NAME", 0.65))
    for m in _TRAUMA_ALIAS.finditer(text):
        g = 1 if m.group(1) else 2
        hits.append((m.start(g), m.end(g), "NAME", 0.6))
    # a quoted nickname right after a relative or before what a person does: 'DTR "MO" CALLED', '"TONY" EXTUBATED',
    # 'daughter ("peanut") called'
    for m in _QUOTED_WORD.finditer(text):
        u = fold(m.group(1)).upper()
        if u in _NOT_A_NAME or u in RELATIVES or medical_shape(u):
            continue
        words_before = re.findall(r"[A-Za-z][A-Za-z'’\-]*", text[max(0, m.start() - 24):m.start()])
        after = re.match(r"[ \t)]{0,3}([A-Za-z]+)", text[m.end():m.end() + 20])
        kin = bool(words_before) and fold(words_before[-1]).upper().removesuffix("'S").removesuffix("’S") in _QUOTE_KIN \
            and (u not in lex.clinical or len(u) <= 3)
        acts = after is not None and after.group(1).upper() in _QUOTE_ACTS and u not in lex.clinical and (
            u in lex.first or not lex.is_known_word(u))
        if kin or acts:
            hits.append((m.start(1), m.end(1), "NAME", 0.6))
    # a listed first name after a relative, before a gerund: "DAUGHTER MAY INTERPRETING" (not "MAY COME")
    for m in _KIN_NAME_GERUND.finditer(text):
        if m.group(2).upper() not in ("BEING", "NOTHING", "SOMETHING", "EVERYTHING", "ANYTHING", "THING", "MORNING",
                                      "EVENING", "BRING", "SPRING", "STRING"):
            hits.append((m.start(1), m.end(1), "NAME", 0.6))
    for m in _GLUED_RELATIVE.finditer(text):
        u = fold(m.group(1)).upper()
        if u in lex.first and u not in lex.clinical and u not in _NOT_A_NAME:
            hits.append((m.start(1), m.end(1), "NAME", 0.6))  # "(DTR-SUE ON SPEAKERPHONE)"
    for m in _GLUED_KIN_NAME.finditer(text):
        u, whole = fold(m.group(1)).upper(), fold(m.group()).upper()
        if lex.first_pct.get(u, 0.0) >= 0.01 and not lex.is_known_word(whole) and u not in RELATIVES \
                and whole not in lex.first and whole not in lex.last and (m.group().islower() or m.group().isupper()):
            hits.append((m.start(1), m.end(1), "NAME", 0.6))  # "wifejune at bs", "husbandbill can't visit"
    for m in _ROLE_PAREN.finditer(text):
        for g in (1, 2):
            word = m.group(g) or ""
            u = fold(word).upper()
            if u and u in lex.first and (u not in _STOP or len(u) >= 3) and u not in _SERVICES \
                    and (u not in lex.clinical or len(u) >= 3 or u in NAME_PARTS) and (not sc.mixed_case or word[:1].isupper()):
                hits.append((m.start(g), m.end(g), "NAME", 0.6))  # "RT (WILL) WILL TRIAL", "PT/OT (KAI AND BO)"
    for m in _INTERPRETER_PAREN.finditer(text):
        said = [fold(w).upper() for w in m.group(1).split()]
        if all((w not in lex.clinical or (len(said) > 1 and (w in lex.first or w in lex.last)))
               and w not in _NOT_A_NAME and w not in CREDENTIALS and w not in _INTERPRETER_VENDORS
               and not medical_shape(w) and (lex.klass(w) != NOT_NAME or not lex.is_known_word(w)) for w in said):
            hits.append((m.start(1), m.end(1), "NAME", 0.6))  # "Amharic interpreter used (Tigist)", "(LE THUY, PGR 2277)"
    for m in _ROLE_ED.finditer(text):
        nxt = m.group(2)
        if nxt is None or nxt.upper() in ("FOLLOWING", "WHO", "WAITED", "WENT", "LEFT", "AND") or (
                len(nxt) >= 5 and nxt.upper().endswith(("ING", "ED")) and nxt.upper() not in lex.clinical) or (
                lex.last_pct.get(nxt.upper(), 0.0) >= 0.001 and nxt.upper() not in lex.clinical
                and nxt.upper() not in _NOT_A_NAME):
            hits.append((m.start(1), m.end(1), "NAME", 0.6))  # "RT ED FOLLOWING", "ED RN ED DALY", "BROTHER ED WAITED"
    if sc.mixed_case:
        for m in _ED_TITLE.finditer(text):
            if not _ED_PLACE_PREV.search(text, max(0, m.start() - 8), m.start()):
                hits.append((m.start(), m.end(), "NAME", 0.6))
    for m in _ED_SUBJECT.finditer(text):
        if not _ED_PLACE_PREV.search(text, max(0, m.start() - 8), m.start()):
            hits.append((m.start(), m.start() + 2, "NAME", 0.6))  # "ED STAYING OVERNIGHT"
    for m in _ED_SURNAME.finditer(text):
        nxt = m.group(1)
        if lex.last_pct.get(nxt, 0.0) >= 0.0005 and not lex.is_known_word(nxt) and nxt not in lex.clinical \
                and not _ED_PLACE_PREV.search(text, max(0, m.start() - 8), m.start()):
            hits.append((m.start(), m.start() + 2, "NAME", 0.6))
    for m in _NAME_IS_KIN.finditer(text):
        u = fold(m.group(1)).upper()
        if u in lex.first and u not in lex.clinical and u not in RELATIVES and u not in ("PT", "PATIENT"):
            hits.append((m.start(1), m.end(1), "NAME", 0.6))  # "MAY IS HCP", "HOPE IS HER HCP"
    for m in _NAME_COMMA_KIN.finditer(text):
        u = fold(m.group(1)).upper()
        if u in lex.first and u not in lex.clinical and u not in _NOT_A_NAME and u not in RELATIVES \
                and fold(m.group(2)).upper() in RELATIVES and (not sc.mixed_case or m.group(1)[:1].isupper()):
            hits.append((m.start(1), m.end(1), "NAME", 0.6))  # "Family (Ty, son)", "AL, THE PT'S CO-WORKER, CALLED"
    for m in _NAME_AGE_SEX.finditer(text):
        pieces = list(re.finditer(r"[^ \t,]+", m.group(1)))
        ups = [fold(pc.group()).upper() for pc in pieces]
        # "JACKSON, LATOYA 34F": a surname before its comma and a first name (even a word of the clinic's)
        comma = next((q for q in range(len(pieces) - 1) if m.group(1)[pieces[q].end():pieces[q].end() + 1] == ","
                      and ups[q] in lex.last and ups[q] not in _NOT_A_NAME
                      and ups[q + 1] in lex.first and ups[q + 1] not in lex.clinical), -1)
        trusted = {ups[comma]} if comma >= 0 else set()
        if comma >= 0:
            pieces, ups = pieces[comma:], ups[comma:]
        else:
            cut = [q + 1 for q in range(len(pieces) - 1) if m.group(1)[pieces[q].end():pieces[q].end() + 1] == ","]
            if cut:
                pieces, ups = pieces[cut[-1]:], ups[cut[-1]:]  # "Teresa Alvarado, USN, 27 y/o": after the comma only
        while ups and ups[0] not in trusted and (
                lex.is_known_word(ups[0]) or ups[0] in _NOT_A_NAME or ups[0] in lex.clinical):
            pieces.pop(0)  # "PT TOMASITA SANDOVAL 91F", "SUMMARY CRUZ 49M": the words before the name
            ups.pop(0)
        if pieces and all(pc.group()[:1].isupper() for pc in pieces) and all(u in trusted or (
                u not in lex.clinical and u not in _NOT_A_NAME and (lex.klass(u) != NOT_NAME or _rare_unknown(lex, u)))
                for u in ups) and any(lex.klass(u) != NOT_NAME or len(u) >= 5 for u in ups):
            hits.append((m.start(1) + pieces[0].start(), m.end(1), "NAME", 0.7))  # "MANUELITO, 52M", "Ana Ruiz 67F"
    for m in _COMMA_NAME_DAY.finditer(text):
        if m.group()[-1] == "(" and not re.match(r"[A-Za-z ]{3,30}\)[ \t]{1,2}(?-i:HD|POD|PBD|PTD)[ \t]?#?\d",
                                                 text[m.end():m.end() + 40]):
            continue  # "L. JACKSON (STATUS EPI) HD 2" but not "NEURO, STABLE (see below)"
        lasts = [fold(w).upper() for w in m.group(1).split()]
        givens = [fold(w).upper() for w in m.group(2).split()]
        start = m.start(1)
        if len(lasts) == 2 and (lasts[0] in lex.clinical or lasts[0] in _STOP or lasts[0] in _NOT_A_NAME):
            lasts.pop(0)  # "NEURO ICU BUI, DUC ANH POD 5": the unit before the name
            start = m.start(1) + m.group(1).index(" ") + 1
        if all(u not in lex.clinical and u not in _NOT_A_NAME and u not in _STOP
               and (u in lex.last or _rare_unknown(lex, u)) for u in lasts) and all(
                len(u) == 1 or (u not in lex.clinical and u not in _NOT_A_NAME and u not in _STOP
                                and (u in lex.first or u in lex.last or _rare_unknown(lex, u))) for u in givens):
            hits.append((start, m.end(2), "NAME", 0.75))
    for m in _CHILDREN_AGES.finditer(text):
        for kid in re.finditer(r"([A-Za-z][A-Za-z'\-]{1,15})[ \t,]{1,3}(?:age[ \t]{1,2})?\d{1,2}\b", m.group(1)):
            u = fold(kid.group(1)).upper()
            if u not in lex.clinical and u not in _NOT_A_NAME and (not sc.mixed_case or kid.group(1)[:1].isupper()):
                hits.append((m.start(1) + kid.start(1), m.start(1) + kid.end(1), "NAME", 0.6))  # "(Meron 12, Yonas 9)"
    for m in _WILL_WILL.finditer(text):
        hits.append((m.start(1), m.end(1), "NAME", 0.6))  # "SON WILL WILL BRING CLOTHES"
    for m in _TITLE_INITIAL_SURNAME.finditer(text):
        u = fold(m.group(1)).upper()
        if u not in TITLES and u not in CREDENTIALS and u not in _STOP and u not in VERBS and u not in (
                "FAMILY", "PATIENT", "PLAN", "WIFE", "HUSBAND", "SON", "DAUGHTER", "MOTHER", "FATHER", "TEAM"):
            hits.append((m.start(1), m.end(1), "NAME", 0.75))  # "Miss E. Swan", "Dear Dr. Swan,"
    for m in _HEADER_NAME.finditer(text):
        words = re.findall(r"[A-Za-z][A-Za-z'’\-]*", m.group(1))
        if words and not any(fold(w).upper() in RELATIVES or fold(w).upper() in ("UNKNOWN", "TRAUMA", "DOE")
                             for w in words):
            hits.append((m.start(1), m.end(1), "NAME", 0.8))  # the patient in a record header
    for m in _CALLED_NAME.finditer(text):
        u = fold(m.group(3)).upper()
        # what one calls a person may be a word of kinship ("calls her abuelita"): only a lexicon name or a rare word
        called = (m.group(2) or "").lower().startswith("call")
        if u not in _STOP and u not in lex.clinical and u not in _NOT_A_NAME and ((
                u in lex.first or not lex.is_known_word(u) or (m.group(1) is not None and m.group(3).istitle())
                or (m.group(1) is None and lex.zipf(u) < 3.5)) if not called else (
                (u in lex.first and lex.zipf(u) < 5.0) or (lex.is_known_word(u) and lex.zipf(u) < 3.5))):
            # "PREFERS TO BE CALLED MIKE", "goes by Stash", "pt goes by bucky", "brother known as sully", "calls him tony"
            hits.append((m.start(3), m.end(3), "NAME", 0.7))
    for m in _FIELD_COMMA_NAME.finditer(text):
        last, first = fold(m.group(2)).upper(), fold(m.group(3)).upper()
        if last not in lex.clinical and (len(first) == 1 or first not in lex.clinical) and last not in RELATIVES \
                and (last in lex.last or not lex.is_known_word(last)):
            hits.append((m.start(1), m.end(1), "NAME", 0.8))  # "Attending: KAPOOR,ANIL", "Name: PREWITT, DUSTIN J"
    for m in _TITLED_FULL_NAME.finditer(text):
        f, la = m.group(1), m.group(2)
        fu, lu = fold(f).upper(), fold(la).upper()
        if fu in lex.first and fu not in RELATIVES and fu not in TITLES and fu not in CREDENTIALS \
                and (fu not in _STOP or fu in ("WILL", "MAY")) \
                and lex.last_pct.get(lu, 0.0) >= (0.005 if lex.is_known_word(lu) else 0.0005) \
                and not _inflected(lex, lu) and lu not in _VERBISH and lu not in lex.clinical and lu not in _NOT_A_NAME \
                and lu not in RELATIVES and (not sc.mixed_case or (f[:1].isupper() and la[:1].isupper())) \
                and (fu not in lex.clinical or len(fu) >= 2):
            hits.append((m.start(1), m.end(2), "NAME", 0.6))  # "REV. WILL PRICE", "COACH TY SHORT"
    for m in _PT_FULL_NAME_LOWER.finditer(text):
        fu, lu = m.group(1).upper(), m.group(2).upper()
        lp = lex.last_pct.get(lu, 0.0)
        if lex.first_pct.get(fu, 0.0) >= 0.015 and fu not in _STOP and fu not in VERBS and fu not in lex.clinical \
                and fu not in RELATIVES and fu not in TITLES and fu not in CREDENTIALS \
                and lp >= 0.005 and lu not in lex.clinical and lu not in _NOT_A_NAME and lu not in VERBS \
                and lu not in _VERBISH and lu not in RELATIVES and (lp >= 0.03 or not (_verb_form(lex, lu) or _inflected(lex, lu))) \
                and not (sc.mixed_case and not sc.lower_at(m.start())):
            hits.append((m.start(1), m.end(2), "NAME", 0.6))  # "npn: pt grace banks seen", "mrs joy snow"
    for m in _PAREN_WORD.finditer(text):
        if not _KIN_BEFORE.search(text, max(0, m.start() - _KIN_WINDOW), m.start()):
            continue
        u = fold(m.group(1)).upper()
        if u in lex.first and u not in _NOT_A_NAME and u not in RELATIVES and (
                not sc.mixed_case or m.group(1)[:1].isupper()):
            hits.append((m.start(1), m.end(1), "NAME", 0.6))  # "DTR (LI)"
    for m in (*_REPORT_TO.finditer(text), *_COVERED_BY.finditer(text)):
        u = fold(m.group(1)).upper()
        if u in lex.first and u not in lex.clinical and u not in _NOT_A_NAME and (
                not sc.mixed_case or m.group(1)[:1].isupper()):
            hits.append((m.start(1), m.end(1), "NAME", 0.6))  # "REPORT GIVEN TO DEB", "BREAK COVERED BY HOPE"
    for m in _NAME_BEFORE_PHONE.finditer(text):
        contact = m.group(1)
        u = fold(contact).upper()
        labelled = m.group(0)[len(contact):].lstrip("'’sS \t")[:1].isalpha()  # "PEG HOME (215) ...", "LAN CELL ..."
        if (u in lex.clinical and not (labelled and u in lex.first)) or u in _NOT_A_NAME or u in _CONTACT_WORDS \
                or len(u) < 2 \
                or (sc.mixed_case and contact.islower()) \
                or (lex.is_known_word(u) and u not in lex.first and (lex.klass(u) == NOT_NAME or lex.zipf(u) >= 4.5)):
            continue
        hits.append((m.start(1), m.end(1), "NAME", 0.6))  # "DTR KEISHA CELL 617-...", "Grace's # 781-..."
    for m in _INITIALS_AFTER.finditer(text):
        g = 1 if m.group(1) else 2
        if m.group(g).upper().replace(".", "").replace(" ", "") not in _NOT_INITIALS:
            hits.append((m.start(g), m.end(g), "NAME", 0.6))  # "seen by J.S. from PT", "K.M. RN"
    # a colleague glued to their role: "RT-DWAYNE PLACED", "W/ RN-JOSE+ANESTHESIA", "SW-DEVON,RN"
    for m in _ROLE_GLUED.finditer(text):
        g = 1 if m.group(1) else 2
        glued = fold(m.group(g)).upper()
        if glued not in lex.clinical and glued not in _NOT_A_NAME and glued not in CREDENTIALS \
                and glued not in _ROLE_WORDS and (lex.klass(glued) != NOT_NAME or _rare_unknown(lex, glued)) \
                and (g == 1 or not lex.is_known_word(glued.replace("'", ""))
                     or (glued in lex.first and lex.zipf(glued) < 3.5)):
            hits.append((m.start(g), m.end(g), "NAME", 0.6))
    for m in _USERNAME_INLINE.finditer(text):
        u = m.group(1).upper()
        letters = u.rstrip("0123456789")
        by = m.group(1)[-1].isdigit() or (not sc.mixed_case and re.search(
            r"(?:\bBY|\bUNDER|\bPER|--)[ \t]*$", text[max(0, m.start(1) - 8):m.start(1)]) is not None) or (
            not sc.mixed_case and len(letters) >= 5 and (  # "FOR jokafor", "PRECEPTOR: kmcdonough": an initial + a surname
                lex.last_pct.get(letters[1:], 0.0) > 0.0 or lex.last_pct.get(letters[2:], 0.0) > 0.0))
        if by and u not in lex.clinical and letters not in lex.clinical and not lex.is_known_word(letters) \
                and not medical_shape(letters):
            hits.append((m.start(1), m.end(1), "NAME", 0.65))  # "ORDERS ENTERED UNDER kkaczmarczyk", "BY jmatti2"
    # another name for a person right after their name, in parentheses or quotes: 'HUSBAND CHEN (DONG MING)',
    # 'DAUGHTER SIOBHAN (SHIV)', 'PT PANAGIOTIS ("PETE")'
    for s0, e0, label, score in list(hits):
        ma = _ALIAS_AFTER.match(text, e0) if label == "NAME" and score >= 0.75 else None
        if ma is None:
            continue
        alias = [fold(w).upper() for w in ma.group(1).split()]
        if any(w in lex.clinical and w not in lex.first for w in alias) or any(
                w in _NOT_A_NAME or w in RELATIVES or w in CREDENTIALS for w in alias):
            continue
        before = text[max(0, s0 - 6):s0].upper()
        if re.search(r"\b(?:DR|DRS|DOCTOR)\.?[ \t]{1,2}$", before):
            continue  # "Dr. Frost (hepatology)": a clinician's service, not another name
        raw = ma.group(1).split()
        if ma.group(0).lstrip(" \t(")[:1] in "\"“" or all(
                (w in lex.first or lex.last_pct.get(w, 0.0) >= 0.0005) and len(w) >= 2
                and (not lex.is_known_word(w) or lex.zipf(w) < 4.0 or lex.klass(w) == PURE) for w in alias) or (
                len(alias) == 2 and all(len(w) >= 3 and lex.zipf(w) < 3.0 and not medical_shape(w) for w in alias)
                and (not sc.mixed_case or all(r[:1].isupper() and not r.isupper() for r in raw))):
            # also a full name of rare words: "Son Genti (Gentian Hoxha)"
            hits.append((ma.start(1), ma.end(1), "NAME", 0.6))
    hits.extend(_particle_parts(text, lex, hits))
    hits.extend(_descriptive_surnames(text, sc, hits))
    return [_untitled(text, h) for h in hits if not _a_people(text, h)]


_LEADING_TITLE = re.compile(r"([^\W\d_]+)\.?[ \t]{1,2}(?=[^\W\d_])")


def _untitled(text: str, h: Hit) -> Hit:
    """A name without the title a run took in ("Pastor Kim" -> "Kim"): titles are not PHI."""
    m = _LEADING_TITLE.match(text, h[0], h[1])
    if h[2] == "NAME" and m is not None and fold(m.group(1)).upper() in TITLES:
        return (m.end(), h[1], h[2], h[3])
    return h


# nations and peoples that notes name beside a patient ("68 yo M from Lapwai, Nez Perce", "F Tsimshian"): no person
# (first names such as Dakota or Cheyenne are left out of the list)
_PEOPLES = frozenset(
    "NAVAJO DINE APACHE LAKOTA NAKOTA SIOUX CHEROKEE CHOCTAW CHICKASAW MUSCOGEE SEMINOLE YAKAMA PAIUTE MAKAH NEZ PERCE "
    "TLINGIT TSIMSHIAN HAIDA YUPIK YUP'IK CUPIK INUPIAT INUPIAQ ALEUT UNANGAN ATHABASCAN ATHABASKAN BLACKFEET SALISH "
    "KOOTENAI SHOSHONE BANNOCK HOPI ZUNI TOHONO O'ODHAM YAQUI PASCUA PIMA MOHAVE HUALAPAI HAVASUPAI OJIBWE OJIBWA "
    "CHIPPEWA MENOMINEE ONEIDA HO-CHUNK POTAWATOMI OSAGE PAWNEE ARAPAHO ASSINIBOINE HIDATSA MANDAN ARIKARA "
    "LUMMI TULALIP PUYALLUP SUQUAMISH QUINAULT UMATILLA KLAMATH KARUK YUROK HOOPA POMO MIWOK WAMPANOAG "
    "NARRAGANSETT PASSAMAQUODDY PENOBSCOT MOHAWK ONONDAGA LUMBEE BASQUE AZOREAN GARIFUNA SAMOAN TONGAN CHAMORRO "
    "MARSHALLESE CHUUKESE".split())


def _a_people(text: str, h: Hit) -> bool:
    """Whether a NAME hit is only a people's name (and a sex letter), with no title before it."""
    words = [fold(w).upper() for w in re.findall(r"[A-Za-z][A-Za-z'’\-]*", text[h[0]:h[1]])]
    if h[2] != "NAME" or not any(w in _PEOPLES for w in words) or not all(w in _PEOPLES or w in ("M", "F")
                                                                         for w in words):
        return False
    return re.search(r"\b(?:dr|mr|mrs|ms|miss)\.?[ \t]{1,2}$", text[max(0, h[0] - 6):h[0]], re.IGNORECASE) is None


# words of the descriptive surnames of Plains and Rockies nations: "Winona Two Bulls", "LEROY POOR BEAR",
# "Ambrose Kills Enemy", "MAXINE NOT AFRAID" (a name is extended over two or more of them, not over one)
_DESCRIPTIVE_SURNAME = frozenset(
    "TWO THREE FOUR BULL BULLS YELLOW HAWK HAWKS KILLS KILLER ENEMY LONG SOLDIER POOR BEAR BEARS WHITE EAGLE "
    "EAGLES HORSE HORSES ELK THUNDER CROW CROWS WOLF CLOUD CLOUDS BIRD BIRDS FEATHER FEATHERS IRON STANDING RUNNING "
    "LITTLE RED BLACK PLENTY MANY HOLY SHIELD ROAD HORN HORNS BUFFALO CHASER CHASES FOOL BONNET WOMAN CHIEF ARROW "
    "ARROWS LANCE KNIFE SPOTTED TAIL STAR STARS COMES LAST GOOD FAST HIGH NOT AFRAID WHIRLWIND SHOOTS TALL TREE "
    "STONE RABBIT FOX OWL DOG COYOTE CRANE GOES AHEAD MEDICINE SITTING HOLLOW BLUE GREY GRAY BROKEN LEGGINS CHARGER "
    "SHOT MOCCASIN SWIFT WALKING HOOP ROCK SKY WOUNDED WHISTLE SUN MOON BRAVE HEART EYES WEASEL BOY FIGHTER "
    "LEADING PRETTY AMERICAN ROBE PLUME HAND TURTLE OTTER MAGPIE BEAVER WARRIOR".split())
_SURNAME_MODIFIERS = frozenset("TWO THREE FOUR NOT MANY LITTLE LONG HIGH LAST GOOD FAST TALL COMES GOES PLENTY "
                                "SHOOTS CHASES KILLS BRAVE PRETTY LEADING AMERICAN".split())
_NEXT_WORD = re.compile(r"[ \t]{1,2}([A-Za-z]+)\b")


def _descriptive_surnames(text: str, sc: Scan, hits: list[Hit]) -> list[Hit]:
    """A found name extended over the words of a descriptive surname after it ("Bernice Long" -> "Bernice Long
    Soldier"), when the surname has two such words or more."""
    out: list[Hit] = []
    for s0, e0, label, score in hits:
        if label != "NAME" or score < 0.6:
            continue
        last = re.findall(r"[A-Za-z]+", text[s0:e0])
        count = int(bool(last) and last[-1].upper() in _DESCRIPTIVE_SURNAME)
        e = e_noun = e0
        for _ in range(3):
            m = _NEXT_WORD.match(text, e)
            if m is None or m.group(1).upper() not in _DESCRIPTIVE_SURNAME or (
                    sc.mixed_case and not (m.group(1).istitle() or (m.group(1).isupper() and text[s0:e0].isupper()))):
                break
            e, count = m.end(1), count + 1
            if m.group(1).upper() not in _SURNAME_MODIFIERS:
                e_noun = e
        e = e_noun  # the surname ends in a noun: not "DR. LONG NOT ON TODAY"
        if e > e0 and count >= 2:
            out.append((s0, e, "NAME", min(score, 0.7)))
    return out


# particles inside a person's name, written in lower case in prose: "Maria do Carmo Pacheco", "Dolores Martinez y
# Trujillo", "M. dela Cruz", "Ahmed bin Khalid al-Ani"
_PARTICLE_AFTER = re.compile(r"[ \t](?:(?:do|da|dos|das|de|del|della|di|du|y|dela|de[ \t]la|van|van[ \t]der|von|bin|ibn|bint|"
                             r"al|el)[ \t])?((?:al|el|bin|ibn|abu|abd)-[A-Z][a-z'\-]+|[A-Z][a-z'\-]+)")
_PARTICLE_BEFORE = re.compile(r"(?:\b[A-Z]\.[ \t]?|\b[A-Z][a-z]+[ \t])?\b(?:dela|de[ \t]la|del|van|van[ \t]der|von|di|da|"
                              r"du|bin|ibn)[ \t]$")


def _particle_parts(text: str, lex: Lexicons, hits: list[Hit]) -> list[Hit]:
    """The rest of a name a particle joins to a found name (mixed-case prose only)."""
    out: list[Hit] = []
    for s0, e0, label, score in hits:
        if label != "NAME" or score < 0.7 or not any(c.islower() for c in text[s0:e0]):
            continue
        ma = _PARTICLE_AFTER.match(text, e0)
        if ma is not None and ma.start(1) > e0 + 1:  # a particle, then the next part of the name
            part = fold(ma.group(1)).upper()
            tail = part.split("-", 1)[1] if part[:3] in ("AL-", "EL-") or part[:4] in ("BIN-", "IBN-", "ABU-", "ABD-") \
                else part
            if tail not in lex.clinical and tail not in _NOT_A_NAME and (
                    lex.klass(tail) != NOT_NAME or not lex.is_known_word(tail)):
                out.append((s0, ma.end(1), "NAME", min(score, 0.7)))
        elif ma is not None and ma.group(1)[:3].lower() in ("al-", "el-"):
            out.append((s0, ma.end(1), "NAME", min(score, 0.7)))  # "Abdulla Saleh al-Qadhi"
        mb = _PARTICLE_BEFORE.search(text, max(0, s0 - 16), s0)
        if mb is not None:
            out.append((mb.start(), e0, "NAME", min(score, 0.7)))  # "M. dela Cruz"
    return out


# user names inside a line: lower-case letters with a digit suffix ("jmatti2"), or lower-case after BY/UNDER in an
# upper-case note
_INITIALS_AFTER = re.compile(r"(?:\b(?:by|per|with|w/|to|from|and|cc)[ \t]{1,2}|\b(?:RT|RN|NP|MD|SW|CM|OT|HO)[ \t]{0,2}\(|"
                             r"\b(?:RT|RN|NP|MD|SW|CM|OT|HO|PA)[ \t](?=[A-Z]\.[A-Z]\.(?:[ \t]{1,2}(?:aware|notified|updated|at)\b|[ \t]*$))|"
                             r"(?:^|[ \t])--?[ \t]?(?=[A-Z]\.[ ]?[A-Z]\.[ \t]*$))"
                             r"([A-Z]\.[ ]?[A-Z]\.)(?![A-Za-z])|"
                             r"(?<![\w.])([A-Z]\.[A-Z]\.)(?=(?:,?[ \t]{1,2}|/)(?:RN|MD|NP|PA|RRT|RT|LPN|CNA|SW)\b)",
                             re.IGNORECASE | re.MULTILINE)
_ROLE_GLUED = re.compile(r"\b(?:RN|RT|RRT|NP|SW|CM|MD|PA|PCA|TECH|OT)-([A-Z][A-Za-z']{1,15})\b(?!-)"
                         r"|\b(?:rn|rt|rrt|np|sw|cm|pca|tech)-([a-z][a-z']{1,15})\b(?![-/])")  # lower case: "w/ rn-keisha"
# care-team roles written right before a colleague's name (regular-expression alternatives)
_TEAM_ROLES = "RN|RT|RRT|NP|SW|CM|COORDINATOR|BIOMED|CHAPLAIN|TECH"
# colleagues named in parentheses after their role: "RT (WILL) WILL TRIAL PS", "PT/OT (KAI AND BO)", "IV TEAM (BO)"
_ROLE_PAREN = re.compile(rf"\b(?:{_TEAM_ROLES}|MD|PA|OT|PT/OT|OT/PT|SLP|TEAM|INTERPRETER|NEOB|HO|RESIDENT|FELLOW|INTERN|"
                         r"NURSE)S?[ \t]{0,2}\(([A-Za-z]{2,12})(?:(?:,|[ \t]{1,2}and|"
                         r"[ \t]{0,2}&)[ \t]{0,2}([A-Za-z]{2,12}))?\)", re.IGNORECASE)
# an interpreter named in parentheses a few words after the word: "interpreter used (Tigist)"
_INTERPRETER_PAREN = re.compile(r"\binterp(?:reter)?s?\b[^()\n.;]{0,24}?\(((?-i:[A-Z])[A-Za-z'\-]{1,14}"
                                r"(?:[ \t](?-i:[A-Z])[A-Za-z'\-]{1,14}){0,2})(?=[),])", re.IGNORECASE)
_INTERPRETER_VENDORS = frozenset("CYRACOM STRATUS LANGUAGELINE VOYCE MARTTI PROPIO GLOBO".split())
# a colleague or relative called Ed (ED is also the emergency department): "RT ED FOLLOWING", "VAD COORDINATOR ED, WHO"
_ROLE_ED = re.compile(rf"\b(?:{_TEAM_ROLES}|BROTHER|SON|HUSBAND|FATHER|UNCLE|NEPHEW|"
                      r"FRIEND|COUSIN)[ \t]{1,2}(ED)\b(?:[ \t]{0,2}(?:,|\)|@|$)|[ \t]{1,2}([A-Z][A-Za-z'\-]{1,20})\b)",
                      re.MULTILINE)
# Ed in mixed-case prose, where the department is written ED: "RT Ed assisted", "Ed (son) called"
_ED_TITLE = re.compile(r"(?<![\w/])Ed\b(?!-|/|[ \t]{1,2}(?:"
                       r"visit|course|stay|room|bay|physician|attending|resident|team|staff|nurse|RN|MD|triage|doc|provider|"
                       r"eval|evaluation|w/u|workup|records|admission|arrival|boarding|note|hold|pod|[A-Z]{2,}\b))")
# Ed as the subject of a person's verb: "ED STAYING OVERNIGHT IN ROOM", "ED ASKED ABOUT ..."
_ED_SUBJECT = re.compile(r"\bED[ \t]{1,2}(?:STAYING|STAYED|VISITING|VISITED|WANTS|WANTED|STATES|STATED|ASKED|ASKING|"
                         r"UPDATED|SPENT|SLEPT|LEFT[ \t]{1,2}AT|WENT[ \t]{1,2}HOME|AGREES|AGREED|TEARFUL|UPSET|SIGNED)\b")
# Ed before a listed surname, not after a preposition: "VERIFIED BY MOTHER AS ED VILLARREAL"
_ED_SURNAME = re.compile(r"\bED[ \t]{1,2}([A-Z][A-Z'\-]{2,20})\b")
# words before ED / Ed that make it the emergency department ("FROM ED", "in Ed")
_ED_PLACE_PREV = re.compile(r"\b(?:IN|TO|AT|OF|THE|PER|FROM|VIA|AN|AND|OR|OUR)[ \t]{1,2}$", re.IGNORECASE)
# a first name that is also a word, named as the health-care proxy or a relative: "MAY IS HCP", "HOPE IS HER HCP"
_NAME_IS_KIN = re.compile(r"\b([A-Za-z]{2,12})[ \t]{1,2}(?:is|was)[ \t]{1,2}(?:the[ \t]{1,2}|her[ \t]{1,2}|his[ \t]{1,2}|"
                          r"pt'?s[ \t]{1,2})?(?:hcp|proxy|health[ \t]care[ \t]proxy|guardian|nok|next[ \t]of[ \t]kin)\b",
                          re.IGNORECASE)
# a first name set off by a comma before the person's relation: "(Ty, son)", "AL, THE PT'S CO-WORKER,"
_NAME_COMMA_KIN = re.compile(r"(?:^|\(|\n)[ \t]{0,2}([A-Za-z]{2,12}),[ \t]{1,2}(?:the[ \t]{1,2})?(?:pt'?s[ \t]{1,2}|patient'?s[ \t]{1,2}|"
                             r"his[ \t]{1,2}|her[ \t]{1,2}|their[ \t]{1,2})?([A-Za-z\-]{2,14})(?=[ \t]{0,2}[,)])",
                             re.IGNORECASE | re.MULTILINE)
# children and their ages in parentheses: "CHILDREN (TY, 9 AND KAI, 6)", "Children (Meron 12, Yonas 9)"
_CHILDREN_AGES = re.compile(r"\b(?:children|kids|grandchildren|grandkids|sons|daughters)[ \t]{0,2}\(((?:[A-Za-z][A-Za-z'\-]{1,15}"
                            r"[ \t,]{1,3}(?:age[ \t]{1,2})?\d{1,2}(?:[ \t]{0,2}(?:,|and|&)[ \t]{0,2})?){1,6})\)",
                            re.IGNORECASE)
# second parts of double first names that are also words or abbreviations ("WILLIE MAE", "BILLY JO")
_SECOND_FIRST = frozenset("MAE MAY ANN ANNE LOU SUE RAE BETH JO KAY LYNN JEAN MARIE ELLEN BOB RAY LEE".split())
# a title or a role before a first name that is also a word and a surname: "PASTOR REV. WILL PRICE",
# "COACH TY SHORT CALLED", "LEGION POST COMMANDER ED BROWN", "SAFETY OFFICER BILL KING"
_TITLED_FULL_NAME = re.compile(r"\b(?:REV|FR|PASTOR|MR|MRS|MS|SGT|OFFICER|DET|DETECTIVE|CAPT|CAPTAIN|COACH|COMMANDER|"
                               r"CHAPLAIN|DEACON|RABBI|TROOPER|DEPUTY|LT|SISTER|BROTHER|UNCLE|AUNT|COUSIN|NEIGHBOR)"
                               r"\.?[ \t]{1,2}([A-Za-z]{2,12})[ \t]{1,2}([A-Za-z][A-Za-z'\-]{1,20})\b", re.IGNORECASE)
# the patient's first name and surname in a lower-case note, both listed names that may be words: "pt guy cash off
# pressors", "sw note: pt bill lake seen"
_PT_FULL_NAME_LOWER = re.compile(r"\b(?:pt|patient|mr|mrs|ms|miss)\.?[ \t]{1,2}([a-z]{2,12})[ \t]{1,2}([a-z][a-z'\-]{1,20})\b")
# a record header: the patient's name between a field and the date of birth or record number
# ("PATIENT: GLOVER, JO  MRN:", "Pt: DOSE, ROYAL  DOB 01/08", "RE: Frank P. Doctor   DOB:")
_HEADER_NAME = re.compile(r"\b(?:patient(?:[ \t]name)?|pt|re|name)[ \t]{0,2}:[ \t]{0,3}"
                          r"((?:[A-Za-z][A-Za-z'’\-]{0,25}\.?(?:,[ \t]{0,2}|[ \t]{1,2})){1,3}?[A-Za-z][A-Za-z'’\-]{0,25}\.?)"
                          r"(?=[ \t]{0,6}\||[ \t]{2,6}(?:dob\b|d\.o\.b|mrn\b|mr#|acct\b|age\b|sex\b|date[ \t]of[ \t]birth))",
                          re.IGNORECASE)
# "SURNAME,FIRST MI" after a record field, as EHR headers and signatures print it ("AUTHOR: ESPINOZA,DIANA M",
# "Attending: KAPOOR,ANIL   PCP: OKAFOR,GRACE", "Name: DELGADO, MARCUS A   LCpl")
_FIELD_COMMA_NAME = re.compile(r"\b(?i:patient(?:[ \t]name)?|pt(?:[ \t]name)?|name|attending|pcp|author|provider|cosigner|"
                               r"signed(?:[ \t]by)?|surgeon|resident|fellow|nurse|rn|md|np)[ \t]{0,2}:[ \t]{0,3}"
                               r"(([A-Z][A-Za-z'’\-]{1,25}),[ \t]?([A-Z][A-Za-z'’\-]{0,25})(?:[ \t][A-Z]\.?)?)\b")
# a surname after a title and an initial, or after "Dear Dr.": "Miss E. Swan", "Dr. P. Child", "Dear Dr. Swan,"
_TITLE_INITIAL_SURNAME = re.compile(r"\b(?:(?:Dr|Drs|Mr|Mrs|Ms|Miss|Prof)\.?[ \t]{1,2}[A-Z]\.[ \t]{0,2}|"
                                    r"Dear[ \t]{1,2}(?:Dr|Mr|Mrs|Ms|Miss|Prof)\.?[ \t]{1,2})([A-Z][A-Za-z'’\-]{1,25})\b")
_ALIAS_AFTER = re.compile(r"[ \t]{0,2}\([\"“]?([A-Za-z][A-Za-z'\-]{1,15}(?:[ \t][A-Za-z][A-Za-z'\-]{1,15})?)[\"”]?\)")
# a relative named in parentheses: "DTR (LI) AND SON-IN-LAW", "wife (Mai) at bedside"
_PAREN_WORD = re.compile(r"\(([A-Za-z][A-Za-z'\-]{1,14})\)")
_KIN_BEFORE = re.compile(r"\b(?:" + "|".join(sorted((re.escape(r) for r in RELATIVES), key=len, reverse=True))
                         + r")[ \t]{0,2}\Z", re.IGNORECASE)  # searched up to the "(": the kin word must end there
_KIN_WINDOW = max(len(r) for r in RELATIVES) + 2
# the nurse who covered a break: "BREAK COVERED BY HOPE.", "relieved by Rose for lunch"
_COVERED_BY = re.compile(r"\b(?:covered|relieved|covering|cover)[ \t]{1,2}by[ \t]{1,2}([A-Za-z][a-z]{1,14}|[A-Z]{2,15})\b"
                         r"(?![ \t]{0,2}(?:RN|MD|NP|RT)\b)", re.IGNORECASE)
# a relative named Will before the verb will: "SON WILL WILL BRING CLOTHES", "brother will will be here"
_WILL_WILL = re.compile(r"\b(?:son|husband|brother|father|dad|nephew|grandson|uncle|cousin|friend|boyfriend|partner)"
                        r"[ \t]{1,2}(will)[ \t]{1,2}will\b", re.IGNORECASE)
# the nurse a report goes to or comes from: "REPORT GIVEN TO DEB", "gave report to Kim", "HANDOFF FROM PAT"
_REPORT_TO = re.compile(r"\b(?:report(?:[ \t]{1,2}(?:given|called|received|taken))?|handoff|hand-off|sign-?out)"
                        r"[ \t]{1,2}(?:to|from)[ \t]{1,2}([A-Za-z][a-z]{1,14}|[A-Z]{2,15})\b(?![ \t]{0,2}(?:RN|MD|NP)\b)",
                        re.IGNORECASE)
# the name a patient uses, without quotes: "PREFERS TO BE CALLED HOPE", "likes to be called Bud", "goes by Stash"
_CALLED_NAME = re.compile(r"\b(?:((?:prefers|likes|wants|asks|asked)[ \t]{1,2}to[ \t]{1,2}be[ \t]{1,2}called)|goes[ \t]{1,2}by|"
                          r"(known[ \t]{1,2}as|call(?:s|ed|ing)?[ \t]{1,2}(?:him|her)))"
                          r"[ \t]{1,2}([A-Za-z][A-Za-z'\-]{1,15})\b(?![ \t]{0,2}(?:back|to|at|on|in|w/|re)\b)", re.IGNORECASE)
_NICKNAME_QUOTED = re.compile(r"\b(?:nickname(?:d)?|goes[ \t]by|known[ \t]as|aka|a\.k\.a\.|alias|prefers[ \t]to[ \t]be[ \t]"
                              r"called|calls[ \t](?:him|her)self|call(?:s|ed|ing)?[ \t](?:him|her))(?:[ \t]is)?[ \t:]{0,3}[\"“]([^\"”\n]{2,30})[\"”]",
                              re.IGNORECASE)
_ALIAS_REGISTERED = re.compile(r"\b(?:registered|listed|admitted|entered)[ \t]{1,2}(?:in[ \t]EHR[ \t])?as"
                               r"[ \t]{1,2}(?:trauma[ \t]{1,2})?[\"“]([A-Za-z][A-Za-z ,.'\-]{1,28}[A-Za-z])[\"”]",
                               re.IGNORECASE)
_NATO = ("ALPHA|BRAVO|CHARLIE|DELTA|ECHO|FOXTROT|GOLF|HOTEL|INDIA|JULIET|KILO|LIMA|MIKE|NOVEMBER|OSCAR|PAPA|QUEBEC|"
         "ROMEO|SIERRA|TANGO|UNIFORM|VICTOR|WHISKEY|XRAY|X-RAY|YANKEE|ZULU")
_TRAUMA_ALIAS = re.compile(rf"[\"“](TRAUMA[ \t]{{1,2}}(?:{_NATO})(?:[ \t,]{{1,2}}(?:{_NATO}))?)[\"”]|"
                           rf"\bTRAUMA[ \t]{{1,2}}[\"“]?((?:{_NATO})(?:[ \t,]{{1,2}}(?:{_NATO}))?)\b", re.IGNORECASE)
_QUOTED_WORD = re.compile(r"(?<![\w\"“])[\"“]([A-Za-z][A-Za-z'’]{1,14})[\"”](?![\w\"”])")
_QUOTE_KIN = RELATIVES | frozenset("FRIENDS FRIEND GF BF EX".split())
_QUOTE_ACTS = frozenset("CALLED CALLS CALLING VISITED VISITING VISITS BROUGHT BRINGS EXTUBATED STATES SAYS SAID ASKED "
                        "ASKING UPDATED LEFT CAME STAYED".split())
_KIN_NAME_GERUND = re.compile(r"\b(?:DAUGHTER|DTR|SON|WIFE|HUSBAND|SISTER|BROTHER|MOTHER|FATHER|NIECE|NEPHEW|FRIEND|AUNT|"
                              r"UNCLE|COUSIN|GRANDDAUGHTER|GRANDSON)[ \t]{1,2}(MAY|WILL|JUNE|APRIL|HOPE|GRACE|FAITH|JOY|"
                              r"ROSE|AL|ED|BILL|RICH|MAX|DAWN|SUNNY|ROBIN|DEE|CHRISTIAN)[ \t]{1,2}([A-Z]+ING)\b")
_GLUED_RELATIVE = re.compile(r"\b(?:DTR|DAUGHTER|SON|WIFE|HUSBAND|SISTER|BROTHER|MOTHER|FATHER|NIECE|NEPHEW|FRIEND|HCP)"
                             r"[-/]([A-Za-z]{2,15})\b", re.IGNORECASE)
# a relative's first name glued to the word without a space in a hurried note: "wifejune at bs", "DTRFAITH CALLED"
_GLUED_KIN_NAME = re.compile(r"\b(?:dtr|daughter|wife|husband|sister|brother|mother|father|mom|niece|nephew|hcp|friend)"
                             r"([a-z]{3,12})\b", re.IGNORECASE)
# a contact's name before a phone number: "LAN CELL (617) 555-0101", "Bill's number: 603-...", "BUNNY 617.555.0108"
_NAME_BEFORE_PHONE = re.compile(
    r"(?<![\w'’\-])([A-Za-z][A-Za-z'’\-]{1,20}?)(?:'s|’s)?[ \t]{1,2}"
    r"(?:(?:cell|phone|ph|mobile|home|work|number|no\.?|#|c|h|w|tel)[ \t]{0,2}[:#]?[ \t]{0,2}(?:is[ \t]{1,2})?)?"
    r"\(?\d{3}\)?[ .\-]?\d{3}[ .\-]\d{4}(?!\d)", re.IGNORECASE)
_CONTACT_WORDS = frozenset("CELL PHONE PH MOBILE HOME WORK NUMBER NO TEL FAX PAGER BEEPER OFFICE DESK UNIT EXT CALL "
                           "CALLED CONTACT CONTACTS AT IS OR AND TO LINE CLINIC OFFICE MAIN NURSING STATION "
                           "HOTLINE DIRECT".split())
_NOT_INITIALS = frozenset("AM PM US DC NP RN MD PA OT PT SW ER OR IV PO ED UK CT GI GU ID IM SQ SC RA QD SR LA RV LV "
                          "AV MR TR AS AR PR QH HS".split())
_USERNAME_INLINE = re.compile(r"(?<![\w@./\-])([a-z]{4,12}\d{1,3}|[a-z]{5,14})(?![\w@/\-]|\.\w)")
# the EHR account after a signing word: "Electronically signed by dorina.boucsein on", "Entered by: okafor_j",
# "entered by: JRODRIGUEZ4 / cosigned lmc"
_USER_AFTER_SIGN = re.compile(r"\b(?:signed|entered|cosigned|co-signed|documented|authored|charted)(?:[ \t]{1,2}by)?"
                              r"[ \t]{0,2}:?[ \t]{0,2}([A-Za-z][A-Za-z]{0,19}(?:[._][A-Za-z]{1,20})?\d{0,3})(?![\w@/\-]|\.\w)",
                              re.IGNORECASE)
_USERNAME = re.compile(r"(?:^|\n|--?|(?:signed|entered|written|documented|authored|reviewed)(?: by)?:?|sig:)"
                       r"[ \t]*([a-z]{2,12}\d{0,3})[ \t]*(?:$|\n)", re.IGNORECASE)


# words before a common word used as itself ("HOW LONG WILL", "THE GRACE OF")
_MODIFIERS = frozenset("HOW THE A AN VERY SO TOO AS THIS THAT ANY NO MY HIS HER OUR THEIR YOUR".split())
# irregular verbs that follow a person ("HOPE FLEW IN", "PJ TOLD RN")
_PERSON_VERBS = frozenset("FLEW FLIES FLYING TOLD TELLS SPOKE SAW SEES RAN DOES".split())


# what a person does after their name, said again ("PEG REQUESTS PARISH PRIEST", "UNTIL PJ ARRIVES")
_PERSON_AFTER = frozenset("REQUESTS REQUESTED ARRIVES ARRIVING WANTS AGREES ASKS DISAGREES DISAGREED UNDERSTANDS "
                          "REPORTS ALSO PREFERS HOPES".split())
# what is done to a person before their name, said again ("TOLD PEG", "PER WILL", "CALL MAY IN AM")
_PERSON_BEFORE = frozenset("TOLD TELL TELLS CALL CALLED ASK ASKED PER UPDATE UPDATED NOTIFIED INFORMED GAVE "
                           "AFTER UNTIL".split())


def _person_before(sc: Scan, i: int) -> bool:
    """Whether the word before token ``i`` makes it a person ("TOLD PEG", "PER WILL", "UNTIL PJ ARRIVES")."""
    toks = sc.tokens
    if i >= 1 and toks[i - 1].up in _PERSON_BEFORE and toks[i - 1].end < toks[i].start:
        return toks[i - 1].up not in ("AFTER", "UNTIL") or (i + 1 < len(toks) and toks[i + 1].up.startswith("ARRIV"))
    return False


def _propagate(sc: Scan, lex: Lexicons, flag: dict[int, float]) -> None:
    """Flag the other occurrences of confidently found names that are no frequent words."""
    toks = sc.tokens
    names = set()
    for i, score in flag.items():
        u = toks[i].up
        u = u[:-2] if u.endswith(("'S", "’S")) else u
        if score >= 0.7 and len(u) >= 3 and u.isalpha() and u not in lex.clinical and u not in _NOT_A_NAME \
                and lex.zipf(u) < 3.5 and (lex.klass(u) == PURE or not lex.is_known_word(u)):
            names.add(u)
    # frequent words found as first names ("DAUGHTER HOPE", "wife Faith") only where they act as a person again:
    # capitalised in prose, or before a verb or a pause ("HOPE FLEW IN", "Faith tearful", "GAY STATES")
    frequent = set()
    for i, score in flag.items():
        u = toks[i].up
        if score >= 0.55 and u.isalpha() and len(u) >= 2 and u not in lex.clinical and u not in _NOT_A_NAME \
                and u not in names and (u in lex.first or len(u) == 2):
            frequent.add(u)  # also nicknames like "PJ"
    # first names that are also function or clinical words ("SON WILL", "DAUGHTER PEG", "SISTER MAY"): again only
    # where a person is told, asked or quoted ("PER WILL", "TOLD PEG", "CALL MAY IN AM")
    wordlike = {toks[i].up for i, score in flag.items()
                if score >= 0.6 and toks[i].up in lex.first and toks[i].up.isalpha() and len(toks[i].up) >= 3
                and toks[i].up not in names and toks[i].up not in frequent and toks[i].up not in RELATIVES
                and toks[i].up not in TITLES and toks[i].up not in CREDENTIALS and toks[i].up not in _WEEKDAYS}
    if not names and not frequent and not wordlike:
        return
    for i in sc.words:
        if i in flag:
            continue
        t = toks[i]
        u = t.up[:-2] if t.up.endswith(("'S", "’S")) else t.up
        if u not in names and u not in wordlike and u not in frequent:
            continue
        # cased as a name: capitalised in prose, or in an ALL-CAPS note, or in a lower-case note or line
        cased = (t.is_title if sc.mixed_case else t.is_upper) or (t.is_lower and (not sc.mixed_case or sc.lower_line(i)))
        if u in names and (not sc.mixed_case or not t.is_lower):
            flag[i] = 0.65
        elif u in wordlike and cased and (
                _person_before(sc, i) or (i + 1 < len(toks) and toks[i + 1].up in _PERSON_AFTER)):
            flag[i] = 0.6
        elif u in frequent and cased and i + 1 < len(toks) \
                and t.up == u and toks[i + 1].up not in lex.clinical and toks[i + 1].up not in _LANGUAGE_NEXT \
                and not _eponym_or_field(sc, i) \
                and not (i >= 1 and toks[i - 1].up in _MODIFIERS) \
                and (toks[i + 1].up in _VERBISH or toks[i + 1].up in _ROLE_VERBS or toks[i + 1].up in _PERSON_VERBS
                     or toks[i + 1].up in _PERSON_AFTER or _person_before(sc, i)
                     or (sc.mixed_case and u not in _STOP and toks[i + 1].is_lower and toks[i + 1].up not in _STOP)
                     or (toks[i + 1].kind == "w" and toks[i + 1].up.endswith("ED") and len(toks[i + 1].up) > 4)
                     or (toks[i + 1].kind == "w" and toks[i + 1].up.endswith("ING") and len(toks[i + 1].up) > 5)
                     or (sc.mixed_case and not sc.sentence_initial(i) and toks[i + 1].text in ",;)")):
            flag[i] = 0.6


def _coordinated_name(sc: Scan, lex: Lexicons, i: int, j: int) -> bool:
    """Whether token ``j`` after ``NAME AND`` is a second name: a lexicon name or a rare unknown word, cased like
    the first one."""
    toks = sc.tokens
    tj, ti = toks[j], toks[i]
    if tj.kind != "w" or tj.up in _NOT_A_NAME or tj.up in lex.clinical or len(tj.up) < 2:
        return False
    if sc.mixed_case and not (tj.is_title or tj.is_upper) and ti.is_title:
        return False
    k = lex.klass(tj.up)
    if k == PURE or (k == AMBIGUOUS and sc.mixed_case and tj.is_title) or _rare_unknown(lex, tj.up):
        return True
    # after a plural relative the list is of names: "SONS DALE AND RICH", "SONS TOU AND PAO"
    p = sc.prev_word(i, _CTX_SKIP)
    return p >= 0 and toks[p].up in _PLURAL_RELATIVES and tj.up.isalpha() and not medical_shape(tj.up) and (
        k != NOT_NAME or not lex.is_known_word(tj.up)) and (not sc.mixed_case or not tj.is_lower)


def _run_hit(sc: Scan, run: list[int], flag: dict[int, float]) -> Hit:
    s = sc.tokens[run[0]].start
    e = _strip_possessive(sc.text, s, sc.tokens[run[-1]].end)
    last = sc.tokens[run[-1]]
    if len(last.text) == 1 and last.end < len(sc.text) and sc.text[last.end] == ".":
        e = last.end + 1  # keep the dot of a final initial
    m = _SUFFIX.match(sc.text, e)
    if m:
        e = m.end()  # "Walter Jr.", "JOHN SMITH III"
    return (s, e, "NAME", max(flag[i] for i in run))


_SUFFIX = re.compile(r",?[ \t](?:JR|SR|II|III|IV)\b\.?", re.IGNORECASE)


_CAMEL = re.compile(r"[A-Z][a-z]{3,}[A-Z]")


def _product_case(word: str) -> bool:
    """``CaringBridge``, ``MassHealth``: a capital inside after 3+ lower-case letters names a product, not a person
    (``McDonald``, ``LaToya``, ``DiMarzio`` have at most two before it)."""
    return _CAMEL.search(word) is not None


def _to_bedside(toks: Sequence[Any], j: int) -> bool:
    """``AT BEDSIDE``, ``TO BEDSIDE``, ``IN TO SEE`` from token ``j``: where a clinician named after a role goes."""
    words = [toks[q].up for q in range(j, min(j + 3, len(toks)))]
    return words[:2] in (["AT", "BEDSIDE"], ["TO", "BEDSIDE"], ["IN", "TO"], ["TO", "SEE"], ["TO", "EVAL"],
                         ["AT", "BS"], ["TO", "WRITE"], ["TO", "CALL"], ["TO", "FOLLOW"], ["TO", "CHECK"])


def _line_end(sc: Scan, i: int) -> bool:
    """Whether token ``i`` closes its line (a sign-off: ``-- JS``, ``-- MS RN``)."""
    rest = sc.text[sc.tokens[i].end:sc.tokens[i].end + 12]
    return re.match(r"[ \t]*(?:[.,]?[ \t]*(?:\n|$)|,?[ \t]*(?:RN|MD|NP|PA|RRT|RT|LPN|CNA)\b)", rest) is not None


def _eponym_or_field(sc: Scan, i: int) -> bool:
    j = i + 1
    toks = sc.tokens
    if j < len(toks) and toks[j].text == ":":
        return True  # a field label: "Age:", "Allergies:"
    nx = sc.next_word(i, "")
    if nx == i + 1 and toks[nx].up in ("I", "II", "III", "IV", "V", "A", "B", "C") and nx + 1 < len(toks):
        nx += 1  # "Chiari I malformation", "Kerley B lines"
    return nx >= 0 and nx <= i + 2 and toks[nx].kind == "w" and (toks[nx].up in EPONYM_NEXT or (
        medical_shape(toks[nx].up) and toks[nx].up.endswith(("ECTOMY", "OTOMY", "OSTOMY", "PLASTY"))))


def _value_next(sc: Scan, i: int) -> bool:
    """Whether token ``i`` is followed at once by a number or a model code (``NADIR 102``, ``HAMILTON T1``,
    ``Sapien 3``): a measure or a product, not a person."""
    toks = sc.tokens
    j = i + 1
    if j >= len(toks) or "\n" in sc.text[toks[i].end:toks[j].start]:
        return False
    nxt = toks[j]
    if nxt.kind == "n":
        return not (j + 1 < len(toks) and toks[j + 1].text in "/:-" and toks[j + 1].start == nxt.end)  # not 7/22
    return nxt.kind == "w" and len(nxt.text) <= 2 and nxt.text[:1].isupper() and nxt.up != "X" and j + 1 < len(toks) \
        and toks[j + 1].kind == "n" and toks[j + 1].start == nxt.end


def _measure_next(sc: Scan, i: int) -> bool:
    """Whether token ``i`` labels a value (``Glu 160``, ``Acct #:``): a lab or field name."""
    j = i + 1
    toks = sc.tokens
    while j < len(toks) and toks[j].text in ":#=":
        j += 1
    return j < len(toks) and (toks[j].kind == "n" or toks[j - 1].text in ":#=" and j > i + 1)


def _header_like(sc: Scan, lex: Lexicons, i: int) -> bool:
    """Whether token ``i`` sits in a run of capitalised common words (a heading, a drug name)."""
    for j in (sc.prev_word(i, ""), sc.next_word(i, "")):
        if j >= 0:
            tj = sc.tokens[j]
            if tj.is_title and lex.klass(tj.up) == NOT_NAME and lex.is_known_word(tj.up):
                return True
    return False
