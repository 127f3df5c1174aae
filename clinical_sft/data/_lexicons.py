"""Word lists for the synthetic cohort: names faker lacks, places, facilities and clinical filler.

All lists are written for this project or are public facts (US states, real city names, drug and
eponym names). Names of many origins come from faker's locale providers (see ``synthetic.py``);
the lists below add romanised East Asian, South Asian, Arabic, Somali, Haitian, Hmong, Filipino,
Polish, Russian and Ethiopian names, which faker only ships in their native scripts or not at all.
"""

from __future__ import annotations

# --- names faker lacks (romanised) -------------------------------------------------------------

CHINESE_SURNAMES = (
    "Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu", "Sun", "Ma",
    "Zhu", "Hu", "Guo", "He", "Lin", "Gao", "Luo", "Zheng", "Liang", "Xie", "Song", "Tang", "Han",
    "Feng", "Deng", "Cao", "Peng", "Zeng", "Xiao", "Tian", "Dong", "Pan", "Yuan", "Cai", "Jiang",
    "Yu", "Du", "Ye", "Cheng", "Wei", "Su", "Lu", "Ding", "Ren", "Shen", "Yao", "Qian", "Chan",
    "Wong", "Leung", "Cheung", "Lau", "Ng", "Ho", "Tsang", "Chow", "Kwok", "Lam", "Yip", "Tse",
)
CHINESE_GIVEN_MALE = (
    "Wei", "Jun", "Hao", "Lei", "Jian", "Ming", "Yong", "Qiang", "Jie", "Tao", "Bin", "Chao", "Gang",
    "Zhiwei", "Xiaoming", "Jianguo", "Haoran", "Zihan", "Yuxuan", "Junjie", "Kai", "Peng", "Long",
    "Chun", "Kwok-Wai", "Man-Kit", "Siu Ming", "Ka Leung",
)
CHINESE_GIVEN_FEMALE = (
    "Fang", "Li", "Na", "Min", "Jing", "Yan", "Xiu", "Ying", "Hui", "Lan", "Mei", "Xia", "Yun",
    "Xiaoling", "Meiling", "Yuqing", "Zihan", "Shu Fen", "Wai Ling", "Mei-Ling", "Qing", "Hong",
)
KOREAN_SURNAMES = (
    "Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim", "Han", "Oh", "Seo",
    "Shin", "Kwon", "Hwang", "Ahn", "Song", "Jeon", "Hong", "Yoo", "Ko", "Moon", "Yang", "Son", "Baek",
)
KOREAN_GIVEN_MALE = (
    "Min-jun", "Seo-jun", "Ji-hoon", "Hyun-woo", "Dong-hyun", "Jae-won", "Sung-min", "Young-ho",
    "Jin", "Sang-woo", "Tae-yang", "Kyung-soo", "Joon", "Seung-hoon", "Byung-chul", "Minho",
)
KOREAN_GIVEN_FEMALE = (
    "Seo-yeon", "Ji-woo", "Min-seo", "Ha-eun", "Ji-yeon", "Eun-ji", "Soo-jin", "Hye-jin", "Yuna",
    "Mi-kyung", "Jiyoung", "Eunice", "Su-bin", "Young-hee", "Hyo-jin", "Seol",
)
JAPANESE_SURNAMES = (
    "Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Yamamoto", "Nakamura", "Kobayashi",
    "Kato", "Yoshida", "Yamada", "Sasaki", "Yamaguchi", "Matsumoto", "Inoue", "Kimura", "Hayashi",
    "Shimizu", "Yamazaki", "Mori", "Abe", "Ikeda", "Hashimoto", "Ishikawa", "Ogawa", "Okada", "Fujita",
)
JAPANESE_GIVEN_MALE = (
    "Haruto", "Yuto", "Sota", "Hiroshi", "Takeshi", "Kenji", "Daisuke", "Satoshi", "Kazuki", "Ren",
    "Shota", "Takumi", "Makoto", "Akira", "Kenta", "Ryo", "Hideo", "Tetsuya", "Masao", "Isamu",
)
JAPANESE_GIVEN_FEMALE = (
    "Yui", "Aoi", "Sakura", "Hina", "Yuki", "Haruka", "Emi", "Keiko", "Naoko", "Akiko", "Mariko",
    "Tomoko", "Ayumi", "Misaki", "Nanami", "Rin", "Kaori", "Chiyo", "Setsuko", "Fumiko",
)
ARABIC_SURNAMES = (
    "Al-Sayed", "Haddad", "Khalil", "Mansour", "Nasser", "Abdullah", "Hassan", "Hussein", "Ibrahim",
    "Saleh", "Al-Farsi", "Al-Masri", "El-Amin", "Abu-Bakr", "Bakri", "Darwish", "Farouk", "Ghanem",
    "Habib", "Jaber", "Kassem", "Mahmoud", "Najjar", "Qureshi", "Rahman", "Shaheen", "Taha",
    "Yousef", "Zaki", "Al Hashimi", "bin Laden", "Abdel-Rahman", "Elkhatib", "Aziz", "Hamdan",
)
ARABIC_GIVEN_MALE = (
    "Mohammed", "Muhammad", "Ahmed", "Ali", "Omar", "Khalid", "Youssef", "Hassan", "Hussein", "Tariq",
    "Ibrahim", "Mustafa", "Abdulrahman", "Saeed", "Karim", "Walid", "Nabil", "Rami", "Samir", "Faisal",
    "Ziad", "Bilal", "Hamza", "Abd al-Aziz", "Anas", "Majid",
)
ARABIC_GIVEN_FEMALE = (
    "Fatima", "Aisha", "Mariam", "Layla", "Noor", "Huda", "Rania", "Salma", "Yasmin", "Zainab",
    "Amira", "Dalia", "Hala", "Lina", "Nadia", "Reem", "Samira", "Souad", "Hanan", "Maha", "Rasha",
)
SOMALI_SURNAMES = ("Abdi", "Mohamud", "Warsame", "Farah", "Jama", "Hirsi", "Osman", "Yusuf", "Egal", "Duale", "Guled", "Ismail")
SOMALI_GIVEN_MALE = ("Abdirahman", "Abdikarim", "Mahad", "Guled", "Liban", "Hassan", "Ayanle", "Mukhtar", "Bashir")
SOMALI_GIVEN_FEMALE = ("Hodan", "Ifrah", "Hibo", "Sahra", "Fardowsa", "Ubah", "Ayaan", "Deeqa", "Najma", "Hamdi")
ETHIOPIAN_SURNAMES = ("Tesfaye", "Bekele", "Haile", "Gebremedhin", "Tadesse", "Alemu", "Negash", "Kebede", "Wolde", "Mengistu")
ETHIOPIAN_GIVEN_MALE = ("Abebe", "Dawit", "Yonas", "Tewodros", "Biruk", "Henok", "Selam", "Girma", "Mulugeta")
ETHIOPIAN_GIVEN_FEMALE = ("Tigist", "Hana", "Meron", "Selamawit", "Bethlehem", "Almaz", "Mekdes", "Yeshi", "Eden")
HAITIAN_SURNAMES = ("Pierre", "Jean-Baptiste", "Joseph", "Louis", "Charles", "Desir", "Etienne", "Toussaint", "Dorval", "Fils-Aime", "Saint-Fleur", "Jean-Louis")
HAITIAN_GIVEN_MALE = ("Jean", "Wesner", "Fritznel", "Jean-Robert", "Wilner", "Ducarmel", "Frantz", "Dieuseul", "Rodney")
HAITIAN_GIVEN_FEMALE = ("Marie", "Roseline", "Nadege", "Guerline", "Marie-Claude", "Fabiola", "Mirlande", "Yolette", "Islande")
HMONG_SURNAMES = ("Vang", "Xiong", "Yang", "Lee", "Her", "Thao", "Moua", "Vue", "Lor", "Chang", "Khang", "Cha")
HMONG_GIVEN_MALE = ("Pao", "Tou", "Nou", "Chue", "Kou", "Xay", "Fue", "Tong", "Vang", "Neng")
HMONG_GIVEN_FEMALE = ("Mai", "Pa", "Xee", "Bao", "Yer", "Der", "Nou", "Kia", "Choua", "Youa")
FILIPINO_SURNAMES = ("Santos", "Reyes", "Cruz", "Bautista", "Ocampo", "Garcia", "Mendoza", "Dela Cruz", "Villanueva", "Manalo", "Macaraeg", "Dimaculangan", "Pangilinan", "Aquino")
FILIPINO_GIVEN_MALE = ("Jose", "Rolando", "Romeo", "Jun", "Bong", "Ferdinand", "Rommel", "Jonel", "Dindo", "Efren")
FILIPINO_GIVEN_FEMALE = ("Maria", "Rosalinda", "Marites", "Jocelyn", "Lorna", "Maricel", "Divina", "Imelda", "Luzviminda")
POLISH_SURNAMES = (
    "Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski", "Zieliński",
    "Szymański", "Woźniak", "Dąbrowski", "Kozłowski", "Jankowski", "Mazur", "Kwiatkowski", "Krawczyk",
    "Piotrowski", "Grabowski", "Nowakowski", "Pawłowski", "Michalski", "Brzęczyszczykiewicz",
)
RUSSIAN_SURNAMES = ("Ivanov", "Smirnov", "Kuznetsov", "Popov", "Sokolov", "Petrova", "Volkov", "Fedorova", "Morozov", "Novikova", "Kozlov", "Lebedev", "Shevchenko", "Bondarenko", "Kovalenko")
RUSSIAN_GIVEN_MALE = ("Aleksandr", "Dmitri", "Sergei", "Vladimir", "Mikhail", "Yuri", "Andrei", "Nikolai", "Oleksandr", "Igor", "Vitaliy")
RUSSIAN_GIVEN_FEMALE = ("Olga", "Tatiana", "Svetlana", "Natalia", "Irina", "Yelena", "Ludmila", "Anastasia", "Oksana", "Galina")
NATIVE_SURNAMES = ("Begay", "Yazzie", "Benally", "Tsosie", "Nez", "Etsitty", "Redhouse", "Runningwater", "Whitehorse", "Two Bulls", "Yellowhair", "Manuelito", "Deschenie")
SOUTH_ASIAN_SURNAMES_EXTRA = ("Patel", "Shah", "Desai", "Mehta", "Iyer", "Subramanian", "Krishnamurthy", "Venkataraman", "Chowdhury", "Rahman", "Bhattacharya", "Banerjee", "Siddiqui", "Khan", "Hussain", "Malik", "Sandhu", "Gill", "Dhillon")

