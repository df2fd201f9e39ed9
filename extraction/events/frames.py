"""Which event a sentence describes: PLOVER type and mode, ACLED type and sub-event type.

A pure decision over the trigger families found in one sentence (see data/triggers.jsonl).
"""

from __future__ import annotations

from dataclasses import dataclass

EXPLOSIVE = "Explosions/Remote violence"

# Weapon -> (ACLED sub-event type, PLOVER modes), most telling first: a suicide car bomb is a
# suicide bomb before it is an IED.
WEAPON_FRAMES: dict[str, tuple[str, tuple[str, ...]]] = {
    "chemical": ("Chemical weapon", ("unconventional",)),
    "suicide": ("Suicide bomb", ("suicide-attack", "explosives")),
    "airstrike": ("Air/drone strike", ("aerial",)),
    "drone": ("Air/drone strike", ("drone",)),
    "grenade": ("Grenade", ("explosives",)),  # "a grenade exploded": the explosion is the grenade's
    "vbied": ("Remote explosive/landmine/IED", ("explosives",)),
    "ied": ("Remote explosive/landmine/IED", ("explosives",)),
    "guided_missile": ("Shelling/artillery/missile attack", ("heavy-weapons",)),
    "missile": ("Shelling/artillery/missile attack", ("heavy-weapons",)),
    "artillery": ("Shelling/artillery/missile attack", ("heavy-weapons",)),
}
WEAPON_ORDER = tuple(WEAPON_FRAMES)
# Weapons fired from afar, and weapons that name the sub-event type whatever else is used.
_RANGED = {"artillery", "missile", "guided_missile"}
_DECISIVE = {"chemical", "suicide", "airstrike", "drone", "vbied", "ied", "grenade"}
# Guns: in use ("shot", "gunmen": small_arms) or named as things ("rifles", "small arms": arms).
FIREARMS = {"small_arms", "arms", "live_fire"}

# Families that name an action, in the order used when the parse cannot tell which is main.
ACTION_FAMILIES = ("HARM", "SEXUAL", "ATTACK", "CLASH", "TERRITORY", "MOVE", "PROTEST", "RIOT", "LOOT", "DISRUPT",
                   "INTERVENE", "BASE", "AGREE", "OTHER")
VIOLENCE = {"HARM", "SEXUAL", "ATTACK", "CLASH", "WEAPON"}
_HURT = {"killed", "injured", "abducted"}


@dataclass(frozen=True)
class Frame:
    event_type: str
    modes: tuple[str, ...]
    acled_event_type: str
    acled_sub_event_type: str


_STRATEGIC = "Strategic developments"
LOOTING = Frame("ASSAULT", ("destroy",), _STRATEGIC, "Looting/property destruction")
DISRUPTED = Frame("COERCE", ("seize",), _STRATEGIC, "Disrupted weapons use")


MOB_VIOLENCE = Frame("ASSAULT", ("beat",), "Riots", "Mob violence")


def _mob_violence(values: dict[str, set[str]]) -> bool:
    """A crowd (mob, villagers, two village groups) hurting people or clashing, without the
    weapons of armed groups: mob violence, not an attack or an armed clash."""
    weapons = values.get("WEAPON", set())
    hurt = values.get("HARM", set()) & {"killed", "injured"}
    if "lynch" in values.get("MOB", set()):
        return True
    return not weapons & (_RANGED | _DECISIVE | FIREARMS) and bool(hurt or {"ATTACK", "CLASH"} & set(values))


def _property_frame(values: dict[str, set[str]]) -> Frame | None:
    """Weapons defused, found or seized; property looted, destroyed or seized — when nobody
    was hurt ("police seized two tons of cannabis", "militants torched a truck")."""
    harms = values.get("HARM", set())
    weapons = values.get("WEAPON", set())
    disrupt = values.get("DISRUPT", set())
    loot = values.get("LOOT", set())
    if harms & _HURT or "CLASH" in values or "SEXUAL" in values:
        return None
    # "gunmen" says who acted, not what was seized: a weapon seized is named as a thing
    if "defuse" in disrupt or (weapons - {"small_arms"} and ("recover" in disrupt or "seize" in loot)):
        return DISRUPTED
    if loot and not weapons & (_RANGED | _DECISIVE):
        return LOOTING
    return None


