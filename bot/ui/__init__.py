"""Pure Block Kit builders and user-facing strings: plain values in, Slack payload dicts out.

Nothing here talks to Slack, a database or the network, so every view can be tested with
plain values.
"""