# Nicknames: (formal, nickname). Used for first-name-only mentions ("pt prefers Bob").
NICKNAMES = {
    "Robert": ("Bob", "Bobby", "Rob"), "William": ("Bill", "Will", "Billy"), "Richard": ("Dick", "Rick", "Rich"),
    "James": ("Jim", "Jimmy"), "John": ("Jack", "Johnny"), "Margaret": ("Peggy", "Maggie", "Meg"),
    "Elizabeth": ("Liz", "Beth", "Betty", "Lizzie"), "Katherine": ("Kate", "Kathy", "Katie"),
    "Catherine": ("Cathy", "Kate"), "Patricia": ("Pat", "Patty", "Trish"), "Jennifer": ("Jen", "Jenny"),
    "Michael": ("Mike", "Mikey"), "Joseph": ("Joe", "Joey"), "Thomas": ("Tom", "Tommy"),
    "Charles": ("Chuck", "Charlie"), "Francisco": ("Paco", "Pancho"), "José": ("Pepe",),
    "Jose": ("Pepe",), "Guadalupe": ("Lupe",), "Alejandro": ("Alex", "Ale"), "Dolores": ("Lola",),
    "Concepción": ("Concha",), "Ignacio": ("Nacho",), "Aleksandr": ("Sasha",), "Oleksandr": ("Sasha",),
    "Dmitri": ("Dima",), "Ekaterina": ("Katya",), "Giuseppe": ("Beppe", "Pino"), "Mohammed": ("Mo",),
    "Muhammad": ("Mo",), "Abdulrahman": ("Abdul",), "Oluwaseun": ("Seun",), "Olufunmilayo": ("Funmi",),
    "Christopher": ("Chris",), "Daniel": ("Dan", "Danny"), "Anthony": ("Tony",), "Theodore": ("Ted", "Teddy"),
    "Dorothy": ("Dot", "Dottie"), "Barbara": ("Barb",), "Susan": ("Sue", "Susie"), "Deborah": ("Deb", "Debbie"),
    "Rebecca": ("Becky",), "Victoria": ("Vicky",),
}

