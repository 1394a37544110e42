"""The collaborators listeners need, built once at start-up and handed to Bolt's context."""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import Settings
from bot.guide.model import Step
from bot.guide.search import TroubleshootingIndex, default_index
from bot.guide.steps import default_steps
from bot.store.database import Database
from bot.store.events import EventLedger
from bot.store.progress import ProgressStore


@dataclass
class Services:
    settings: Settings
    database: Database
    progress: ProgressStore
    events: EventLedger
    steps: tuple[Step, ...]
    troubleshooting: TroubleshootingIndex

    @classmethod
    def build(cls, settings: Settings, database: Database) -> Services:
        return cls(
            settings=settings,
            database=database,
            progress=ProgressStore(database),
            events=EventLedger(database),
            steps=default_steps(),
            troubleshooting=default_index(),
        )

    @property
    def keys_enabled(self) -> bool:
        return False
