"""De-identification quality on the hand-written ICU note sets of ``tests/data/icu_notes`` (see its README).

PHI-dense sets check recall, PHI-sparse sets check that drugs, devices, eponyms, scores and times are not
redacted. Thresholds sit a little under what the recognizers measure now, so a change that loses recall or
precision across the board fails here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clinical_sft.privacy import DeidConfig, Deidentifier
from clinical_sft.privacy.evaluate import evaluate_spans

DATA = Path(__file__).resolve().parents[1] / "data" / "icu_notes"


@pytest.fixture(scope="module")
def deid() -> Deidentifier:
    return Deidentifier(DeidConfig()).load()


def _token_scores(deid: Deidentifier, names: list[str]):
    gold = [json.loads(ln) for n in names for ln in (DATA / n).read_text("utf-8").splitlines() if ln.strip()]
    preds = {g["id"]: [{"start": s.start, "end": s.end, "label": s.label} for s in deid.analyze(g["text"])]
             for g in gold}
    return evaluate_spans(gold, preds).levels["token"]["ALL"]


@pytest.mark.parametrize("names, min_recall, min_precision", [
    # measured: 0.980 / 0.981
    (["w1_setA.jsonl", "w2_setA.jsonl"], 0.96, 0.96),
    # measured: 0.940 / 0.968 (first measured blind at 0.881 / 0.964)
    (["w1_setB.jsonl", "w2_setB.jsonl"], 0.92, 0.95),
    # measured: 0.970 / 0.994 (blind: 0.933 / 0.991)
    (["w5_setA.jsonl"], 0.95, 0.97),
    # measured: 0.976 / 0.980 (blind: 0.898 / 0.954)
    (["w6_setA.jsonl", "w7_setA.jsonl"], 0.95, 0.96),
    # measured: 0.943 / 0.939 (blind: 0.818 / 0.863) -- multi-part names, organisations
    (["w9_setA.jsonl"], 0.92, 0.92),
    # measured: 0.959 / 0.947 (blind: 0.845 / 0.954 and 0.864 / 0.887)
    (["w10_setA.jsonl", "w11_setA.jsonl"], 0.94, 0.93),
    # measured: 0.940 / 0.991 (blind, and in the benchmark at 9a9f30a: 0.880 / 0.982)
    (["w12_setA.jsonl", "w13_setA.jsonl"], 0.92, 0.97),
    # measured: 0.954 / 0.981 (blind: 0.929 / 0.943)
    (["w14_setA.jsonl", "w15_setA.jsonl"], 0.93, 0.96),
    # measured: 0.952 / 0.970 (blind, held out in the benchmark at 2249c63: 0.918 / 0.964)
    (["w16_setA.jsonl", "w17_setA.jsonl"], 0.93, 0.95),
    # measured: 0.938 / 0.982 (blind: 0.854 / 0.966 and 0.903 / 0.973)
    (["w18_setA.jsonl", "w19_setA.jsonl"], 0.91, 0.96),
    # measured: 0.934 / 0.965 (blind: 0.864 / 0.964 and 0.899 / 0.957; held out until 0.905 / 0.960)
    (["w20_setA.jsonl", "w21_setA.jsonl"], 0.91, 0.94),
    # measured: 0.937 / 0.964 and 0.933 / 0.973 (held out one session at 0.916 / 0.967, then tuned on)
    (["w22_setA.jsonl", "w23_setA.jsonl", "w24_setA.jsonl"], 0.91, 0.94),
    (["w25_setA.jsonl", "w26_setA.jsonl", "w27_setA.jsonl"], 0.91, 0.95),
    # held out (never tuned on): 0.914 / 0.951 (session start 9ba26cd: 0.907 / 0.951; w28 0.934, w29 0.907,
    # w30 0.933, w31 0.911, w32 0.872, w33 0.893)
    (["w28_setA.jsonl", "w29_setA.jsonl", "w30_setA.jsonl", "w31_setA.jsonl", "w32_setA.jsonl", "w33_setA.jsonl"],
     0.89, 0.93),
    # measured: 0.975 / 1.000 and 1.000 / 0.921
    (["sparse_w3.jsonl"], 0.93, 0.96),
    (["sparse_w4.jsonl"], 0.95, 0.87),
    # measured: 0.986 / 1.000 (blind: 0.915 / 0.933)
    (["sparse_w8.jsonl"], 0.95, 0.97),
])
def test_icu_note_sets(deid: Deidentifier, names: list[str], min_recall: float, min_precision: float) -> None:
    tok = _token_scores(deid, names)
    assert tok.recall >= min_recall, tok
    assert tok.precision >= min_precision, tok


@pytest.mark.parametrize("text", [
    "PT ON HALDOL 2MG IV, POSEY VEST, BAIR HUGGER; SALEM SUMP TO LIWS. HUNT-HESS III, FISHER GRADE 3.",
    "LE 2/5, UE 3/5. PAIN 6/10. TOF 1/4. ICP 8-14. RIBS 4-7 FX. GOAL INR 2-3. NS @ 2000.",
    "Skin: Mepilex to sacrum, Prevena vac intact, Hollister pouch; Stryker needle pressure 28.",
    "PT SPANISH-SPEAKING, CANTONESE INTERPRETER USED. FAMILY CATHOLIC, CHAPLAIN AWARE. SEEN MONDAY.",
    "CABG X3 (LIMA-LAD, SVG-OM). MVR (ST JUDE MECHANICAL). AICD IN PLACE. PER PORTLAND PROTOCOL.",
    "Resus per Parkland formula, LR @ 500/hr. C-collar (Aspen) on. Factor V Leiden w/u sent.",
    "pt went home and rehabilitation was arranged; needs long term care eventually. referred to detox.",
    "OD VA 20/40. ANESTHESIA: GENERAL. PAST MEDICAL HX: HTN. SEEN BY GENERAL SURGERY; GENERAL MEDICAL TEAM AWARE.",
    "FELL FROM 2ND STORY PORCH. HX CVA W/ RESIDUAL L WEAKNESS. BIPAP 10/5 -> BACK TO PSV 12/5; REGIONAL ANESTHESIA.",
    "on dobutamine 5. Family requests update from team at bedside; teacher (retired), engineer (see above).",
    "LIVES AT HOME, NO STAIRS. WORKS AS TEACHER FOR 30 YRS. PT IS IN HOSP FOR 3 WKS.",
    "C2 FX IN MIAMI J COLLAR; PT IN MOBILE CHAIR; BACK TO READING GLASSES. TET TOX GIVEN.",
    "RESIDUALS 10-30; TF STARTED 2000. SON (POA) AWARE -- DOOR LEFT OPEN. Family asked -- explained plan.",
    "PLT (150) -> 98; STRENGTH (4/5); PEEP (5/10); SEEN BY GENERAL SURGERY W/ RECS; AMYLASE FROM JP'S.",
    "PT IS A DEVOUT ROMAN CATHOLIC; FAMILY SOUTHERN BAPTIST. 6L VIA CHRISTMAS TREE ADAPTER. -- OK PER MD.",
    "CHARGE RN AWARE. RN MAY CALL. RT WELL TOLERATED. BEDSIDE RN (WRITER). PT KNOWN AS \"PAIN\" LOL.",
    "07-19: 44 YO KAREN F, SPEAKS KAREN. PT (OT) EVAL. MOM (HCP) AT BEDSIDE. PAGED @ 0300 FOR K 3.1.",
    "pt seen by neurosurg; per intensivist ok to extubate; discussed by telemedicine. spo2 92, etco2 35.",
    "TRANSFERRED FROM FLOOR FOR HYPOXIA. MOVED TO RM 6 (WINDOW). ALS AMBULANCE ETA 1400. SEEN BY GENERAL SURGERY.",
    "LAST BP 120/80; LAST DOSE 2/5 STRENGTH. MEDS GIVEN AT 9 A.M. PER M.D. TO P.T.; SW AWARE, CM WILL FOLLOW; RN MAY.",
    "Hospital day 3, hospital course uneventful. ROLLOVER ON DIRT RD. Baker's cyst. PERFUSIONIST AT BS. BACK AT HOME ST.",
    "PS 10/5 -> RSBI 62; -> MSO4 2MG. VISIT 1300-1600. SHIFT REPORT 19-07. ON 6 East. HX (R.A.) (Q.D.). RT WELL FOLLOWING.",
    "DISCUSSED INTUBATION W/ PT. DISCUSSED SEDATION, DIURESIS. PLAN: TRANSFER TO STEPDOWN. SEE SW NOTE.",
    "Covering resident paged; seen by derm NP. Sent to Interventional Radiology; to Vascular Surgery.",
    "TRANSFERRED TO FLOOR. TX TO 6 EAST. D/C TO HOME W/ VNA. SENT TO CT. ACCEPTED TO MEDICINE. TO UPDATE CHURCH.",
    "PT IS A RETIRED ICU NURSE. RETIRED ED TECH. IS AN RN EMPLOYEE. WORKS FOR THE VA. DRIVER FOR THE ER.",
    "HOUSE AWARE. TEAM AWARE. NIGHT FLOAT AWARE. STAFF NOTIFIED. SECURITY AWARE. BOTH AWARE.",
    "FLUIDS VIA RANGER WARMER. CHURCH: CATHOLIC. CHILDREN: NONE. VIA PEG. PT IN NORTH WING. IN CENTRAL LINE.",
    "Son owns a nail salon downtown. SEPTIC SHOCK FROM CHOLANGITIS. L TEMPLE PAIN. HEALTH CTR - APPT PENDING.",
    "FELL 25 FT ONTO CONCRETE. PORT FLUSHED. CVP 12, CO 4.5, CI 2.1. CO/CI OK. PT IN THE MORNING; FROM THE FLOOR.",
    "LIVES W/ GIRLFRIEND. C-COLLAR ON. PER HCP. SACRAL DECUB STAGE II. PT AWAKE.",
    "RETURNED TO PS 12. WEANED TO NC 2. DIURESED TO CC 7.5? TO OR 2 AT 1400. TO CT 2. ON 6 EAST. TO 2 LITERS.",
    "ALS TRANSPORT 1500. DOSE 2/3 AND 2000 MG. WORKS AT A FACTORY (3 SHIFTS). GO TO CARDIAC REHAB.",
    "WIFE SAW PT TODAY. SON SAY HE WILL COME. HUSBAND X-RAY REVIEWED. INTERPRETER VIA PHONE. SON B-CELL LYMPHOMA.",
    "NEAR SYNCOPE AT HOME; OUTSIDE HOSPITAL RECORDS. CM AND REHAB AWARE, LEFT MSG.",
    "harsh SEM 2/6 (BASELINE 3/6). S/P AVR (25MM ST. JUDE MECHANICAL). ST JUDE DUAL CHAMBER ICD. APHERESIS RN AWARE.",
    "DAUGHTER MAY CALL TONIGHT. WIFE MAY BE IN LATER. SON WILL FOLLOW UP. WIFE PEG TUBE QUESTIONS ANSWERED.",
    "PT IS 92 ON 2L NC. SAT WAS 95. STRENGTH L ARM 4/5. RETIRED FROM TEACHING. WORKS AT NIGHT.",
    "RN WILL FOLLOW UP. MD WILL CALL BACK. RT WAS CALLED. LAB 3-4 TIMES. IR 2-3 DRAINS.",
    "A-LINE PLACED AT L RADIAL. SEEN AT 0800. PICC PLACED AT BEDSIDE, TIP AT CAJ. CATH DONE AT OSH. FAMILY (GREEK ORTHODOX).",
    "R-CHOP X6. LR PER PARKLAND 4 ML/KG/%TBSA. JPs SEROUS. DE NOVO AFIB.",
    "PT ARRIVED TO UNIT 2030. CAME TO ICU 2100. WORKS AT ICU. SEEN ON 5TH FLOOR.",
    "VIA PHONE LINE (INTERPRETER SVC). HAD 95 CC OUT. PT (RN AWARE). SAT WHO IS 95% ON RA.",
    "LIDOCAINE LOCAL 10 ML. SATS 92 PCT ON 40 PCT FIO2. GIVEN 1/2 AMP, 1/4 TAB. PAIN 4/10, 3/10 LATER.",
    "HEAD CT DONE 2030. VISITING 1900-2000. NGT PLACED 2015. REPORT GIVEN TO FLOOR RN. REPORT TO NIGHT RN.",
    "BACK ON A/C 500 X 12 FOR REST. APS REPORT FILED 0930. MD AT BEDSIDE. PT WENT TO THE GYM.",
    "L NC AFTER SBT 30 MIN ON 5/5. SMALL AIRLEAK 1/7. TIMI 5/7. SAH 2/2 ACOM ANEURYSM. OSBORN WAVES ON EKG.",
    "OSHA NOTIFIED BY EMPLOYER. FMLA FORMS. ROSC AFTER 2 SHOCKS. HEARTMATE II. GPA (WEGENER'S).",
    "DR WILL CALL BACK. DR. PAGED. DR. NOTIFIED. DR. CALLED. DR AT BS. MD MAY ADJUST.",
    "TRANSFERRED FROM NH. PT CAME FROM NH. WEANED BACK TO NC. SEROSANG FROM JP. GOING HOME IN AM. LIVES AT HOME IN BED.",
    "SBP 80S -> GENERAL SURGERY CONSULTED. FIO2 50 -> MEDICAL TEAM AWARE. DRAIN IN SOUTH END OF WOUND.",
    "MAR TO MAR RECONCILED. ON 2L NC; PEEP 5. ONTARIO BRAND CATHETER NOT USED.",
    "Mallory-Weiss tear noted. NO ELECTRIC BLANKET. I/O 120/800-1000. ID CONSULT 1400. PLAN FOR 2 UNITS.",
])
def test_no_phi_in_clinical_vocabulary(deid: Deidentifier, text: str) -> None:
    assert [text[s.start:s.end] for s in deid.analyze(text)] == []


@pytest.mark.parametrize("text, phi", [
    ("RETIRED FROM TEXAS INSTRUMENTS. WIFE DRIVING UP.", "TEXAS INSTRUMENTS"),
    ("WILL NEED REFERRAL BACK TO GIMC. CASE MGR AWARE.", "GIMC"),
    ("TRANSFERRED FROM STURDY MEMORIAL IN ATTLEBORO.", "STURDY MEMORIAL"),
    ("FAMILY FROM CHIHUAHUA, MEXICO. INTERPRETER USED.", "MEXICO"),
    ("FAMILY LIVES 1184 ARCADE ST, ST. PAUL 55106.", "55106"),
    ("interpreter (Hoa, x3-6120) to provide support", "x3-6120"),
    ("slept after. -jbaker3", "jbaker3"),
    ("BROTHERS CHONG AND NENG AT BEDSIDE.", "NENG"),
    ("SICU -> MONTEFIORE 7 PT 66 YO M", "MONTEFIORE 7"),
    ("LAST EGD MARCH '09 - GRADE II VARICES", "MARCH '09"),
    ("TRANSFERRED FROM OUR LADY OF LOURDES HOSPITAL YESTERDAY", "OUR LADY OF LOURDES HOSPITAL"),
    ("Seen at Sisters of Charity Hospital in March.", "Sisters of Charity Hospital"),
    ("recently discharged from Pine Bluff Heart Institute.", "Pine Bluff Heart Institute"),
    ("Home health: Duluth Homeless Shelter. Patient", "Duluth Homeless Shelter"),
    ("d/c to Ross Skilled Nursing Facility, 4769 Main Ave", "Ross Skilled Nursing Facility"),
    ("Seen at Boston Medical Center. cc: E Alvarado, BMC", "BMC"),
    ("PCP: Dr. Tari Swan (317)567-1758", "Tari Swan"),
    ("Thank you for seeing Mr. Day, a 72-year-old man", "Day"),
    ("previously inpt at Brockton VA for detox", "Brockton VA"),
    ("MICU - Nota de enfermería 2/ene/2008, turno 7-3", "2/ene/2008"),
    ("Transferido el 3 de marzo de 2010 por NSTEMI", "3 de marzo de 2010"),
    ("lettre du 12 janvier 2011 jointe", "12 janvier 2011"),
    ("ADMIT 02/JAN/08 FROM ED", "02/JAN/08"),
    ("specimen collected 2008-01-02T10:00 (lab)", "2008-01-02"),
    ("PT IS A PARALEGAL AT ROPES & GRAY.", "ROPES & GRAY"),
    ("TRANSFERRED FROM LANCASTER GENERAL. 8 CHILDREN AT BEDSIDE", "LANCASTER GENERAL"),
    ("MOTHER ELENI (96) STILL AT HOME ALONE", "96"),
    ("Pt is a software engineer at Vertex Pharmaceuticals, married", "Vertex Pharmaceuticals"),
    ("FELL AT WORK (PRICE CHOPPER IN LATHAM) ONTO R HIP", "PRICE CHOPPER"),
    ("RETIRED MACHINIST (RAYTHEON). WIFE AT BEDSIDE", "RAYTHEON"),
    ("WANTS TRANSFER TO PRESBYTERIAN FOR TRANSPLANT EVAL", "PRESBYTERIAN"),
    ("SONS DUKE AND RICH CALLED FOR UPDATE", "RICH"),
    ("ADMITTED FROM CEDAR RIDGE MANOR W/ UTI", "CEDAR RIDGE MANOR"),
    ("REPORT GIVEN TO RN ON GOLDBERG 5 AT 1900", "GOLDBERG 5"),
    ("d/c to Lakeside TCU on 4/2 with PT/OT", "Lakeside TCU"),
    ("works nights for the USPS as a mail sorter; wife aware", "USPS"),
    ("APS INTAKE #09-11234 FILED BY SW", "09-11234"),
    ("LIVES AT 18 ORCHARD RD, APT 2, GLEN BURNIE. NIECE CHECKS IN", "GLEN BURNIE"),
    ("Family lives in Houston (Gulfton) and visits daily", "Gulfton"),
    ("DAUGHTER DROVE UP FROM NORTH MIAMI; SON IN SAN JOSE.", "NORTH MIAMI"),
    ("s/p tPA @ Methodist Sugar Land, then flown here", "Methodist Sugar Land"),
    ("LOST HIS JOB AT DOLLAR TREE. WIFE ON DISABILITY", "DOLLAR TREE"),
    ("MEDICAID PRIOR AUTH # PA-220417 PENDING", "PA-220417"),
    ("S/P R HEMICOLECTOMY 4-19. TOLERATING CLEARS", "4-19"),
    ("TRACH CHANGED, LAST BRONCH (11/2). SX Q2H", "11/2"),
    ("H/O HCV, ENDOCARDITIS (2006), IVDU", "2006"),
    ("SON ED CAME IN AT 2100, UPSET", "ED"),
    ("RN: K. WOJCIK / RT: ADEYEMI", "ADEYEMI"),
    ("CALLED SON AT WORK (DIMITRIOS), WILL COME", "DIMITRIOS"),
    ("paged Dr. Lin (pager 442) re: K 3.1", "442"),
    ("mother lives at 77 N. Birch Rd, Kalispell", "77 N. Birch Rd"),
    ("MAIL TO RR 3 BOX 212, WEST LIBERTY", "RR 3 BOX 212"),
    ("Wife is a greeter at Holy Trinity Armenian Apostolic Church on Sundays", "Holy Trinity Armenian Apostolic Church"),
    ("PASTOR FROM ZION HILL AME AT BEDSIDE", "ZION HILL AME"),
    ("SEEN AT WINDHAM FAMILY PRACTICE LAST WEEK", "WINDHAM FAMILY PRACTICE"),
    ("CRANE OPERATOR AT BAYONNE PIER SERVICES, FELL", "BAYONNE PIER SERVICES"),
    ("SON ALEKSANDR (\"SASHA\") IS HCP", "SASHA"),
    ("PT GOES BY \"BIRDIE\" PER DTR", "BIRDIE"),
    ("CHARGE RN MAUREEN AWARE. RT OKONKWO WEANED TO 40%", "OKONKWO"),
    ("ADMITTED FROM BIG SANDY MERCY W/ SEPSIS", "BIG SANDY MERCY"),
    ("FLOWN FROM ELK VALLEY GENERAL INTUBATED", "ELK VALLEY GENERAL"),
    ("HX DETOX AT HARLAN COUNTY X3", "HARLAN COUNTY"),
    ("EMS ARRIVED FROM HOLLY HILL CORNER AT 0200", "HOLLY HILL CORNER"),
    ("ORDERS WRITTEN UNDER pwisniewski, COSIGNED", "pwisniewski"),
    ("meds reconciled by agarcia4 (pharmacy)", "agarcia4"),
    ("TRANSFER TO 5W TODAY (LINDQUIST 5) WHEN BED READY", "LINDQUIST 5"),
    ("CT SURG FELLOW PAGED AT 5-2210 FOR CT OUTPUT", "5-2210"),
    ("TEAM: DR. ABARA (FELLOW), DEVI (NP), BEDSIDE RN", "DEVI"),
    ("Family lives in North Tulsa; son drives down", "North Tulsa"),
    ("FOUND DOWN AT HOME (2210 S. 31ST ST) BY NEIGHBOR", "2210 S. 31ST ST"),
    ("LIVES AT 118 COUNTY RD 9, HAZEL GREEN W/ SON", "118 COUNTY RD 9"),
    ("ANTIBIOTIC HELD (LAST DOSE 12/2) PER ID", "12/2"),
    ("TEAM: DR. ADU (FELLOW), SW HOPE, CHAPLAIN", "HOPE"),
    ("MR. BIN HAMAD IS 70 YO, SPEAKS ARABIC", "BIN HAMAD"),
    ("Pt seen by K.L. from OT this afternoon", "K.L."),
    ("WEAN AS TOL. R.T. RN", "R.T."),
    ("PRESENTED THERE 2/9 W/ CHEST PAIN", "2/9"),
    ("BPD DET. OLIVEIRA AT BS", "OLIVEIRA"),
    ("HO PRAKASH AWARE OF K 3.0", "PRAKASH"),
    ("FOUND DOWN ON DORCHESTER AVE, EMS CALLED", "DORCHESTER AVE"),
    ("MOBILE HOME AT 88 CALLE DEL SOL LOT 4", "88 CALLE DEL SOL LOT 4"),
    ("PRENATAL CARE AT CLINICA SANTA ROSA IN MESILLA", "CLINICA SANTA ROSA"),
    ("Transferido del Hospital San Rafael por fiebre", "Hospital San Rafael"),
    ("husband Joao dos Santos at bedside", "Joao dos Santos"),
    ("TRANSFERRED FROM RED ROCK IHS W/ DKA", "RED ROCK IHS"),
    ("LIVES NEAR CHINLE, FROM TEEC NOS POS WASH AREA", "CHINLE"),
    ("s/p L AKA 2011, now POD 2 washout", "2011"),
    ("Pt is a ninety-four yo man", "ninety-four"),
    ("DR. OSEI (RENAL), MARISOL FROM SW, PT'S SISTER", "MARISOL"),
    ("RT DEV FOLLOWING, NEBS Q4", "DEV"),
    ("NP HOPE TO WRITE FOR LASIX", "HOPE"),
    ("RENAL FELLOW PAGED (4-2290), NO CALL BACK", "4-2290"),
    ("DAUGHTER AL AT BEDSIDE, UPSET", "AL"),
    ("stridor resolved. RT (K.P.) at bedside", "K.P."),
    ("moved to 77 Wabash Ave #4, 60605. Daughter", "60605"),
    ("Pt sent to Kettleby Regional w/ ambulance", "Kettleby Regional"),
    ("PLAN: TRANSFERRED TO ORMSKILL ACUTE REHAB TOMORROW", "ORMSKILL"),
    ("Pt accepted to WRCH acute rehab, bed 1400", "WRCH"),
    ("Planning: to Cedar Knoll Health & Rehab on Monday", "Cedar Knoll Health"),
    ("LIVES ALONE; PT IS 94, VERY HOH", "94"),
    ("HX CAD S/P CHOLECYSTECTOMY AT SHMC, SMOKER", "SHMC"),
    ("MASS SAID BY FR. OKAFOR FROM SHRINE OF HOPE PARISH", "SHRINE OF HOPE PARISH"),
    ("REHAB SCREENS: PINE HILL INSTITUTE OF OREGON PENDING", "OREGON"),
    ("GRANDSON \"TUCKER\" CALLED, UPSET", "TUCKER"),
    ("THE KIDS CALL HER \"NONNA\"", "NONNA"),
    ("ASKS FOR \"DODIE\" (HER SISTER) OVERNIGHT", "DODIE"),
    ("SPOKE W/ WIFE DOLORES \"LOLA\" OKONJO, HCP", "LOLA"),
    ("CONTACTS: ODETTE CELL 617-555-0188; FERN 617.555.0190", "FERN"),
    ("D/W JT (FELLOW) RE: HEPARIN", "JT"),
    ("CONSENT SIGNED. -B.K.", "B.K."),
    ("VITALS AS ABOVE. K.T./RN", "K.T."),
    ("RN HOPE ASSUMED CARE @ 1900; RT WILL AWARE OF ABG", "WILL"),
    ("(DTR-JOAN VIA SPEAKERPHONE)", "JOAN"),
    ("PT'S BROTHER AL, HCP, AWARE", "AL"),
    ("HUSBAND SAYS SHE ASKED FOR XMAS EVE AT HOME", "XMAS EVE"),
    ("HE VISITS AFTER WORK AT CHRYSLER (STERLING PLANT)", "CHRYSLER"),
    ("dnr. discussed w/ pt and wife dottie, ok w/ plan. ABG 7.31", "dottie"),
    ("MOTHER LIVES IN ROXBURY W/ HIS SISTER", "ROXBURY"),
    ("SON FLYING UP FROM MOBILE, AL TONIGHT", "AL"),
    ("LIVES IN A CABIN OUTSIDE GALLIPOLIS", "GALLIPOLIS"),
    ("LTAC SCREENS: KINDRED AND WESTMERE SPECIALTY PENDING", "WESTMERE SPECIALTY"),
    ("APPLICATIONS TO SPAULDING (SRH) AND HEBREW REHAB", "SRH"),
    ("Referrals sent to Youville and QRH. Son prefers QRH, near home", "QRH"),
    ("WIFE NAW HSER PAW AT BEDSIDE, KAREN INTERPRETER", "HSER"),
    ("interpreter Chue Nhia Thao present for consent", "Chue Nhia Thao"),
    ("son duc anh to visit tmrw. abg 7.38", "duc anh"),
    ("SON J-ROD AND DAUGHTER AT BEDSIDE", "J-ROD"),
    ("PT IS A LINEMAN FOR RED MESA ELECTRIC COOP; WIFE AWARE", "RED MESA"),
    ("RETIRED PIPEFITTER (HARBOR POINT SHIPYARD), LIVES ALONE", "HARBOR POINT SHIPYARD"),
    ("WORKS NIGHTS FOR A BAKERY (KOWALSKI BROS), HERE W/ WIFE", "KOWALSKI BROS"),
    ("RETIRED FROM GRIFFISS AFB IN 1995, VETERAN", "GRIFFISS AFB"),
    ("prior admits (1999, 2003, Nov 2008) for DKA", "1999"),
    ("wants to be home for Orthodox Christmas", "Orthodox Christmas"),
    ("PT CALLED OUT TO CC 5, REPORT TO RN", "CC 5"),
    ("PRESENTED TO ASHBY GEN ED @ 0300 W/ CP", "ASHBY GEN"),
    ("PEDS CONSULT: SIBLINGS SEEN AT CHILDREN'S", "CHILDREN'S"),
    ("sedation held. per dr j. ok to extubate in am", "j."),
    ("SON-IN-LAW AL VISITS DAILY, HCP IS WIFE", "AL"),
    ("weaning as tol. np k.d. aware of abg", "k.d."),
    ("ELDERS PRESENT; MR. NENG YER THAO SPOKE FOR FAMILY", "YER THAO"),
    ("JET SKI ACCIDENT ON LAKE WINNIPESAUKEE 7/4", "LAKE WINNIPESAUKEE"),
    ("SON STATIONED AT FT. BRAGG, FLYING HOME", "FT. BRAGG"),
    ("RETIRED FROM KRASNOW TOOL CO. WIFE AT BEDSIDE", "KRASNOW TOOL CO"),
    ("DTR LIVES IN THE SOUTH END W/ HER KIDS", "SOUTH END"),
    ("CRASH NEAR KEY WEST, FLOWN IN", "KEY WEST"),
    ("MONKS FROM WAT LAO BUDDHAVONG VISITED", "WAT LAO BUDDHAVONG"),
    ("IMAM FROM DAR AL-HIJRAH MASJID CALLED", "DAR AL-HIJRAH MASJID"),
    ("ACCEPTED AT KINDRED HOSPITAL - CANTONSVILLE, BED TMRW", "CANTONSVILLE"),
    ("ORIGINALLY FROM LEON, GUANAJUATO. SISTER HERE", "GUANAJUATO"),
    ("PACEMAKER PLACED AT ST. VINCENT'S 2014, REP CALLED", "2014"),
    ("EMPLOYER (HARBORSIDE MILLWORK) CALLED RE FMLA", "HARBORSIDE MILLWORK"),
    ("GRANDCHILDREN: ODELINE, JEANTY, WILNER. ALL LOCAL", "JEANTY"),
    ("HUSBAND LIU (WEI JUN) AT BEDSIDE", "WEI JUN"),
    ("CHURCH: ST. CASIMIR - PRIEST CALLED", "ST. CASIMIR"),
    ("FAMILY CAME VIA AMMAN 2011, LIVE NEARBY", "AMMAN"),
    ("SHE HOPES TO TURN 100 IN MAY", "100"),
    ("OPO NOTIFIED, REFERRAL # 0915-2231, NOT A CANDIDATE", "0915-2231"),
    ("ORGAN BANK CALLED, REFERRAL # NEO-09-11873", "NEO-09-11873"),
    ("DONOR STATUS ON DRIVER'S LICENSE # 41 226 903", "41 226 903"),
    ("HIS NICKNAME IS \"LITTLE JOE\" PER WIFE", "LITTLE JOE"),
    ("CONTACTS: SON RICH CELL 508-555-0142; PEG HOME (508) 555-0177", "PEG"),
    ("CT READ AS NEGATIVE. WHITE AWARE, NO NEW ORDERS.", "WHITE"),
    ("PT IS A RETIRED RIPTA BUS DRIVER, LIVES ALONE", "RIPTA"),
    ("HUSBAND WORKS AS A CONDUCTOR FOR THE LIRR, ON HIS WAY", "LIRR"),
    ("SOCIAL: SISTER PEG DRIVING IN FROM ERIE", "PEG"),
    ("DAU JUNE & HER HUSBAND AT BS TILL 2100", "JUNE"),
    ("HUSBAND ED ON PHONE W/ SW", "ED"),
    ("dau Ximena at bedside overnight", "Ximena"),
    ("NIGHT RN IVY WILL REASSESS", "IVY"),
    ("SHE SAYS HER 97TH BIRTHDAY IS NEXT WEEK", "97"),
    ("HIS BROTHER IS 101 AND STILL DRIVES", "101"),
    ("DAUGHTER STATES \"HE'S 96, LET HIM REST\"", "96"),
    ("DONOR SITE L LEG 4/19 HEALING, NO DRAINAGE", "4/19"),
    ("SEEN IN CLINIC 2-11, NO CHANGE IN MEDS", "2-11"),
    ("SON WORKS FOR CUMMINS, FLYING IN TONIGHT", "CUMMINS"),
    ("Granddaughter is a sophomore at Creighton; will visit Sat", "Creighton"),
    ("PPM PLACED AT HAYMARKET 2011 PER WIFE", "HAYMARKET"),
    ("s/p AVR 2015 at Riverbend, on coumadin", "Riverbend"),
    ("Deacon from Holy Protection Ukrainian Orthodox called", "Holy Protection Ukrainian Orthodox"),
    ("COLLAPSED AT SHUL (BETH ISRAEL ANSHEI SFARD); EMS CALLED", "ANSHEI SFARD"),
    ("FR. PAUL FROM ST. NICHOLAS SERBIAN ORTHODOX WILL COME", "SERBIAN ORTHODOX"),
    ('nephew Anthony Russo ("Tony B") called; Tony B will drive her', "Tony B"),
    ("SISTERS ROSE AND IRIS AT BS; ROSE SIGNED CONSENT", "ROSE SIGNED"[:4]),
    ("brother Theodore (Teddy) here. Teddy asked about PEG", "Teddy asked"[:5]),
    ("HUSBAND JOSE ANTONIO DE LAS CASAS AT BS", "DE LAS CASAS"),
    ("ACCEPTED AT VIBRA, BED TOMORROW", "VIBRA"),
    ("flown from Sanford Health to here", "Sanford Health"),
    ("DAUGHTER IS A LAB TECHNICIAN AT WPI, ON HER WAY", "WPI"),
    ("LIFELINE OF OHIO COORDINATOR ON UNIT 0300", "LIFELINE OF OHIO"),
    ("ELDERS FROM THE RIVERTON 3RD WARD VISITED", "RIVERTON 3RD WARD"),
    ("FAMILY CAME TO THE US 1994 FROM BOSNIA", "1994"),
    ("CRRT PRIMED BY KAI (CRRT RN) @ 1300", "KAI"),
    ('son Min-jun ("Mike") Cho updated by phone', "Cho"),
    ("PT'S AUNT, WHO IS 99, RAISED HER", "99"),
    ("HER FATHER LIVED TO 104 IN SICILY", "104"),
    ("Travel insurance policy # TRV-8830-2219-04 on file", "TRV-8830-2219-04"),
    ("VA CLAIM # C-28 447 913. VA LIAISON AWARE", "C-28 447 913"),
    ("workers comp forms, claim# WC 09-00413.", "09-00413"),
    ("FROM MAYO SYSTEM (CLINIC # 4-118-902).", "4-118-902"),
    ("MRN (NSRH) NS-116-0453. DOB ON FACESHEET", "NS-116-0453"),
    ("Wife Kelly (cell 520/555-0114) at bedside", "520/555-0114"),
    ("presyncope x3 (12/27, 1/2, and this am)", "1/2"),
    ("S/P TV DEBRIDEMENT/REPAIR 8/20, POD 3", "8/20"),
    ("Navy veteran, served 1958-1978, Tricare", "1978"),
    ("PMH: IMI 1998, CABG x4 2001 at Lahey", "2001"),
    ("Works as a roofer, union Local 33. Sister here", "Local 33"),
    ("BUS OPERATOR FOR SEPTA, TWU LOCAL 234. WIFE AT BS", "TWU LOCAL 234"),
    ("SON IS A COP, NYPD 40TH PCT, CAME IN UNIFORM", "40TH PCT"),
    ("BLESSED BY FR. VINH NGUYEN OF ST. AMBROSE PARISH", "ST. AMBROSE PARISH"),
    ("attends Polish mass at Our Lady of Czestochowa", "Our Lady of Czestochowa"),
    ("body to be released to Borthwick Mortuary; SW aware", "Borthwick Mortuary"),
    ("found by coworker at Polar Beverages loading dock", "Polar Beverages"),
    ("IS 750. --K. PRICE RRT", "K. PRICE"),
    ("NYPD WORKING ON ID. D. KING RN", "D. KING"),
    ("MD AWARE. -SHORT, RRT", "SHORT"),
    ("REPORT GIVEN TO DEB ON FARR 4. PT STABLE", "DEB"),
    ("ORIENTEE: apatel7 / PRECEPTOR: kmcdonough", "kmcdonough"),
    ("Accepted to Youville vent wean unit", "Youville"),
    ("Onc is Dr. Alvarado at TGH, page via operator", "TGH"),
    ("marathon runner from Columbus, Ohio, collapsed near mile 21", "Ohio"),
    ("originally from Sheboygan WI, adm w/ CHB", "WI"),
    ("snowbird from Sherbrooke, Quebec; couple winters here", "Quebec"),
    ("Beach FL 33785 from Nov to April. Primary care there", "Nov"),
    ("Quincy w/ husband Kenny Ng. Family attends church", "Ng"),
    ("Son Wilner St. Fleur is HCP, daughter in Haiti", "Fleur"),
    ("1.9L. ACCEPTED AT BURKE (WHITE PLAINS), BED 214.", "WHITE PLAINS"),
    ("CALLED - PASTOR FRANK MOON, FIRST BAPTIST (480-555-0166)", "FIRST BAPTIST"),
    ("CARDS FELLOW (DR. BISHOP) AWARE OF RUN OF VT", "BISHOP"),
    ("K 3.1, REPLETED. DR. MAY AWARE.", "MAY"),
    ("NEPHEW BUD IS HCP, LIVES IN NH, REACHED BY PHONE", "NH"),
    ("Fiancee here from VT, brought pt's glasses", "VT"),
    ("4 CHILDREN AT HOME IN JP; CHILDREN TO BE SCREENED", "JP"),
    ("PT FROM NORTH END, FAMILY VERY INVOLVED", "NORTH END"),
    ("Pt accepted to Regency Hospital of Portland (LTACH) for vent wean", "Portland"),
    ("OFFER FROM KINDRED PARK VIEW ANTICIPATED.", "PARK VIEW"),
    ("FORKS COMMUNITY HOSPITAL -> OLYMPIC MEDICAL CENTER (PORT ANGELES)", "OLYMPIC"),
])
def test_phi_in_context(deid: Deidentifier, text: str, phi: str) -> None:
    spans = deid.analyze(text)
    start = text.index(phi)
    covered = [s for s in spans if s.start <= start and s.end >= start + len(phi)]
    assert covered, [text[s.start:s.end] for s in spans]


def test_a_service_in_parentheses_after_a_name_is_no_nickname(deid: Deidentifier) -> None:
    text = "DR. MORRIS (NEPHROLOGY) AWARE; DR. ORTIZ (ACCEPTING) PAGED. Dr. Wells here. Wells score 6."
    assert [text[s.start:s.end] for s in deid.analyze(text)] == ["MORRIS", "ORTIZ", "Wells"]


def test_a_titled_name_does_not_swallow_the_clinical_word_after_it(deid: Deidentifier) -> None:
    text = "Dr. Patel Swan-Ganz placed. Discussed with Dr. Maria Cardiology today."
    assert [text[s.start:s.end] for s in deid.analyze(text)] == ["Patel", "Maria"]