# --- places --------------------------------------------------------------------------------------

# (state abbreviation, state name, cities, ZIP prefixes). Real places; many city names are also
# surnames, first names or common words (Mobile, Reading, Marion, Florence, Hope, Normal).
STATES = (
    ("MA", "Massachusetts", ("Boston", "Worcester", "Springfield", "Lowell", "Quincy", "Brockton", "Lynn", "Revere", "Chelsea", "Framingham", "Fall River", "New Bedford"), ("021", "016", "011", "018", "024")),
    ("NY", "New York", ("Brooklyn", "Bronx", "Yonkers", "Rochester", "Buffalo", "Albany", "Utica", "Troy", "Ithaca", "Flushing"), ("112", "104", "107", "146", "142")),
    ("CA", "California", ("Los Angeles", "Oakland", "Fresno", "San Jose", "Stockton", "Sacramento", "Modesto", "Salinas", "Paradise", "Eureka", "Orange"), ("900", "946", "937", "951", "958")),
    ("TX", "Texas", ("Houston", "San Antonio", "El Paso", "Laredo", "Austin", "Dallas", "McAllen", "Brownsville", "Tyler", "Sugar Land"), ("770", "782", "799", "780", "752")),
    ("IL", "Illinois", ("Chicago", "Cicero", "Joliet", "Aurora", "Peoria", "Normal", "Elgin", "Waukegan"), ("606", "604", "615", "617")),
    ("MN", "Minnesota", ("Minneapolis", "St. Paul", "Rochester", "Duluth", "Bloomington", "Eden Prairie"), ("554", "551", "559", "558")),
    ("GA", "Georgia", ("Atlanta", "Savannah", "Macon", "Augusta", "Athens", "Marietta", "Decatur"), ("303", "314", "312", "309")),
    ("AL", "Alabama", ("Mobile", "Birmingham", "Montgomery", "Huntsville", "Selma", "Florence"), ("366", "352", "361", "358")),
    ("PA", "Pennsylvania", ("Philadelphia", "Pittsburgh", "Reading", "Allentown", "Erie", "Chester", "Lancaster"), ("191", "152", "196", "181")),
    ("FL", "Florida", ("Miami", "Hialeah", "Orlando", "Tampa", "Jacksonville", "Kissimmee", "Homestead"), ("331", "328", "336", "322")),
    ("MI", "Michigan", ("Detroit", "Dearborn", "Flint", "Lansing", "Warren", "Hamtramck", "Grand Rapids"), ("482", "481", "485", "489")),
    ("AZ", "Arizona", ("Phoenix", "Tucson", "Mesa", "Chandler", "Yuma", "Window Rock", "Flagstaff"), ("850", "857", "852", "865")),
    ("OH", "Ohio", ("Columbus", "Cleveland", "Toledo", "Akron", "Dayton", "Marion", "Lima"), ("432", "441", "436", "443")),
    ("WA", "Washington", ("Seattle", "Tacoma", "Spokane", "Everett", "Kent", "Yakima"), ("981", "984", "992", "982")),
    ("AR", "Arkansas", ("Little Rock", "Hope", "Jonesboro", "Fayetteville", "Pine Bluff"), ("722", "718", "724", "727")),
    ("NJ", "New Jersey", ("Newark", "Paterson", "Camden", "Trenton", "Jersey City", "Elizabeth"), ("071", "075", "081", "086")),
)