def _violence_frame(values: dict[str, set[str]], military_victims: bool, assassination: bool) -> Frame | None:
    weapons = values.get("WEAPON", set())
    harms = values.get("HARM", set())
    extra = ("assassinate",) if assassination else ()
    if "SEXUAL" in values:
        return Frame("ASSAULT", ("sexual",), "Violence against civilians", "Sexual violence")
    if weapons & _RANGED and not weapons & _DECISIVE and (
            "CLASH" in values or (weapons & FIREARMS and military_victims)):
        # ACLED codes an exchange of fire as a clash even when mortars are among the weapons:
        # "fired mortars and small arms at the positions of ...", "clashed with artillery fire".
        return Frame("ASSAULT", ("firearms", "heavy-weapons"), "Battles", "Armed clash")
    if "return" in values.get("CLASH", set()) and not weapons & {"chemical", "suicide", "airstrike", "drone"}:
        # "threw a grenade at police, who responded with gunfire": two armed sides fought
        return Frame("ASSAULT", ("firearms",), "Battles", "Armed clash")
    for weapon in WEAPON_ORDER:
        if weapon in weapons:
            sub, modes = WEAPON_FRAMES[weapon]
            return Frame("ASSAULT", modes + extra, EXPLOSIVE, sub)
    if "abducted" in harms and not harms & {"killed", "injured"}:
        return Frame("ASSAULT", ("abduct",), "Violence against civilians", "Abduction/forced disappearance")
    # "clashed with two armed men who were arrested", "shot a man during an arrest raid": the
    # arrest is part of a fight or an attack, which is the event
    if "arrested" in harms and not harms & {"killed", "injured"} and "CLASH" not in values \
            and not weapons & FIREARMS:
        return Frame("COERCE", ("arrest",), "Strategic developments", "Arrests")
    if "CLASH" in values:
        return Frame("ASSAULT", ("firearms",), "Battles", "Armed clash")
    if harms or "ATTACK" in values:
        modes = ("firearms",) if weapons & FIREARMS else ()
        if military_victims or "GANG" in values:  # soldiers hit, or drug gangs and the police at war
            return Frame("ASSAULT", modes + extra, "Battles", "Armed clash")
        return Frame("ASSAULT", modes + extra, "Violence against civilians", "Attack")
    return None


def choose_frame(
    main_family: str,
    values: dict[str, set[str]],
    *,
    actor_is_state: bool,
    military_victims: bool,
    assassination: bool,
) -> Frame | None:  # military_victims: soldiers hit or an armed target
    """The frame of a sentence whose main action belongs to `main_family`.

    `values` maps each trigger family found in the sentence to its values
    (e.g. {"HARM": {"killed"}, "WEAPON": {"ied"}}).
    """
    if "LABEL" in values:  # the category a note opens with ("Property destruction: On 6 May ...")
        labelled = frame_for_sub_event(min(values["LABEL"]))
        if labelled is not None:
            return labelled
    if "uxo" in values.get("OTHER", set()):  # a mine left over from an old war: no one's attack
        return frame_for_sub_event("Other")
    if main_family in VIOLENCE or main_family in ("LOOT", "DISRUPT"):
        # protesters killed by the state: excessive force; by others: an attack on civilians
        # protesters killed by the state, or by someone the report does not name: excessive force
        if "PROTEST" in values and ("killed" not in values.get("HARM", set()) or actor_is_state
                                    or ("protester" in values.get("VICTIM", set()) and "nonstate" not in values.get("ACTOR", set()))):
            return _protest_frame(values)
        if "RIOT" in values and main_family == "LOOT":
            return _protest_frame(values)  # "rioters looted shops"
        if "MOB" in values and _mob_violence(values):
            return MOB_VIOLENCE
        if "CROWD" in values and (values.get("HARM", set()) & {"killed", "injured"}
                                  or {"ATTACK", "CLASH", "LOOT", "RIOT"} & set(values)):
            return _crowd_frame(values)  # a crowd's violence, in a note sized like a demonstration's
        return _property_frame(values) or _violence_frame(values, military_victims, assassination)
    if main_family in VIOLENCE and {"capture", "regain"} & values.get("TERRITORY", set()) \
            and not values.get("WEAPON", set()) & _DECISIVE:
        main_family = "TERRITORY"  # "took control of X, killing 12": the ground changed hands
    if main_family == "TERRITORY" and "handover" in values.get("TERRITORY", set()) and not values.get("HARM"):
        return frame_for_sub_event("Non-violent transfer of territory")
    if main_family == "TERRITORY" and values.get("TERRITORY", set()) & {"capture", "regain"} \
            and "withdraw" in values.get("MOVE", set()) and not {"HARM", "CLASH", "ATTACK", "WEAPON"} & set(values):
        # "entered the town after the YPG pulled out": ground changed hands without a fight (told as
        # the withdrawal, a MOVE, it stays the withdrawing group's change to group/activity)
        return frame_for_sub_event("Non-violent transfer of territory")
    if main_family == "BASE":
        return frame_for_sub_event("Headquarters or base established")
    if main_family == "AGREE":
        return frame_for_sub_event("Agreement")
    if main_family == "OTHER":  # people displaced or released
        return frame_for_sub_event("Other")
    if main_family == "TERRITORY":
        regained = actor_is_state or ("regain" in values.get("TERRITORY", set()) and "nonstate" not in values.get("ACTOR", ()))
        sub = "Government regains territory" if regained else "Non-state actor overtakes territory"
        return Frame("ASSAULT", (), "Battles", sub)
    if main_family == "MOVE":
        if "surrender" in values["MOVE"]:
            return Frame("RETREAT", ("surrender",), "Strategic developments", "Agreement")
        if "withdraw" in values["MOVE"]:
            return Frame("RETREAT", ("withdraw",), "Strategic developments", "Change to group/activity")
        return Frame("MOBILIZE", ("troops",), "Strategic developments", "Change to group/activity")
    if main_family in ("PROTEST", "RIOT", "INTERVENE"):  # "police dispersed them": a crowd was there
        return _protest_frame(values)
    return None


