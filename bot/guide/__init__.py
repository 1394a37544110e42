"""Onboarding steps and troubleshooting knowledge: content as data files, loaders, search."""
