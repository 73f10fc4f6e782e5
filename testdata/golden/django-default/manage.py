#!/usr/bin/env python
"""Entry point for Django's management commands (runserver, migrate, ...)."""

import os
import sys


def main() -> None:
    # Development is the default here; production sets DJANGO_SETTINGS_MODULE.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
