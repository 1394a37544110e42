"""openai-setup: a Slack app for getting, testing and safely storing OpenAI API keys."""

__version__ = "0.1.0"
