"""Multi-workspace installs (Slack OAuth): encrypted installation store, state store, settings.

Used when ``SLACK_CLIENT_ID`` and ``SLACK_CLIENT_SECRET`` are set; see ``bot.app``.
"""
