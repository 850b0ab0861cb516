"""Informant identity at rest: SM4-GCM (GB/T 32907, authenticated) and HMAC-SM3 keyed hashes (GB/T 32905).

Keys come from the environment through settings, never from the database or the repository:

    PETITION_KEYS="2026a:<32 hex chars>,2025b:<32 hex chars>"   # SM4 keys (128-bit), by key id
    PETITION_ACTIVE_KEY="2026a"                                  # the key that encrypts new values
    PETITION_HASH_KEY="<64 hex chars>"                           # HMAC-SM3 key for phone and ID number

A stored value is a self-describing token ``sm4gcm$<key id>$<base64url(nonce ‖ ciphertext ‖ tag)>``: the key id sits
beside the value, so values under an old key stay readable while `rotate_petition_keys` re-encrypts them. The
associated data binds a token to its row and column: a token copied into another case or field fails to decrypt.
When DEBUG is on and no keys are set, a fixed development key is used (and the system check warns).
"""

import base64
import hmac as std_hmac
import os
import re
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

SCHEME = "sm4gcm"
NONCE_BYTES = 12
TAG_BYTES = 16
_KID = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")

# Development only (DEBUG and nothing configured): fixed, public, and refused when DEBUG is off.
_DEV_KEYS = "dev:6465762d6f6e6c792d6b65792d736d34"
_DEV_ACTIVE = "dev"
_DEV_HASH_KEY = "6465762d6f6e6c792d686d61632d736d332d6b65792d6e6f742d736563726574"


class DecryptionError(Exception):
    """A token could not be decrypted (unknown key id, tampered value or wrong row)."""


@dataclass(frozen=True)
class KeyRing:
    keys: dict  # key id -> 16-byte SM4 key
    active: str
    hash_key: bytes
    development: bool = False

    def __repr__(self):  # never print key material (error pages, logs)
        return f"KeyRing(ids={sorted(self.keys)}, active={self.active!r}, development={self.development})"


def parse_keys(raw_keys, active, raw_hash_key, *, development=False):
    """Build a KeyRing from the setting strings; raises ImproperlyConfigured naming what is wrong."""
    keys = {}
    for item in (part.strip() for part in (raw_keys or "").split(",")):
        if not item:
            continue
        kid, sep, hex_key = item.partition(":")
        kid = kid.strip()
        if not sep or not _KID.match(kid):
            raise ImproperlyConfigured(f"PETITION_KEYS 中的密钥标识 {kid!r} 无效（应为 标识:32位十六进制）")
        try:
            key = bytes.fromhex(hex_key.strip())
        except ValueError:
            raise ImproperlyConfigured(f"PETITION_KEYS 中密钥 {kid} 不是十六进制") from None
        if len(key) != 16:
            raise ImproperlyConfigured(f"PETITION_KEYS 中密钥 {kid} 应为 128 位（32 个十六进制字符）")
        if kid in keys:
            raise ImproperlyConfigured(f"PETITION_KEYS 中密钥标识 {kid} 重复")
        keys[kid] = key
    if not keys:
        raise ImproperlyConfigured("未配置信访举报人信息加密密钥 PETITION_KEYS")
    if active not in keys:
        raise ImproperlyConfigured(f"PETITION_ACTIVE_KEY={active!r} 不在 PETITION_KEYS 中")
    try:
        hash_key = bytes.fromhex((raw_hash_key or "").strip())
    except ValueError:
        raise ImproperlyConfigured("PETITION_HASH_KEY 不是十六进制") from None
    if len(hash_key) < 16:
        raise ImproperlyConfigured("PETITION_HASH_KEY 至少应为 128 位（32 个十六进制字符）")
    return KeyRing(keys, active, hash_key, development)


@lru_cache(maxsize=8)
def _ring_for(raw_keys, active, raw_hash_key, debug):
    if not raw_keys and not active and not raw_hash_key:
        if not debug:
            raise ImproperlyConfigured("未配置 PETITION_KEYS / PETITION_ACTIVE_KEY / PETITION_HASH_KEY"
                                       "（生产环境必须配置）")
        return parse_keys(_DEV_KEYS, _DEV_ACTIVE, _DEV_HASH_KEY, development=True)
    return parse_keys(raw_keys, active, raw_hash_key)


def keyring():
    """The current keys (cached per settings values, so override_settings in tests takes effect)."""
    return _ring_for(settings.PETITION_KEYS, settings.PETITION_ACTIVE_KEY, settings.PETITION_HASH_KEY,
                     bool(settings.DEBUG))


def _sm4_gcm_encrypt(key, nonce, plaintext, aad):
    encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(aad)
    ciphertext = encryptor.update(plaintext) + encryptor.finalize()
    return ciphertext, encryptor.tag


def _sm4_gcm_decrypt(key, nonce, ciphertext, tag, aad):
    decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(aad)
    return decryptor.update(ciphertext) + decryptor.finalize()


def encrypt(plaintext, aad, *, ring=None, key_id=None):
    """Token for `plaintext` (str) under the active key (or `key_id`); '' stays '' (nothing to protect)."""
    if not plaintext:
        return ""
    ring = ring or keyring()
    kid = key_id or ring.active
    nonce = os.urandom(NONCE_BYTES)
    ciphertext, tag = _sm4_gcm_encrypt(ring.keys[kid], nonce, plaintext.encode("utf-8"), aad.encode("utf-8"))
    body = base64.urlsafe_b64encode(nonce + ciphertext + tag).decode("ascii")
    return f"{SCHEME}${kid}${body}"


