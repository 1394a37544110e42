"""The live OpenAI checks the key service uses, with the app's settings applied."""

from __future__ import annotations

from dataclasses import dataclass

from bot.keys.validation import DEFAULT_MODEL, ValidationResult, test_key, validate_key


@dataclass(frozen=True)
class OpenAIProbe:
    """Checks keys against ``base_url`` (``OPENAI_BASE_URL``) with a short timeout."""

    base_url: str | None = None
    timeout: float = 10.0
    model: str = DEFAULT_MODEL

    def validate(
        self, api_key: str, *, organization: str | None, project: str | None, check_billing: bool
    ) -> ValidationResult:
        return validate_key(
            api_key,
            organization=organization,
            project=project,
            base_url=self.base_url,
            timeout=self.timeout,
            check_billing=check_billing,
            model=self.model,
        )

    def test_key(
        self, api_key: str, *, organization: str | None, project: str | None
    ) -> ValidationResult:
        return test_key(
            api_key,
            organization=organization,
            project=project,
            base_url=self.base_url,
            timeout=self.timeout,
            model=self.model,
        )
