"""Text normalisation shared by every scorer."""

import unicodedata

_QUOTES = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
        "\u00ab": '"', "\u00bb": '"',
    }
)  # fmt: skip


def normalise(text: str) -> str:
    """Equal for texts that differ only in Unicode form, case, whitespace or quote style."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    # str.split() splits on exactly the characters the regex \s matches
    # (str.isspace), twice as fast as re.sub(r"\s+", " ", text).strip().
    return " ".join(text.split()).casefold()
