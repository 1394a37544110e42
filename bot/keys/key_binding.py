"""What binds a stored OpenAI key to its row, and the two public faces of a key.

The associated data of every stored key names its purpose, workspace and project, so a
ciphertext copied to another row does not decrypt. The mask and the fingerprint are
computed once per submitted key and travel together.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.identity import Workspace
from bot.keys.crypto import BindingContext, fingerprint, fingerprint_id, mask
from bot.keys.keyring import Keyring

PURPOSE = "openai-api-key"


def binding(workspace: Workspace, project_id: int) -> BindingContext:
    return BindingContext(PURPOSE, workspace.enterprise_id, workspace.team_id, str(project_id))


@dataclass(frozen=True)
class KeyFaces:
    """A key's display form and its HMAC fingerprint (full, and the short id audits use)."""

    masked: str
    fingerprint: str

    @classmethod
    def of(cls, keyring: Keyring, api_key: str) -> KeyFaces:
        return cls(mask(api_key), fingerprint(keyring, api_key))

    @property
    def fingerprint_id(self) -> str:
        return fingerprint_id(self.fingerprint)
