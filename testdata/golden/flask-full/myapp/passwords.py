"""The password rules, the same four that Django's validators enforce.

At least ``MIN_LENGTH`` characters, not too similar to the e-mail address
(or a part of it), not entirely numeric, and not one of the 30,000 most
common passwords, taken from the zxcvbn package rather than a list kept here.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from zxcvbn.matching import RANKED_DICTIONARIES

MIN_LENGTH = 8
MAX_LENGTH = 128
# Django's default for UserAttributeSimilarityValidator.
MAX_SIMILARITY = 0.7


def problems(password: str, email: str | None = None) -> list[str]:
    """What is wrong with ``password`` for the account ``email``; [] if nothing."""
    found = []
    if len(password) < MIN_LENGTH:
        found.append(f"The password must have at least {MIN_LENGTH} characters.")
    if email and too_similar(password, email):
        found.append("The password is too similar to the email address.")
    if password.isdigit():
        found.append("The password cannot be entirely numeric.")
    if password.lower().strip() in RANKED_DICTIONARIES["passwords"]:
        found.append("This password is too common.")
    return found


def too_similar(password: str, email: str) -> bool:
    password = password.lower()
    value = email.lower()
    # The whole address and its parts: "ada.lovelace@example.com" also
    # rules out "adalovelace" and "lovelace".
    for part in [*re.split(r"\W+", value), value]:
        if part and SequenceMatcher(a=password, b=part).quick_ratio() >= MAX_SIMILARITY:
            return True
    return False
