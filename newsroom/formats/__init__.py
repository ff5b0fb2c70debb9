"""Date formats the site shows, per language (Django's FORMAT_MODULE_PATH)."""
