"""The collaborators listeners need, built once at start-up and handed to Bolt's context."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from bot.config import Settings
from bot.guide.model import Step
from bot.guide.search import TroubleshootingIndex, default_index
from bot.guide.steps import default_steps
from bot.guide.translations import SHIPPED, default_translations
from bot.keys.creation_setting import CreationSetting
from bot.keys.keyring import Keyring, load_or_create_keyring
from bot.keys.leak_watch import LeakWatch
from bot.keys.limits import HourlyLimits, Limiter
from bot.keys.probe import OpenAIProbe
from bot.keys.reminders import RotationPolicy
from bot.keys.service import KeyService
from bot.org.admin_api import AdminApi
from bot.org.connection import OrganizationService
from bot.org.costs import CostService
from bot.org.inventory import CachedOverviews
from bot.org.key_rotation import KeyRotator
from bot.slack.locale import LocaleCache
from bot.slack.workspace_admins import WorkspaceAdmins
from bot.store.asked_questions import QuestionLog
from bot.store.database import Database
from bot.store.events import EventLedger
from bot.store.progress import ProgressStore
from bot.ui.messages import locale_templates


@dataclass
class Services:
    settings: Settings
    database: Database
    progress: ProgressStore
    events: EventLedger
    steps: tuple[Step, ...]
    troubleshooting: TroubleshootingIndex
    keyring: Keyring
    keys: KeyService
    creation: CreationSetting
    questions: QuestionLog
    leaks: LeakWatch
    organization: OrganizationService
    rotation_policy: RotationPolicy
    overviews: CachedOverviews
    rotator: KeyRotator
    costs: CostService
    locales: LocaleCache = field(default_factory=LocaleCache)  # each person's Slack locale
    # The workspace's Slack admins and owners (users.list), for leak alerts.
    workspace_admins: WorkspaceAdmins = field(default_factory=WorkspaceAdmins)

    @classmethod
    def build(cls, settings: Settings, database: Database) -> Services:
        """Everything the listeners use; raises ``KeyringError`` on a bad keyring.

        Translations are read and checked here too: a bad translation file stops start-up
        (ValueError naming the file) instead of failing a person's first request.
        """
        default_translations()
        for locale in SHIPPED:
            locale_templates(locale)
        keyring_path = settings.keyring_file or settings.data_dir / "keyring.json"
        keyring, _created = load_or_create_keyring(settings.keyring_file, keyring_path)
        probe = OpenAIProbe(
            base_url=settings.openai_base_url,
            timeout=settings.openai_timeout_seconds,
            model=settings.openai_test_model,
        )
        organization = OrganizationService(
            database,
            keyring,
            AdminApi(base_url=settings.openai_base_url, timeout=settings.openai_timeout_seconds),
            key_admins=settings.key_admin_ids,
        )
        return cls(
            settings=settings,
            database=database,
            progress=ProgressStore(database),
            events=EventLedger(database),
            steps=default_steps(),
            troubleshooting=default_index(),
            keyring=keyring,
            keys=KeyService(
                database,
                keyring,
                probe,
                key_admins=settings.key_admin_ids,
                limiter=Limiter(database, hourly_limits(settings)),
            ),
            creation=CreationSetting(database, key_admins=settings.key_admin_ids),
            questions=QuestionLog(
                database, retention=timedelta(days=settings.unanswered_retention_days)
            ),
            leaks=LeakWatch(database, keyring, probe, key_admins=settings.key_admin_ids),
            organization=organization,
            rotation_policy=RotationPolicy(database, key_admins=settings.key_admin_ids),
            overviews=CachedOverviews(organization),
            rotator=KeyRotator(organization, probe, key_admins=settings.key_admin_ids),
            costs=CostService(organization),
        )

    def __deepcopy__(self, memo: dict[int, object]) -> Services:
        # Bolt deep-copies the context for lazy listeners; these collaborators are shared.
        return self


def hourly_limits(settings: Settings) -> HourlyLimits:
    return HourlyLimits(
        projects_per_person=settings.projects_per_person_per_hour,
        projects_per_workspace=settings.projects_per_workspace_per_hour,
        checks_per_person=settings.key_checks_per_person_per_hour,
        checks_per_workspace=settings.key_checks_per_workspace_per_hour,
    )