STREET_NAMES = (
    "Main", "Oak", "Maple", "Elm", "Cedar", "Pine", "Washington", "Lincoln", "Jefferson", "Park",
    "Lake", "Hill", "Church", "Mill", "Spring", "Highland", "Ridge", "River", "Sunset", "Chestnut",
    "Walnut", "Martin Luther King Jr", "Cesar Chavez", "Malcolm X", "Dorchester", "Blue Hill",
    "Commonwealth", "Massachusetts", "Broadway", "Fulton", "Grand", "Mission", "Division",
    "Kedzie", "Peachtree", "Ponce de Leon", "Calle Ocho", "Nguyen", "Foley", "Parker", "Wells",
    "1st", "2nd", "3rd", "14th", "42nd", "Old County", "Route 9", "County Road 12", "Avenida Juárez",
)
STREET_SUFFIXES = ("St", "St.", "Street", "Ave", "Ave.", "Avenue", "Rd", "Road", "Blvd", "Boulevard", "Ln", "Lane", "Dr", "Drive", "Ct", "Court", "Way", "Pl", "Place", "Terrace", "Pkwy", "Hwy", "Circle")
UNIT_FORMS = ("Apt {n}", "Apt. {n}{l}", "Unit {n}", "#{n}", "Suite {n}", "Apartment {n}", "Fl {f}", "Bldg {l}")

