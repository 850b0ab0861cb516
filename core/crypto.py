"""National-standard primitives (GM/T): HMAC-SM3 for keyed hashes."""

from cryptography.hazmat.primitives import hashes, hmac


def hmac_sm3(key: bytes, data: bytes) -> str:
    mac = hmac.HMAC(key, hashes.SM3())
    mac.update(data)
    return mac.finalize().hex()
