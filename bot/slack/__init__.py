"""Slack glue shared by the surface handlers in ``bot.listeners``: reading who and where from
Bolt's context, publishing App Home, showing a result in place, replying to free text,
reporting failures, and the middleware. Handlers live in ``bot.listeners``, by surface."""