HOSPITAL_PATTERNS = (
    "{saint} Medical Center", "{saint} Hospital", "{city} General Hospital", "{city} Community Hospital",
    "{surname} Memorial Hospital", "{city} Regional Medical Center", "University Hospital of {city}",
    "{tree} Valley Hospital", "{city} VA Medical Center", "{saint} Children's Hospital",
    "{surname} Cancer Institute", "{city} Heart Institute", "Mercy {city}", "{surname} Clinic",
    "{city} Health Center", "{surname} Family Health Center", "{saint}'s",
)
OTHER_FACILITY_PATTERNS = (
    "{tree} Grove Nursing Home", "{tree} Manor Rehabilitation", "{surname} Skilled Nursing Facility",
    "{city} Rehab Center", "{tree} Ridge Assisted Living", "{surname} House", "{city} Dialysis Unit",
    "{surname} Hospice", "{city} Urgent Care", "{surname} Pharmacy", "{city} Family Practice",
    "{city} Correctional Facility", "{city} Homeless Shelter",
)
SAINTS = ("St. Agnes", "St. Jude", "St. Vincent", "Saint Mary's", "St. Luke's", "St. Elizabeth's", "Sacred Heart", "Good Samaritan", "Holy Cross", "Our Lady of Lourdes", "St. Francis", "St. Joseph")
TREES = ("Maple", "Oak", "Cedar", "Willow", "Pine", "Birch", "Aspen", "Magnolia", "Cypress", "Sycamore")
EMPLOYERS = ("Home Depot", "Walmart", "the post office", "Boeing", "Amazon warehouse", "General Motors", "Stop & Shop", "Tyson Foods", "the county school district", "FedEx")

EMAIL_DOMAINS = ("gmail.com", "yahoo.com", "hotmail.com", "aol.com", "outlook.com", "comcast.net", "icloud.com", "protonmail.com")

# --- clinical filler (not PHI) -------------------------------------------------------------------