def key_id_of(token):
    """The key id beside a stored value ('' for an empty value)."""
    if not token:
        return ""
    parts = token.split("$")
    if len(parts) != 3 or parts[0] != SCHEME:
        raise DecryptionError("密文格式无效")
    return parts[1]


def decrypt(token, aad, *, ring=None):
    if not token:
        return ""
    ring = ring or keyring()
    kid = key_id_of(token)
    key = ring.keys.get(kid)
    if key is None:
        raise DecryptionError(f"缺少密钥 {kid}（请检查 PETITION_KEYS）")
    try:
        raw = base64.urlsafe_b64decode(token.split("$")[2].encode("ascii"))
        nonce, ciphertext, tag = raw[:NONCE_BYTES], raw[NONCE_BYTES:-TAG_BYTES], raw[-TAG_BYTES:]
        return _sm4_gcm_decrypt(key, nonce, ciphertext, tag, aad.encode("utf-8")).decode("utf-8")
    except (InvalidTag, ValueError) as exc:
        raise DecryptionError("密文校验失败（被篡改或不属于此记录）") from exc


def keyed_hash(value, *, ring=None):
    """HMAC-SM3 of a normalized value (hex), to find repeat reporters without decrypting; '' for no value."""
    normalized = "".join((value or "").split()).upper()
    if not normalized:
        return ""
    ring = ring or keyring()
    mac = hmac.HMAC(ring.hash_key, hashes.SM3())
    mac.update(normalized.encode("utf-8"))
    return mac.finalize().hex()


# Known-answer vectors: SM4 (GB/T 32907-2016 appendix A), SM4-GCM (RFC 8998 appendix A.1), SM3 (GB/T 32905 "abc").
_KAT_KEY = bytes.fromhex("0123456789abcdeffedcba9876543210")
_KAT_SM4_ECB = "681edf34d206965e86b3e94f536e4246"
_KAT_GCM_IV = bytes.fromhex("00001234567800000000abcd")
_KAT_GCM_AAD = bytes.fromhex("feedfacedeadbeeffeedfacedeadbeefabaddad2")
_KAT_GCM_PT = bytes.fromhex("aaaaaaaaaaaaaaaabbbbbbbbbbbbbbbbccccccccccccccccdddddddddddddddd"
                            "eeeeeeeeeeeeeeeeffffffffffffffffeeeeeeeeeeeeeeeeaaaaaaaaaaaaaaaa")
_KAT_GCM_CT = ("17f399f08c67d5ee19d0dc9969c4bb7d5fd46fd3756489069157b282bb200735"
               "d82710ca5c22f0ccfa7cbf93d496ac15a56834cbcf98c397b4024a2691233b8d")
_KAT_GCM_TAG = "83de3541e4c2b58177e065a9bf7b62ec"
_KAT_SM3_ABC = "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


def _hmac_sm3_by_definition(key, message):
    """RFC 2104 HMAC built from plain SM3, to cross-check the library's HMAC-SM3."""
    block = 64
    key = key.ljust(block, b"\0")

    def sm3(data):
        digest = hashes.Hash(hashes.SM3())
        digest.update(data)
        return digest.finalize()

    inner = sm3(bytes(b ^ 0x36 for b in key) + message)
    return sm3(bytes(b ^ 0x5C for b in key) + inner)


def self_test():
    """Known-answer tests of SM4, SM4-GCM, SM3 and HMAC-SM3; returns a list of failures (empty when all pass)."""
    failures = []
    try:
        # ECB on a single block: the standard's known-answer vector, never used for data.
        encryptor = Cipher(algorithms.SM4(_KAT_KEY), modes.ECB()).encryptor()  # noqa: S305  # nosec B305
        if (encryptor.update(_KAT_KEY) + encryptor.finalize()).hex() != _KAT_SM4_ECB:
            failures.append("SM4 分组密码已知答案测试失败")
        ciphertext, tag = _sm4_gcm_encrypt(_KAT_KEY, _KAT_GCM_IV, _KAT_GCM_PT, _KAT_GCM_AAD)
        if ciphertext.hex() != _KAT_GCM_CT or tag.hex() != _KAT_GCM_TAG:
            failures.append("SM4-GCM 已知答案测试失败")
        if _sm4_gcm_decrypt(_KAT_KEY, _KAT_GCM_IV, ciphertext, tag, _KAT_GCM_AAD) != _KAT_GCM_PT:
            failures.append("SM4-GCM 解密测试失败")
        try:
            _sm4_gcm_decrypt(_KAT_KEY, _KAT_GCM_IV, ciphertext, bytes(16), _KAT_GCM_AAD)
            failures.append("SM4-GCM 未能识别被篡改的认证标签")
        except InvalidTag:
            pass
        digest = hashes.Hash(hashes.SM3())
        digest.update(b"abc")
        if digest.finalize().hex() != _KAT_SM3_ABC:
            failures.append("SM3 已知答案测试失败")
        mac = hmac.HMAC(_KAT_KEY, hashes.SM3())
        mac.update(b"abc")
        if not std_hmac.compare_digest(mac.finalize(), _hmac_sm3_by_definition(_KAT_KEY, b"abc")):
            failures.append("HMAC-SM3 自检失败")
    except Exception as exc:  # an unsupported backend (OpenSSL without SM4/SM3) must show as a failed check
        failures.append(f"国密算法不可用：{type(exc).__name__}")
    return failures
