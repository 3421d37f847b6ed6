"""The demo forum's programme: five days modelled on an international human-rights forum.

Each row: (code, day index 0-4, local start "HH:MM", minutes, kind, title, Korean title,
room, moderated Q&A). Day 0 is the pre-forum. The sessions coded `live-*` are not placed
by this table's clock but around the moment the demo is started, so that something is
always live when someone opens it.
"""

from __future__ import annotations

HALL = "Kim Dae-jung Convention Center · Hall 1"
ROOMS = ("Room 201", "Room 202", "Room 203", "Room 301", "Youth Lounge", "Hall 2")

PROGRAMME: tuple[tuple[str, int, str, int, str, str, str, str, bool], ...] = (
    # Day 0: pre-forum
    ("pre-1", 0, "10:00", 90, "pre_forum", "Cities for Human Rights: a primer",
     "인권도시 입문", ROOMS[0], False),
    ("pre-2", 0, "10:00", 90, "pre_forum", "Youth researchers' networking",
     "청년 연구자 네트워킹", ROOMS[4], False),
    ("pre-3", 0, "13:00", 90, "pre_forum", "Local human-rights ombudspersons meet",
     "지역 인권옴부즈퍼슨 모임", ROOMS[1], False),
    ("pre-4", 0, "13:00", 90, "pre_forum", "Disability rights and accessible cities",
     "장애인 권리와 접근 가능한 도시", ROOMS[2], False),
    ("pre-5", 0, "15:00", 90, "pre_forum", "Documenting May 18: archives and memory",
     "5·18 기록과 기억", ROOMS[3], False),
    ("pre-6", 0, "15:00", 90, "pre_forum", "Migrant workers' voices",
     "이주노동자의 목소리", ROOMS[0], False),
    ("pre-7", 0, "17:00", 60, "pre_forum", "Orientation for online participants",
     "온라인 참가자 안내", ROOMS[5], False),
    # Day 1: opening
    ("open", 1, "09:30", 60, "opening", "Opening ceremony", "개막식", HALL, False),
    ("plen-1", 1, "10:45", 105, "plenary", "Plenary I: Human rights in times of crisis",
     "전체회의 I: 위기의 시대와 인권", HALL, True),
    ("spec-1", 1, "13:30", 90, "special", "Special session: Climate justice and human rights",
     "특별세션: 기후정의와 인권", ROOMS[5], True),
    ("spec-2", 1, "13:30", 90, "special", "Special session: Democracy and digital public spheres",
     "특별세션: 민주주의와 디지털 공론장", ROOMS[0], False),
    ("them-1", 1, "15:30", 90, "thematic", "Housing as a human right",
     "주거권", ROOMS[1], False),
    ("them-2", 1, "15:30", 90, "thematic", "Gender equality in local government",
     "지방정부의 성평등", ROOMS[2], False),
    ("them-3", 1, "15:30", 90, "thematic", "Refugees and the right to asylum",
     "난민과 비호권", ROOMS[3], False),
    ("youth-1", 1, "15:30", 75, "youth", "Youth talk: What human rights mean to my generation",
     "청년 토크: 우리 세대에게 인권이란", ROOMS[4], False),
    ("work-1", 1, "17:15", 75, "workshop", "Workshop: Human-rights impact assessment",
     "워크숍: 인권영향평가", ROOMS[0], False),
    # Day 2
    ("plen-2", 2, "09:30", 105, "plenary", "Plenary II: Peace, memory and transitional justice",
     "전체회의 II: 평화, 기억, 이행기 정의", HALL, True),
    ("spec-3", 2, "11:30", 90, "special", "Special session: Artificial intelligence and rights",
     "특별세션: 인공지능과 인권", ROOMS[5], True),
    ("them-4", 2, "13:30", 90, "thematic", "Children's rights in the city",
     "도시와 아동권리", ROOMS[1], False),
    ("them-5", 2, "13:30", 90, "thematic", "Business and human rights",
     "기업과 인권", ROOMS[2], False),
    ("them-6", 2, "13:30", 90, "thematic", "Indigenous peoples and land rights",
     "원주민과 토지권", ROOMS[3], False),
    ("them-7", 2, "15:30", 90, "thematic", "Older persons' rights in ageing societies",
     "고령사회와 노인 인권", ROOMS[1], False),
    ("youth-2", 2, "15:30", 75, "youth", "Youth talk: Activism online and offline",
     "청년 토크: 온라인과 오프라인의 행동", ROOMS[4], False),
    ("work-2", 2, "15:30", 90, "workshop", "Workshop: Human-rights education toolkits",
     "워크숍: 인권교육 도구", ROOMS[0], False),
    ("work-3", 2, "17:15", 75, "workshop", "Workshop: Safe spaces for LGBTIQ+ people",
     "워크숍: 성소수자를 위한 안전한 공간", ROOMS[2], False),
    ("spec-4", 2, "17:15", 75, "special", "Special session: Press freedom in Asia",
     "특별세션: 아시아의 언론 자유", ROOMS[5], False),
    # Day 3
    ("plen-3", 3, "09:30", 105, "plenary", "Plenary III: Local governments and the SDGs",
     "전체회의 III: 지방정부와 지속가능발전목표", HALL, True),
    ("them-8", 3, "11:30", 90, "thematic", "Right to health after the pandemic",
     "팬데믹 이후의 건강권", ROOMS[1], False),
    ("them-9", 3, "11:30", 90, "thematic", "Labour rights in the platform economy",
     "플랫폼 경제와 노동권", ROOMS[2], False),
    ("spec-5", 3, "13:30", 90, "special", "Special session: Human-rights cities network",
     "특별세션: 세계인권도시 네트워크", ROOMS[5], True),
    ("them-10", 3, "13:30", 90, "thematic", "Hate speech and freedom of expression",
     "혐오표현과 표현의 자유", ROOMS[3], False),
    ("youth-3", 3, "13:30", 75, "youth", "Youth talk: Climate anxiety and action",
     "청년 토크: 기후 불안과 행동", ROOMS[4], False),
    ("work-4", 3, "15:30", 90, "workshop", "Workshop: Monitoring and indicators",
     "워크숍: 인권 모니터링과 지표", ROOMS[0], False),
    ("them-11", 3, "15:30", 90, "thematic", "Right to water and sanitation",
     "물과 위생에 대한 권리", ROOMS[1], False),
    ("youth-4", 3, "15:30", 75, "youth", "Youth talk: Inclusion starts at school",
     "청년 토크: 포용은 학교에서", ROOMS[4], False),
    ("spec-6", 3, "17:15", 75, "special", "Special session: Truth commissions compared",
     "특별세션: 진실위원회 비교", ROOMS[5], False),
    # Day 4: closing
    ("plen-4", 4, "09:30", 105, "plenary", "Plenary IV: From declaration to action",
     "전체회의 IV: 선언에서 실천으로", HALL, True),
    ("them-12", 4, "11:30", 90, "thematic", "Cultural rights and heritage",
     "문화권과 유산", ROOMS[1], False),
    ("them-13", 4, "11:30", 90, "thematic", "Data protection and privacy",
     "개인정보 보호와 프라이버시", ROOMS[2], False),
    ("youth-5", 4, "11:30", 75, "youth", "Youth declaration drafting",
     "청년 선언문 작성", ROOMS[4], False),
    ("work-5", 4, "13:30", 75, "workshop", "Workshop: Writing the Gwangju Declaration",
     "워크숍: 광주선언문 작성", ROOMS[0], False),
    ("spec-7", 4, "13:30", 75, "special", "Special session: Human-rights defenders at risk",
     "특별세션: 위험에 처한 인권옹호자", ROOMS[5], True),
    ("them-14", 4, "13:30", 75, "thematic", "Accessible information for all",
     "모두를 위한 접근 가능한 정보", ROOMS[3], False),
    ("close", 4, "15:30", 90, "closing", "Closing ceremony and reading of the declaration",
     "폐막식 및 선언문 낭독", HALL, False),
)  # fmt: skip

