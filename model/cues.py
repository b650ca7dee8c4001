"""Cue lexicon: word classes that carry a frame, used as extra features (never as rules).

Each class becomes one feature (``lex:<class>``) wherever any of its words occurs, so evidence
learnt from "denied" also reaches "rebuffed", and "fiction" shares weight with "fabrication".
Matching is on Snowball stems, so inflections are covered. The model learns each class's weight.
"""

from __future__ import annotations

CUE_WORDS: dict[str, str] = {
    "deny": "deny denies denied denying denial denials reject rejected rejects dismiss dismissed dismisses "
    "refute refuted rebut rebutted dispute disputed disputes repudiate repudiated rebuff rebuffed contest "
    "contested contradict contradicted debunk debunked disown disowned insist insisted insists scoff scoffed "
    "retort retorted",
    "falsehood": "untrue false falsehood fiction fictional fabrication fabricated fabricate baseless unfounded "
    "groundless nonsense lie lies lying smear hoax fake bogus absurd ridiculous rubbish myth fantasy "
    "slander slanderous defamatory misleading doctored inaccurate incorrect garbage concocted invented "
    "manufactured distraction distractions exaggerated exaggerating overblown unsubstantiated debunked "
    "discredited disinformation misinformation",
    "innocence": "innocent innocence wrongdoing merit",
    "confirm": "confirm confirmed confirms confirming confirmation verify verified verifies corroborate "
    "corroborated authenticate authenticated validate validated acknowledge acknowledged acknowledges "
    "admit admitted admits admission concede conceded concedes owned genuine authentic established proved "
    "proven",
    "allege": "allege alleged allegedly allegation allegations accuse accused accuses accusation accusations "
    "claim claimed claims blame blamed implicate implicated suspect suspected suspicion charged indicted "
    "indictment lawsuit sued whistleblower",
    "wrongdoing": "fraud bribe bribes bribery corruption corrupt abuse abused misconduct embezzle embezzled "
    "embezzlement launder laundering illegal illegally theft stole stolen cover-up rigged rigging "
    "manipulated misled falsified forged harassment assault assaulted attacked negligence negligent "
    "cheated cheating extortion kickbacks misused misappropriated liar lied scam scandal sexist racist "
    "demeaned disrespecting overstepped obfuscate concealed hid hiding deceived deceptive wrongly unlawful "
    "unlawfully violated violation breached intimidation retaliated interfered interference",
    "criticise": "criticise criticised criticises criticize criticized criticizes criticism critic critics "
    "slam slammed slams blast blasted lambast lambasted assail assailed hammered denounce denounced "
    "denounces decry decried fault faulted condemn condemned condemns berate berated rebuke rebuked "
    "castigate castigated excoriate excoriated blasting slamming",
    "hedge": "may might could possibly possible perhaps probably likely unlikely unclear uncertain "
    "uncertainty unknown unconfirmed expect expected expects believe believed believes appear appears "
    "appeared seem seems seemed speculate speculation rumour rumours rumor rumors whether if would "
    "suggest suggests suggested potentially reportedly understood predict predicted forecast",
    "directive": "agree agreed agrees plan planned plans plot plotted conspire conspired decide decided "
    "order ordered orders instruct instructed instructs instruction urge urged urges recommend recommended "
    "recommends direct directed directs advise advised advises directive decree",
    "report": "said says say told tells according stated states reported report reports announced added "
    "noted explained statement",
}

_CLASSES: dict[str, str] | None = None


def cue_class(stem: str) -> str | None:
    """The lexicon class of a Snowball stem, or None."""
    global _CLASSES
    if _CLASSES is None:
        from .features import _stem

        _CLASSES = {}
        for name, words in CUE_WORDS.items():
            for word in words.split():
                _CLASSES.setdefault(_stem(word), name)
    return _CLASSES.get(stem)
