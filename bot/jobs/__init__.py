"""Scheduled work (key re-checks, reminders, cost fetches), once per period across replicas."""
