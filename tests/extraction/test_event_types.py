"""Which ACLED sub-event type a report gets: one made-up report per behaviour (not eval rows)."""

from __future__ import annotations

import pytest

from extraction.evaluation.acled import lead_event

CASES = [
    # ceasefire-violation notes: explosions and projectiles are shelling ...
    ("monitors observed a total of 14 explosions involving unknown weapons near Avdiivka.",
     "Shelling/artillery/missile attack"),
    ("heavy artillery fire by an unidentified party was reported in Ain Zara. No casualties reported.",
     "Shelling/artillery/missile attack"),
    # ... unless small arms are fired too, or the fire goes both ways
    ("Rebel forces fired 82mm mortars and small arms at the positions of the army near Marinka.",
     "Armed clash"),
    ("monitors recorded 30 projectiles in both directions of the frontline near Zolote.", "Armed clash"),
    ("A shoot-out took place between police and a gang in the Mare neighbourhood.", "Armed clash"),
    ("monitors recorded a total of 7 shots involving small arms near Popasna.", "Armed clash"),
    ("Militants ambushed a patrol and killed one gendarme near Djibo.", "Armed clash"),
    # property: destroyed, looted, seized, when nobody is hurt
    ("Unknown men set fire to three tractors of a logging company near Ercilla.",
     "Looting/property destruction"),
    ("Police seized two tons of cannabis hidden in a lorry near Dourados.", "Looting/property destruction"),
    # weapons: defused, or seized as things
    ("Soldiers found and defused a roadside bomb near Gao.", "Disrupted weapons use"),
    ("Gendarmes seized four rifles and a box of ammunition in a raid near Van.", "Disrupted weapons use"),
    # the category label a note opens with decides
    ("Security measures: On 3 May, the governor imposed a curfew on the whole province.",
     "Change to group/activity"),
    ("Property destruction: militants burned a school in the village overnight.",
     "Looting/property destruction"),
    # crowds
    ("A suspected thief was beaten up by villagers near Kisumu.", "Mob violence"),
    ("A mob lynched two men accused of stealing a goat in Kampala.", "Mob violence"),
    ("Residents protested outside the town hall, then looted two shops.", "Violent demonstration"),
    ("Teachers protested in Lima. Police dispersed them with tear gas.", "Protest with intervention"),
    ("Police opened fire on protesters in Basra, killing two.", "Excessive force against protesters"),
    ("Farmers protested outside the district office in Multan. 14 were arrested.", "Protest with intervention"),
    ("Prisoners staged a protest in the jail in Huancayo. Guards fired into the air.", "Protest with intervention"),
    # what a protest is about does not make it violent
    ("Relatives protested in Cali after clashes in the prison last week.", "Peaceful protest"),
    ("Artists observed a hunger strike and held a protest in Badin.", "Peaceful protest"),
    ("Gym owners did a motorcade to demand the reopening of gyms in Recife.", "Peaceful protest"),
    ("On 21 March 2021, 3 soldiers were killed in an ambush in Kunduz.", "Armed clash"),  # the month
    # activity of groups and governments
    ("The governor imposed a curfew on the province until further notice.", "Change to group/activity"),
    ("Members of a cartel delivered food packages to families in Apatzingan.", "Change to group/activity"),
    ("Rebels set up a new base in the hills above Dori.", "Headquarters or base established"),
    ("The two militias signed a ceasefire agreement in Zintan on Monday.", "Agreement"),
    ("A grenade exploded at a bus stop in Mogadishu, wounding two people.", "Grenade"),
    ("The militia handed over control of the town to the army without a fight.",
     "Non-violent transfer of territory"),
    ("A farmer was killed when an unexploded shell left over from the war exploded in Battambang.", "Other"),
    ("About 300 families fled their villages near Paletwa after fighting nearby.", "Other"),
    # territory
    ("Government troops recaptured the town of Palma from insurgents.", "Government regains territory"),
    ("Islamic State fighters recaptured the village of Kashma from the army.",
     "Non-state actor overtakes territory"),
    # who was hit: a civilian "leader" is no fight with armed forces, a police officer is
    ("Unidentified gunmen shot dead a community leader in Popayan.", "Attack"),
    ("Unidentified gunmen shot and injured a police officer in Katsina.", "Armed clash"),
    # an arrest told after the incident is part of it
    ("Gunmen shot dead a shopkeeper in Quetta. Police later arrested two suspects.", "Attack"),
    # a note tagged with a crowd size tells a crowd's violence
    ("Villagers beat two men accused of theft in Kadiri. [size=no report]", "Mob violence"),
    ("Traders attacked market officials in Onitsha, demanding the reopening of the market. [size=around 40]",
     "Violent demonstration"),
    # protesters killed by someone the report does not name; a strike of a protest is no attack
    ("Four protesters died from gunfire during a demonstration outside the consulate in Karbala.",
     "Excessive force against protesters"),
    ("Nurses staged a protest and went on strike in Ludhiana demanding higher pay.", "Peaceful protest"),
    # arrests that are part of a fight or a beating
    ("Police officers clashed with two armed men who were arrested in Tepic.", "Armed clash"),
    ("Soldiers arrested and beat a shop owner in Beledweyne.", "Attack"),
    # members: a party member is a civilian, a gang member or an agent of a force is armed
    ("Militiamen of the ruling party attacked and injured an opposition party member in Gitega.", "Attack"),
    ("Two gang members were shot dead by a rival gang in Soyapango.", "Armed clash"),
    ("Gunmen shot and killed 2 NDS agents in Herat.", "Armed clash"),
    # bombs; suicide bombers; explosions that are the event; a named weapon's explosion
    ("A bomb planted by militants killed 2 soldiers in Kandahar.", "Remote explosive/landmine/IED"),
    ("Two suicide bombers blew themselves up at a checkpoint in Maiduguri.", "Suicide bomb"),
    ("An IED detonated near the market in Jowhar.", "Remote explosive/landmine/IED"),
    ("Militants launched a rocket at the town. The rocket exploded in a field.", "Shelling/artillery/missile attack"),
    ("Chlorine munitions were dropped on a neighbourhood of the town.", "Chemical weapon"),
    # thrown grenades; sides that fire back or repel an attack fight
    ("Militants threw a hand grenade at a shop in Bosaso.", "Grenade"),
    ("Militants threw a hand grenade at police in Bosaso. Police responded with gunfire.", "Armed clash"),
    ("Government forces thwarted a rebel attack on the front near Marib.", "Armed clash"),
    ("Rebels shelled army positions near Marib. The army fired back, killing four rebels.", "Armed clash"),
    # security forces hit off duty are hit as civilians (ACLED)
    ("Gunmen shot dead an off-duty police officer near his home in Morelia.", "Attack"),
    # territory: taken by a government's forces, freed, handed over by a deal
    ("Pro-Hadi forces took control of two hills near Qataba.", "Government regains territory"),
    ("Army units freed several villages from the insurgents near Tillaberi.", "Government regains territory"),
    ("Rebel fighters left the town of Dael under an evacuation deal.", "Non-violent transfer of territory"),
    ("Rebel fighters entered the town and took control of it after the militia pulled out.",
     "Non-violent transfer of territory"),
    # told as the withdrawal, it is the withdrawing group's change of activity (issue 3's mapping)
    ("ISIS members withdrew from the villages towards the desert after regime forces took control of the area.",
     "Change to group/activity"),
    # bases, agreements
    ("Turkish forces set up two new observation posts near Saraqib.", "Headquarters or base established"),
    ("The two armies agreed to a temporary ceasefire after a week of fighting.", "Agreement"),
    ("Non-violent activity: On 9 May, the government released 40 prisoners in Kabul.", "Other"),
]

# Reports that tell of no one's violence: a disaster or an accident, or diplomats expelled.
NO_EVENT = [
    "A strong earthquake killed eight people and injured dozens in Lombok.",
    "Six workers were killed when a boiler exploded at a chemical plant near Kralupy.",
    "Two people died in a car crash on the highway near Ardrishaig.",
    "The government expelled two embassy diplomats over spying allegations.",  # no ground lost
    "Explosions tore through an industrial area where gas was stored. Dozens were killed.",  # the lead says what
]


@pytest.mark.parametrize("text", NO_EVENT, ids=[t[:30] for t in NO_EVENT])
def test_disasters_are_no_event(extract_text, text):
    assert extract_text(text) == []


@pytest.mark.parametrize("text, expected", CASES, ids=[c[1] + ":" + c[0][:30] for c in CASES])
def test_sub_event_type(extract_text, text, expected):
    event = lead_event(extract_text(text))  # the event the evaluation scores
    assert event is not None, text
    assert event.acled_sub_event_type == expected
