"""Local fakes of outside services (OpenAI, ...) that tests talk to over 127.0.0.1."""
