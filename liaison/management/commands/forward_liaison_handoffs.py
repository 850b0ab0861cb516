"""Pass 转信访举报件 disposals still marked 待信访举报模块受理 to the petitions app (liaison.hooks).

Disposals made since the petitions app registers its hand-off are passed on at once. This command is for the ones
recorded before (`migrate` runs it once the schema is current: petitions.apps.forward_waiting_handoffs) and for any
the handler refused, e.g. an item not matched to a cadre: match the item on its 处置 page, then rerun. Safe to
rerun: only waiting ones are touched.
"""

from django.core.management.base import BaseCommand, CommandError

from core.models import User
from liaison import hooks, services
from liaison.models import Disposal


class Command(BaseCommand):
    help = "将尚待信访举报模块受理的联席会议通报事项（转信访举报件）移交信访举报模块登记。"

    def add_arguments(self, parser):
        parser.add_argument("--actor", help="登记人用户名；缺省为原处置人")

    def handle(self, *args, actor=None, **options):
        if hooks.disposal_handler(Disposal.Action.TO_PETITION) is None:
            raise CommandError("信访举报模块未登记移交处理程序（petitions 未安装？）")
        user = None
        if actor:
            user = User.objects.filter(username=actor).first()
            if user is None:
                raise CommandError(f"用户不存在：{actor}")
        done = services.forward_pending_handoffs(actor=user)
        waiting = Disposal.objects.filter(action=Disposal.Action.TO_PETITION,
                                          handoff_status=Disposal.Handoff.PENDING).count()
        self.stdout.write(f"已移交 {done} 件；仍待受理 {waiting} 件。")
