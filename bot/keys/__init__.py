"""OpenAI API keys: live validation, encryption at rest, and the team-key service. No Slack.

What a submission may contain (key shape, project names) and the secret detector are pure
rules in ``bot.rules``. Modules:
``keyring``, ``crypto`` (AES-256-GCM with bound context, fingerprints, masks) and
``key_binding`` (what ties a stored key to its row); ``validation`` (live probe) and
``outcomes`` (how OpenAI's answers map to a ``KeyOutcome`` and the words for each, from
``outcomes.toml``); ``service`` (submit, test, revoke), ``export``, ``audit``, ``results``
(the ``Verdict`` every job answers with), ``access`` and ``limits`` (who may, how often).
"""