BRAND_DRUGS = (
    "Ativan", "Haldol", "Lasix", "Coumadin", "Zosyn", "Keppra", "Tylenol", "Celexa", "Lexapro",
    "Ambien", "Norco", "Flomax", "Allegra", "Bactrim", "Levophed", "Precedex", "Zofran", "Reglan",
    "Colace", "Senna", "Miralax", "Lovenox", "Protonix", "Eliquis", "Xarelto", "Plavix", "Lipitor",
    "Norvasc", "Seroquel", "Dilaudid", "Versed", "Cipro", "Flagyl", "Tamiflu", "Zyprexa", "Humalog",
    "Lantus", "Januvia", "Brilinta", "Entresto", "Farxiga", "Jardiance", "Ozempic", "Lyrica",
    "Neurontin", "Xanax", "Klonopin", "Benadryl", "Imdur", "Cardizem", "Toradol", "Narcan",
)
GENERIC_DRUGS = (
    ("metoprolol", "25 MG PO BID"), ("furosemide", "40 mg IV BID"), ("heparin", "5000 units SC q8h"),
    ("vancomycin", "1 g IV q12h"), ("piperacillin-tazobactam", "4.5 g IV q6h"), ("insulin glargine", "20 units qHS"),
    ("lisinopril", "10 mg daily"), ("atorvastatin", "80 mg qHS"), ("aspirin", "81 mg daily"),
    ("acetaminophen", "650 mg PO q6h PRN"), ("oxycodone", "5-10 mg PO q4h PRN"), ("pantoprazole", "40 mg daily"),
    ("norepinephrine", "0.08 mcg/kg/min"), ("propofol", "30 mcg/kg/min"), ("fentanyl", "50 mcg/hr"),
    ("potassium chloride", "20 mEq PO x1"), ("magnesium sulfate", "2 g IV x1"), ("albuterol", "2.5 mg neb q4h"),
    ("ceftriaxone", "1 g IV daily"), ("amiodarone", "200 mg PO daily"), ("warfarin", "5 mg qPM"),
    ("levothyroxine", "88 mcg daily"), ("metformin", "500 mg BID"), ("prednisone", "40 mg daily x5d"),
)
EPONYMS = (
    "Parkinson's disease", "Foley catheter", "Glasgow Coma Scale", "Swan-Ganz catheter", "Whipple procedure",
    "Hodgkin lymphoma", "Cushing's syndrome", "Addison's disease", "Bell's palsy", "Crohn's disease",
    "Graves disease", "Murphy's sign", "Homans sign", "Babinski sign", "Trendelenburg position",
    "Jackson-Pratt drain", "Hickman line", "Dobhoff tube", "Kerley B lines", "Mallory-Weiss tear",
    "Wernicke encephalopathy", "Guillain-Barre syndrome", "Osler nodes", "Janeway lesions",
    "Wells score", "Child-Pugh class B", "MELD score", "Braden score", "Morse fall score",
    "Alzheimer's dementia", "Hashimoto thyroiditis", "Barrett's esophagus", "Raynaud phenomenon",
    "Sjogren syndrome", "Wolff-Parkinson-White", "Mobitz type I", "Levine sign", "Kussmaul respirations",
    "Cheyne-Stokes breathing", "Romberg", "Tinel sign", "Phalen test", "Lachman test", "Apley",
)
ABBREVIATIONS = (
    "HOB >30", "OOB TO CHAIR", "NPO AFTER MN", "SBT IN AM", "RSBI 45", "PEEP 5", "CXR PENDING", "EKG NSR",
    "ABG 7.38/42/88", "UOP 40CC/HR", "CVP 8", "MAP >65", "DNR/DNI", "PT/OT CONSULT", "TF HELD FOR RESIDUALS 250",
    "FS Q6H", "SSI PER SCALE", "IV ACCESS: 2 PIVS", "A-LINE D/C'D", "HEP GTT @ 1100 U/HR", "PTT 68", "AOX3", "NAD",
    "VSS", "SOB W/ EXERTION", "C/O CP 4/10", "BLE EDEMA 2+", "I/O NEG 1L", "LFTS PENDING", "MRSA SWAB NEG",
)
# Sentences whose capitalised words look like names or places but are not PHI.
CONFUSER_SENTENCES = (
    "Will follow up labs in AM.", "Mark the site prior to procedure.", "BP rose to 160s with agitation.",
    "May need PICC line if IV access remains poor.", "Hope to wean FiO2 today.", "Frank blood noted in NGT output.",
    "Sterile technique maintained.", "Brown liquid stool x2.", "Gray-white matter differentiation preserved.",
    "Green bilious emesis overnight.", "Bill of rights reviewed with patient.", "Faith is important to pt; chaplain visit requested.",
    "Joy juice (ginger ale) tolerated.", "Grace period for insurance reviewed by case management.",
    "Spanish interpreter used for all discussions.", "Vietnamese-speaking; interpreter present.",
    "Recent travel to Guatemala two months ago.", "Haitian Creole interpreter via phone.",
    "Lives in a second-floor walk-up.", "Pt is a retired teacher.", "Jehovah's Witness; declines blood products.",
)

# Real first names and surnames that are also common words, eponyms or drug-like: the hard cases
# for a de-identifier that keeps "known safe" words.
WORD_FIRST_FEMALE = ("Hope", "Faith", "Grace", "Joy", "May", "June", "April", "Rose", "Dawn", "Summer", "Sunny", "Page", "Patience", "Precious", "Blessing", "Star", "Sandy", "Iris", "Ivy", "Olive")
WORD_FIRST_MALE = ("Will", "Bill", "Mark", "Hunter", "Chance", "Frank", "Guy", "Earl", "Grant", "Drew", "Lance", "Art", "Pat", "Royal", "Sterling", "Gene", "Rusty", "Bud", "King", "Major")
WORD_SURNAMES = (
    "Brown", "White", "Green", "Young", "King", "Long", "Hall", "Moss", "Stone", "Bush", "Street", "Parks",
    "Rivers", "Price", "Small", "Little", "Rich", "Post", "Cash", "Heart", "Bone", "Payne", "Sharp", "Wise",
    "Foley", "Murphy", "Graves", "Bell", "Wells", "Parkinson", "Barrett", "Wilson", "Baker", "Bishop", "Addison",
    "Cushing", "Hodgkin", "Crohn", "Osler", "Austin", "Marshall", "Mallory", "Homan", "Swan", "Pratt", "Jackson",
    "Child", "Frank", "Day", "Knight", "Fall", "Black", "Gray", "Cook", "Nurse", "Doctor", "Mayo", "Dose",
)