# Placed around the moment the demo starts: (code, kind, title, Korean title, room,
# moderated Q&A, minutes before now, minutes after now).
LIVE_NOW: tuple[tuple[str, str, str, str, str, bool, int, int], ...] = (
    ("live-plenary", "plenary", "Live plenary: Human rights cities dialogue",
     "생중계 전체회의: 인권도시 대화", HALL, True, 30, 150),
    ("live-special", "special", "Live special session: Open Q&A with the rapporteurs",
     "생중계 특별세션: 특별보고관과의 공개 질의응답", ROOMS[5], False, 20, 120),
    ("live-youth", "youth", "Live youth talk: Voices from 76 countries",
     "생중계 청년 토크: 76개국의 목소리", ROOMS[4], False, 10, 90),
    ("live-workshop", "workshop", "Live workshop: Reporting hate incidents",
     "생중계 워크숍: 혐오 사건 신고하기", ROOMS[0], False, 45, 45),
)  # fmt: skip

DAY_TITLES = (
    ("Pre-forum", "사전 행사"),
    ("Day 1 · Opening", "첫째 날 · 개막"),
    ("Day 2", "둘째 날"),
    ("Day 3", "셋째 날"),
    ("Day 4 · Closing", "넷째 날 · 폐막"),
)

TRACKS = (
    ("plenary", "Plenaries", "전체회의"),
    ("special", "Special sessions", "특별세션"),
    ("thematic", "Thematic sessions", "주제세션"),
    ("youth", "Youth", "청년"),
    ("pre_forum", "Pre-forum", "사전 행사"),
)
