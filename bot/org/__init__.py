"""A connected OpenAI organization (Admin API): connect, link, inventory, scheduled work."""
