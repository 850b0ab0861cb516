"""System checks: the national ciphers pass their known-answer tests and the identity keys are configured."""

from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from petitions import crypto


@checks.register(checks.Tags.security)
def identity_cipher_check(app_configs=None, **kwargs):
    messages = [checks.Error(failure, hint="请确认 cryptography/OpenSSL 支持 SM4 与 SM3。", id="petitions.E001")
                for failure in crypto.self_test()]
    try:
        ring = crypto.keyring()
    except ImproperlyConfigured as error:
        messages.append(checks.Error(str(error), hint="见 petitions/crypto.py 的说明。", id="petitions.E002"))
        return messages
    # ring.development (DEBUG without keys) is allowed silently: the fixed key is refused when DEBUG is off.
    del ring
    return messages
