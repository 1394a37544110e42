"""OpenAI API keys: live validation and encryption at rest. No Slack here.

What a submission may contain (key shape, project names) and the secret detector are pure
rules in ``bot.rules``. Modules: ``keyring`` and ``crypto``
(AES-256-GCM with bound context, fingerprints, masks), ``validation`` (live probe →
``KeyOutcome``), ``outcome_text`` (the words for each outcome, from ``outcomes.toml``).
"""
