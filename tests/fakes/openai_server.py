"""The tests' fake OpenAI is the playground's simulated OpenAI (``bot.playground.openai_sim``):
one implementation, re-exported here so tests keep importing ``tests.fakes.openai_server``."""

from bot.playground.openai_sim import KEY_FILLER, KEY_PREFIX, FakeOpenAI, RecordedRequest

__all__ = ["KEY_FILLER", "KEY_PREFIX", "FakeOpenAI", "RecordedRequest"]