def _crowd_frame(values: dict[str, set[str]]) -> Frame:
    """Violence of a crowd that is not told as a protest (ACLED's crowd-size tag says a crowd
    was there): a violent demonstration when the crowd made a demand or rioted (stones,
    burning tyres), else mob violence."""
    if "RIOT" in values or "DEMAND" in values:  # stones, burning tyres, or a demand made
        return Frame("PROTEST", ("riot",), "Riots", "Violent demonstration")
    return MOB_VIOLENCE


def _protest_frame(values: dict[str, set[str]]) -> Frame:
    harms = values.get("HARM", set())
    if {"RIOT", "CLASH", "LOOT"} & set(values):  # "protested, then looted shops"
        if harms & {"killed", "injured"} and "RIOT" in values:
            return MOB_VIOLENCE
        return Frame("PROTEST", ("riot",), "Riots", "Violent demonstration")
    # lethal force, or people shot; tear gas, shots in the air and beatings are interventions
    weapons = values.get("WEAPON", set())
    # deaths told beside a protest are force against it when someone intervened or fired
    if ("killed" in harms and ({"INTERVENE", "ATTACK"} & set(values) or weapons & FIREARMS
                               or "protester" in values.get("VICTIM", set()))) \
            or "live_fire" in weapons or ("injured" in harms and "small_arms" in weapons):
        return Frame("ASSAULT", ("crowd-control",), "Protests", "Excessive force against protesters")
    if harms & {"arrested", "injured"} or {"ATTACK", "INTERVENE"} & set(values) \
            or FIREARMS & values.get("WEAPON", set()):
        return Frame("PROTEST", ("demo",), "Protests", "Protest with intervention")
    return Frame("PROTEST", ("demo",), "Protests", "Peaceful protest")


# --- the frame of an ACLED sub-event type (for a classifier that predicts only the type) ------

# Sub-event types the trigger rules never choose, with the PLOVER type and mode of the crosswalk
# (../shared/eval/crosswalk_case2021_acled_plover_cameo.csv). "Agreement" is here as well: the
# rules choose it only for surrenders (RETREAT/surrender), too narrow for agreements in general.
_UNRULED_FRAMES = (
    Frame("AGREE", (), _STRATEGIC, "Agreement"),
    Frame("MOBILIZE", ("troops",), _STRATEGIC, "Headquarters or base established"),
    Frame("RETREAT", ("withdraw",), _STRATEGIC, "Non-violent transfer of territory"),
    Frame("OTHER", (), _STRATEGIC, "Other"),
)


def _plain_frames() -> dict[str, Frame]:
    """Each sub-event type's frame as `choose_frame` gives it for the plainest trigger set."""
    cases: list[tuple[str, dict[str, set[str]], bool]] = [
        ("WEAPON", {"WEAPON": {weapon}}, False) for weapon in WEAPON_ORDER]
    cases += [
        ("SEXUAL", {"SEXUAL": {"rape"}}, False),
        ("CLASH", {"CLASH": {"clash"}}, False),
        ("HARM", {"HARM": {"killed"}}, False),
        ("HARM", {"HARM": {"abducted"}}, False),
        ("HARM", {"HARM": {"arrested"}}, False),
        ("TERRITORY", {"TERRITORY": {"taken"}}, True),
        ("TERRITORY", {"TERRITORY": {"taken"}}, False),
        ("MOVE", {"MOVE": {"deploy"}}, False),
        ("PROTEST", {"PROTEST": {"protest"}}, False),
        ("PROTEST", {"PROTEST": {"protest"}, "HARM": {"arrested"}}, False),
        ("PROTEST", {"PROTEST": {"protest"}, "HARM": {"killed"}, "WEAPON": {"live_fire"}}, False),
        ("RIOT", {"RIOT": {"riot"}}, False),
        ("RIOT", {"RIOT": {"riot"}, "HARM": {"injured"}}, False),
        ("LOOT", {"LOOT": {"loot"}}, False),
        ("DISRUPT", {"DISRUPT": {"defuse"}}, False),
    ]
    frames: dict[str, Frame] = {}
    for family, values, state in cases:
        frame = choose_frame(family, values, actor_is_state=state, military_victims=False, assassination=False)
        if frame is not None:
            frames.setdefault(frame.acled_sub_event_type, frame)
    frames.update({f.acled_sub_event_type: f for f in _UNRULED_FRAMES})
    return frames


SUB_EVENT_FRAMES: dict[str, Frame] = _plain_frames()


def frame_for_sub_event(sub_event_type: str) -> Frame | None:
    """The Frame (PLOVER type and modes, ACLED event type) of an ACLED sub-event type name;
    None for a name that is not one of ACLED's 25 sub-event types."""
    return SUB_EVENT_FRAMES.get(sub_event_type)
