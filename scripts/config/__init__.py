"""Configuration: validated settings, the .env bootstrap and dashboard password hashing."""

from scripts.config.settings import Settings, SettingsError, load_settings

__all__ = ["Settings", "SettingsError", "load_settings"]
