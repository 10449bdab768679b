"""Personal identifiers (PIPL): validation, SM4 encryption at rest, keyed SM3 hash, masking.

A sensitive value is stored as three columns: ciphertext (SM4-GCM, random nonce), a keyed HMAC-SM3 hash
for exact lookup, and the masked form for display. The plain value exists only in memory.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import os
import re
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.utils.translation import gettext
from stdnum.cn import ric as cn_ric
from stdnum.exceptions import ValidationError as StdnumError

from gongzhi.core.errors import field_error

_VERSION = b"\x01"


@lru_cache(maxsize=4)
def _keys(master: str) -> tuple[bytes, bytes]:
    if not master:
        raise RuntimeError("GONGZHI_DATA_KEY 未配置：无法加密个人信息")
    root = hashlib.sha256(master.encode()).digest()
    enc = hashlib.sha256(b"gongzhi-sm4" + root).digest()[:16]
    mac = hashlib.sha256(b"gongzhi-sm3-hmac" + root).digest()
    return enc, mac


@lru_cache(maxsize=4)
def _hmac_template(master: str) -> hmac.HMAC:
    """A keyed HMAC-SM3 before any data: ``copy()`` of it skips the key schedule for each value."""
    return hmac.HMAC(_keys(master)[1], hashes.SM3())


@lru_cache(maxsize=4)
def _sm4(master: str) -> algorithms.SM4:
    """The SM4 key object (it holds only the key): built once, not for every value encrypted."""
    return algorithms.SM4(_keys(master)[0])


def encrypt(plain: str) -> str:
    nonce = os.urandom(12)
    encryptor = Cipher(_sm4(settings.GONGZHI_DATA_KEY), modes.GCM(nonce)).encryptor()
    body = encryptor.update(plain.encode()) + encryptor.finalize()
    return base64.b64encode(_VERSION + nonce + encryptor.tag + body).decode()


def decrypt(token: str) -> str:
    enc_key, _ = _keys(settings.GONGZHI_DATA_KEY)
    raw = base64.b64decode(token)
    if raw[:1] != _VERSION:
        raise ValueError("unknown ciphertext version")
    nonce, tag, body = raw[1:13], raw[13:29], raw[29:]
    decryptor = Cipher(algorithms.SM4(enc_key), modes.GCM(nonce, tag)).decryptor()
    try:
        return (decryptor.update(body) + decryptor.finalize()).decode()
    except InvalidTag as exc:  # wrong key or tampered row: never return garbage
        raise ValueError("ciphertext failed authentication") from exc


def keyed_hash(normalised: str) -> str:
    h = _hmac_template(settings.GONGZHI_DATA_KEY).copy()
    h.update(normalised.encode())
    return h.finalize().hex()


# --- ID numbers (居民身份证号码) ---------------------------------------------------------------


def normalise_id_number(value: str, field: str = "id_number") -> str:
    raw = (value or "").strip().upper().replace(" ", "")
    if not raw:
        raise field_error(field, gettext("请填写身份证号码"), code="required")
    if len(raw) != 18:
        raise field_error(field, gettext("身份证号码应为18位，收到%(len)s位") % {"len": len(raw)})
    if not raw[:17].isdigit() or not (raw[17].isdigit() or raw[17] == "X"):
        raise field_error(field, gettext("身份证号码格式错误：前17位应为数字，最后一位为数字或X"))
    try:
        birth = birth_date_of(raw)
    except ValueError as exc:
        raise field_error(field, gettext("身份证号码中的出生日期无效")) from exc
    if cn_ric.calc_check_digit(raw) != raw[17]:
        raise field_error(field, gettext("身份证号码校验位错误"))
    if not _birth_place_known(raw[:6], birth.year):
        raise field_error(
            field,
            gettext("身份证号码的地区码%(value)s在%(year)s年不存在") % {"value": raw[:6], "year": birth.year},
        )
    return raw


@lru_cache(maxsize=8192)
def _birth_place_known(area: str, year: int) -> bool:
    """python-stdnum's place check depends only on the area code and the birth year, and costs a
    database scan per call; cached, a register of 150 000 persons validates in seconds."""
    body = f"{area}{year}0101001"
    probe = body + cn_ric.calc_check_digit(body + "0")
    try:
        cn_ric.get_birth_place(probe)
    except StdnumError:
        return False
    return True


def birth_date_of(id_number: str) -> dt.date:
    """The birth date of a normalised ID number (ValueError if there is none). python-stdnum's
    ``get_birth_date`` reads the same three fields but cleans the number first, which costs more than
    the rest of the validation; the check digit and the area code stay python-stdnum's."""
    return dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))


def gender_of(id_number: str) -> str:
    return "male" if int(id_number[16]) % 2 else "female"


def mask_id_number(id_number: str) -> str:
    return id_number[:4] + "*" * (len(id_number) - 8) + id_number[-4:]


# --- phone numbers (CN) ---------------------------------------------------------------------


@lru_cache(maxsize=1)
def _cn_mobile() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """libphonenumber's own patterns for China: valid mobile numbers, and every valid national number."""
    meta = phonenumbers.PhoneMetadata.metadata_for_region("CN")
    assert meta is not None and meta.mobile is not None and meta.general_desc is not None
    mobile, general = meta.mobile.national_number_pattern, meta.general_desc.national_number_pattern
    assert mobile and general
    return re.compile(mobile), re.compile(general)


def normalise_phone(value: str, field: str = "phone") -> str:
    """Returns the national number: 11-digit mobile, or area code + number for a fixed line."""
    raw = (value or "").strip()
    if not raw:
        raise field_error(field, gettext("请填写手机号码"), code="required")
    if len(raw) == 11 and raw.isascii() and raw.isdigit() and raw[0] == "1":
        # Most of a register: a bare mobile number, which phonenumbers would accept as typed when its own
        # mobile pattern matches (tested against parse + is_valid_number); anything else goes the long way.
        mobile, general = _cn_mobile()
        if mobile.fullmatch(raw) and general.fullmatch(raw):
            return raw
    try:
        parsed = phonenumbers.parse(raw, "CN")
    except phonenumbers.NumberParseException as exc:
        raise field_error(field, gettext("电话号码“%(raw)s”格式错误") % {"raw": raw}) from exc
    if parsed.country_code != 86 or not phonenumbers.is_valid_number(parsed):
        raise field_error(field, gettext("电话号码“%(raw)s”不是有效的中国大陆号码") % {"raw": raw})
    digits = str(parsed.national_number)
    # Mobiles are 11 digits starting with 1; fixed lines are written with their trunk prefix 0.
    return digits if is_mobile(digits) else "0" + digits


def is_mobile(phone: str) -> bool:
    return len(phone) == 11 and phone.startswith("1")


def mask_phone(phone: str) -> str:
    if len(phone) <= 7:
        return "*" * (len(phone) - 2) + phone[-2:]
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


@dataclass(frozen=True)
class Protected:
    """The three stored forms of one sensitive value."""

    encrypted: str
    hash: str
    masked: str
    last4: str

    @classmethod
    def of_id_number(cls, normalised: str) -> Protected:
        return cls(encrypt(normalised), keyed_hash(normalised), mask_id_number(normalised), normalised[-4:])

    @classmethod
    def of_phone(cls, normalised: str) -> Protected:
        return cls(encrypt(normalised), keyed_hash(normalised), mask_phone(normalised), normalised[-4:])
