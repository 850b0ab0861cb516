"""Rotate the informant-identity key: re-encrypt every stored identity under the active key.

Procedure (the keys live in the environment, never in the database or the repository):

1. Make a new 128-bit SM4 key:  python -c "import secrets; print(secrets.token_hex(16))"
2. Add it to PETITION_KEYS beside the old one and make it active, e.g.
       PETITION_KEYS="2026b:<new hex>,2026a:<old hex>"   PETITION_ACTIVE_KEY="2026b"
   and restart the web server and Celery workers (new values are now written under 2026b; old ones still read).
3. Run:  python manage.py rotate_petition_keys            (--dry-run only counts)
   Each identity row is locked, decrypted with the key named beside each value and re-encrypted under the active
   key; the HMAC-SM3 hashes of phone and ID number are recomputed with PETITION_HASH_KEY at the same time (so a
   changed hash key is rotated by the same run). Safe to rerun: rows already under the active key are skipped.
4. When the command reports that no value remains under an old key, remove that key from PETITION_KEYS and
   restart. Keep a sealed copy of retired keys for backups taken before the rotation.

The command writes one audit event with the counts (never values or keys).
"""

from collections import Counter

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core import audit
from petitions import crypto, identity
from petitions.models import ReporterIdentity


def key_usage():
    """How many stored values each key id protects."""
    usage = Counter()
    for tokens in ReporterIdentity.objects.values_list(*ReporterIdentity.TOKEN_FIELDS):
        usage.update(crypto.key_id_of(token) for token in tokens if token)
    return usage


class Command(BaseCommand):
    help = "用当前启用的密钥（PETITION_ACTIVE_KEY）重新加密全部举报人身份信息，并重算电话、身份证号的 HMAC-SM3 摘要。"

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="只统计，不修改")

    def handle(self, *args, dry_run=False, **options):
        try:
            ring = crypto.keyring()
        except Exception as error:
            raise CommandError(str(error)) from error
        before = key_usage()
        self.stdout.write(f"当前启用密钥：{ring.active}；各密钥加密的字段数：{dict(before) or '无'}")
        missing = set(before) - set(ring.keys)
        if missing:
            raise CommandError(f"缺少密钥 {', '.join(sorted(missing))}，请先加入 PETITION_KEYS")
        if dry_run:
            return
        changed = 0
        for pk in ReporterIdentity.objects.order_by("pk").values_list("pk", flat=True):
            with transaction.atomic():
                row = ReporterIdentity.objects.select_for_update().get(pk=pk)
                changed += identity.reencrypt(row, ring)
        after = key_usage()
        remaining = sum(count for kid, count in after.items() if kid != ring.active)
        audit.record(None, audit.Action.UPDATE, "petitions.identity.keys_rotated", username="manage.py",
                     summary=f"举报人信息密钥轮换：更新 {changed} 条，启用密钥 {ring.active}，"
                             f"旧密钥剩余 {remaining} 个字段")
        self.stdout.write(self.style.SUCCESS(f"已更新 {changed} 条记录；旧密钥剩余 {remaining} 个字段。"))
