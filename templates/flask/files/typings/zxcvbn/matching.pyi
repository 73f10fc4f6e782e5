# Each frequency list ("passwords", "english_wikipedia", ...) as a mapping of
# lower-case word to its rank, 1 for the most common.
RANKED_DICTIONARIES: dict[str, dict[str, int]]
