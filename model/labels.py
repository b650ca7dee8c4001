"""The label sets newsframe predicts, verbatim from LABELS.md (evaluations compare strings)."""

from __future__ import annotations

TOPICS: tuple[str, ...] = (
    "arts_culture_entertainment_media",
    "crime_law_justice",
    "disaster_accident_emergency",
    "economy_business_finance",
    "education",
    "environment",
    "health",
    "human_interest",
    "labour",
    "lifestyle_leisure",
    "politics",
    "religion",
    "science_technology",
    "society",
    "sport",
    "conflict_war_peace",
    "weather",
)

IPTC_CODES: dict[str, str] = {label: f"{i:02d}000000" for i, label in enumerate(TOPICS, start=1)}

TOPIC_NAMES: dict[str, str] = {
    "arts_culture_entertainment_media": "Arts, culture, entertainment and media",
    "crime_law_justice": "Crime, law and justice",
    "disaster_accident_emergency": "Disaster, accident and emergency",
    "economy_business_finance": "Economy, business and finance",
    "education": "Education",
    "environment": "Environment",
    "health": "Health",
    "human_interest": "Human interest",
    "labour": "Labour",
    "lifestyle_leisure": "Lifestyle and leisure",
    "politics": "Politics",
    "religion": "Religion",
    "science_technology": "Science and technology",
    "society": "Society",
    "sport": "Sport",
    "conflict_war_peace": "Conflict, war and peace",
    "weather": "Weather",
}

FRAMES: tuple[str, ...] = ("allegation", "denial", "confirmation", "speculation", "neutral")

FRAME_DEFINITIONS: dict[str, str] = {
    "allegation": "someone accuses, charges, claims or reports wrongdoing, or a contested fact not yet established",
    "denial": "a party rejects, disputes or refutes a claim or accusation",
    "confirmation": "a claim, event or fact is verified, admitted, acknowledged or officially confirmed",
    "speculation": "hedged, uncertain, unresolved or predictive",
    "neutral": "plain factual or background statement, description or quote with none of the above",
}

TOPIC_DEFINITIONS: dict[str, str] = {
    "arts_culture_entertainment_media": "arts, film, music, books, TV, celebrities, museums, heritage, the news media itself",
    "crime_law_justice": "crime, police, courts, trials, prisons, lawsuits, laws being enforced",
    "disaster_accident_emergency": "earthquakes, floods, fires, transport accidents, explosions, emergency response",
    "economy_business_finance": "companies, markets, trade, jobs data, economy, industries, agriculture, energy business, personal finance",
    "education": "schools, universities, teachers, students, exams, education policy",
    "environment": "climate change, pollution, conservation, wildlife, natural resources, environmental policy",
    "health": "diseases, medicine, hospitals, public health, health policy, nutrition and fitness as health",
    "human_interest": "light or unusual stories about people and animals, records, anniversaries, curiosities",
    "labour": "employment, wages, unions, strikes, working conditions, unemployment, pensions as work",
    "lifestyle_leisure": "food and drink, travel, fashion, home and garden, hobbies, holidays, leisure",
    "politics": "government, elections, parties, parliament, diplomacy and international relations, policy debates",
    "religion": "faiths, churches, religious leaders, religious festivals, belief",
    "science_technology": "science research, space, technology, computing, the internet, technology companies' products",
    "society": "social issues: family, demographics, discrimination, migration as a social issue, poverty, welfare, values, communities",
    "sport": "competitions, athletes, teams, results, sports business",
    "conflict_war_peace": "war, armed conflict, terrorism, military, peace processes, unrest",
    "weather": "forecasts, weather conditions, heatwaves, storms as weather, climate statistics of a season",
}
