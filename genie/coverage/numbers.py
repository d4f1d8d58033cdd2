"""Numbers as people say them: Chinese numerals, English and French words (0-9,999).

The coverage run's own spelling, written for it (docs/coverage/): it says values the way a user would,
and checks that a reply carries a value in any of the forms a person would accept.
"""

from __future__ import annotations

_ZH_DIGITS = "零一二三四五六七八九"
_EN_ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
            "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
_EN_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_FR_ONES = ["zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix", "onze", "douze",
            "treize", "quatorze", "quinze", "seize", "dix-sept", "dix-huit", "dix-neuf"]
_FR_TENS = ("", "", "vingt", "trente", "quarante", "cinquante", "soixante")


def zh_number(n: int) -> str:
    """``n`` in Chinese numerals: 26 -> 二十六, 105 -> 一百零五, 10 -> 十."""
    if not 0 <= n < 10_000:
        raise ValueError(f"{n} is out of 0-9999")
    if n < 10:
        return _ZH_DIGITS[n]
    if n < 20:
        return "十" + (_ZH_DIGITS[n % 10] if n % 10 else "")
    out, zero = "", False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // value % 10
        if digit:
            if zero and out:
                out += "零"
            out += _ZH_DIGITS[digit] + unit
            zero = False
        elif out:
            zero = True
    return out


def en_number(n: int) -> str:
    """``n`` in English words: 26 -> twenty-six, 105 -> one hundred and five."""
    if not 0 <= n < 10_000:
        raise ValueError(f"{n} is out of 0-9999")
    if n >= 1000:
        rest = n % 1000
        head = f"{_EN_ONES[n // 1000]} thousand"
        return head if not rest else f"{head} {'and ' if rest < 100 else ''}{en_number(rest)}"
    if n >= 100:
        rest = n % 100
        head = f"{_EN_ONES[n // 100]} hundred"
        return head if not rest else f"{head} and {en_number(rest)}"
    if n < 20:
        return _EN_ONES[n]
    return _EN_TENS[n // 10] + (f"-{_EN_ONES[n % 10]}" if n % 10 else "")


def fr_number(n: int) -> str:
    """``n`` in French words: 21 -> vingt et un, 71 -> soixante et onze, 80 -> quatre-vingts."""
    if not 0 <= n < 10_000:
        raise ValueError(f"{n} is out of 0-9999")
    if n >= 1000:
        rest, thousands = n % 1000, n // 1000
        head = "mille" if thousands == 1 else f"{fr_number(thousands)} mille"
        return head if not rest else f"{head} {fr_number(rest)}"
    if n >= 100:
        rest, hundreds = n % 100, n // 100
        head = "cent" if hundreds == 1 else f"{_FR_ONES[hundreds]} cent" + ("" if rest else "s")
        return head if not rest else f"{head} {fr_number(rest)}"
    if n < 20:
        return _FR_ONES[n]
    if n < 70:
        tens, ones = divmod(n, 10)
        if ones == 0:
            return _FR_TENS[tens]
        return f"{_FR_TENS[tens]} et un" if ones == 1 else f"{_FR_TENS[tens]}-{_FR_ONES[ones]}"
    if n < 80:
        return "soixante et onze" if n == 71 else f"soixante-{_FR_ONES[n - 60]}"
    if n == 80:
        return "quatre-vingts"
    return f"quatre-vingt-{_FR_ONES[n - 80]}"


def spoken_number(n: int, lang: str) -> str:
    """``n`` in words of ``lang`` (zh, en or fr)."""
    return {"zh": zh_number, "en": en_number, "fr": fr_number}[lang](n)


def number_forms(value: float, lang: str) -> list[str]:
    """Every way a reply may carry ``value``: digits (to 0-2 decimals; in French with a decimal comma, as French
    is written and read: 19,7 and never 19.7) and, for a whole number, its words; rounded as a person would
    read a reading (27.83 -> 27.8 or 28)."""
    forms: list[str] = []
    for digits in (0, 1, 2):
        rounded = round(value, digits)
        text = f"{rounded:.{digits}f}"
        forms.append(text.replace(".", ",") if lang == "fr" else text)
    if value == int(value):
        forms.append(str(int(value)))
        if 0 <= value < 10_000:
            forms.append(spoken_number(int(value), lang))
    return list(dict.fromkeys(forms))
