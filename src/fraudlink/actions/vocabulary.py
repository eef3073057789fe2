"""The words of the programme's action plan (*Actieplan*): its six themes and an action's status.

Values are the API's contract and stored as they are; their Dutch and English labels live in
actions/messages.toml (``theme_<value>``, ``status_<value>``).
"""

from __future__ import annotations

from enum import StrEnum


class Theme(StrEnum):
    PREVENTION = "prevention"  # voorkomen: campaigns, rules of thumb, older people
    VICTIM_SUPPORT = "victim_support"  # slachtoffers: reporting once, advice, support
    DATA_SHARING = "data_sharing"  # gegevensdeling between the partners
    INTERVENTIONS = "interventions"  # interventies that disrupt fraudsters' processes
    MONEY_MULES = "money_mules"  # geldezels: the money-mule approach
    RECOVERY_AND_ENFORCEMENT = "recovery_and_enforcement"  # PNBF, civil route, investigation


class Status(StrEnum):
    PLANNED = "planned"
    RUNNING = "running"
    REALISED = "realised"
    CARRIED_OVER = "carried_over"  # not finished in its year: continues in the next plan
