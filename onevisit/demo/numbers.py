"""Fictional but well-formed identifiers for the demo: credit codes, identity numbers, names.

All of them come from one `random.Random` passed in by the seeder, so that two runs
produce the same registry.
"""

from __future__ import annotations

import datetime
import random

from stdnum.cn import ric, uscc

#: GB 11714 organization-code weights; the ninth character is its check digit.
_ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余"
    "于杜叶程魏苏吕丁任沈姚卢钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷"
    "龙黎史陶贺毛郝顾龚邵万覃武钱戴严莫孔向常汤康易乔赖文"
)
_DIGITS = "零一二三四五六七八九"


def organization_code_check(body8: str) -> str:
    """The check character of a nine-character organization code (GB 11714)."""
    total = sum(int(c, 36) * w for c, w in zip(body8, _ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def credit_code(rng: random.Random, *, region_code: str, institution: bool, used: set[str]) -> str:
    """A unified social credit code registered by the establishment authority (1).

    Entity type 1 is a Party or government organ, 2 a public institution; the
    organization code carries its own GB 11714 check digit and the whole code its
    GB 32100 check character (validated by `stdnum.cn.uscc`).
    """
    division = region_code[:6].ljust(6, "0")
    while True:
        prefix = "4" if institution else "00"
        body8 = prefix + "".join(rng.choice("0123456789") for _ in range(8 - len(prefix)))
        org_code = body8 + organization_code_check(body8)
        body17 = ("12" if institution else "11") + division + org_code
        code = body17 + uscc.calc_check_digit(body17)
        if code not in used:
            uscc.validate(code)
            used.add(code)
            return code


def _valid_identity(number: str) -> bool:
    try:
        return ric.is_valid(number)
    except Exception:  # stdnum raises KeyError for some division codes
        return False


#: Division codes a city's people born before its present code existed may carry:
#: Shaoxing (3306) dates from 1983; before, its area was the Shaoxing prefecture (3323).
PREDECESSOR_CODES: dict[str, tuple[str, ...]] = {"3306": ("332301", "332321")}
#: A county's own predecessors, preferred for its people when its code is younger than
#: they are: Keqiao (2013) was Shaoxing County (330621 from 1983, 332321 before).
COUNTY_PREDECESSORS: dict[str, tuple[str, ...]] = {"330603": ("330621", "332321")}


def birthplace_fits(identity_number: str, region_code: str) -> bool:
    """Whether a number's birthplace lies in the area of an organization's region.

    Provincial staff may be born anywhere in the province; city, county and township
    staff in their city, under its present code or a predecessor's.
    """
    prefix = region_code[:4]
    return identity_number.startswith(prefix) or identity_number[:6] in PREDECESSOR_CODES.get(
        prefix, ()
    )


class IdentityNumbers:
    """Draws fictional resident identity numbers that validate with `stdnum.cn.ric`.

    A number encodes the birthplace's county code as it was on the birth date: a person
    born in 1975 cannot carry the code of a district created in 2013 (Keqiao, 330603),
    so people of such a county are given a code of another county of the same city
    that existed then (for Keqiao, Shaoxing County 330621, its predecessor; before
    1983, the Shaoxing prefecture's codes in `PREDECESSOR_CODES`).
    """

    def __init__(self, rng: random.Random, county_codes: dict[str, list[str]]):
        self.rng = rng
        #: city or province code → its county codes (sorted); county code → [itself]
        self.county_codes = county_codes
        self.used: set[str] = set()
        self._valid_cache: dict[tuple[str, int], bool] = {}

    def _code_valid_in(self, code: str, year: int) -> bool:
        key = (code, year)
        if key not in self._valid_cache:
            body = f"{code}{year}0101001"
            self._valid_cache[key] = _valid_identity(body + ric.calc_check_digit(body + "0"))
        return self._valid_cache[key]

    def birthplace(self, region_code: str, year: int) -> str:
        """A county code for someone born in `year` who works in `region_code`."""
        county = region_code[:6]
        if len(county) == 6 and self._code_valid_in(county, year):
            return county
        for predecessor in COUNTY_PREDECESSORS.get(county, ()):
            if self._code_valid_in(predecessor, year) and self.rng.random() < 0.8:
                return predecessor
        pool_key = region_code[:4] if len(region_code) >= 4 else region_code
        pool = [*self.county_codes[pool_key], *PREDECESSOR_CODES.get(pool_key, ())]
        candidates = [c for c in pool if self._code_valid_in(c, year)]
        if not candidates:
            raise ValueError(f"no birthplace code of {pool_key} is valid in {year}")
        return self.rng.choice(candidates)

    def draw(self, region_code: str, *, first_year: int, last_year: int) -> str:
        while True:
            year = self.rng.randint(first_year, last_year)
            birth = datetime.date(year, 1, 1) + datetime.timedelta(days=self.rng.randrange(365))
            place = self.birthplace(region_code, birth.year)
            body = f"{place}{birth:%Y%m%d}{self.rng.randrange(1, 1000):03d}"
            number = body + ric.calc_check_digit(body + "0")
            if number not in self.used and _valid_identity(number):
                self.used.add(number)
                return number


def chinese_numeral(n: int) -> str:
    """1 → 一, 12 → 十二, 105 → 一百零五 (enough for the demo's serial numbers)."""
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _DIGITS[n // 10] + "十" + (_DIGITS[n % 10] if n % 10 else "")
    if n < 1000:
        rest = n % 100
        head = _DIGITS[n // 100] + "百"
        if rest == 0:
            return head
        if rest < 10:
            return head + "零" + _DIGITS[rest]
        return head + (chinese_numeral(rest) if rest >= 20 else "一" + chinese_numeral(rest))
    return str(n)


def demo_name(rng: random.Random, serial: int) -> str:
    """An obviously fictional name: a surname, the marker 示例 ("example") and a numeral."""
    return f"{rng.choice(SURNAMES)}示例{chinese_numeral(serial)}"
