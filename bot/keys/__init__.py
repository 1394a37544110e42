"""OpenAI API keys: format checks, live validation, and encryption at rest. No Slack here.

Modules: ``key_format`` (shape hints, redaction pattern), ``keyring`` and ``crypto``
(AES-256-GCM with bound context, fingerprints, masks), ``validation`` (live probe →
``KeyOutcome``), ``outcome_text`` (the words for each outcome, from ``outcomes.toml``).
"""
