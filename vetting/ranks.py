"""Comparing ranks across the two ladders of cadres.models.Rank: the leadership levels (正厅 … 副科) and the 职级
series (一级巡视员 … 二级科员). By 《公务员职务与职级并行规定》 each 职级 corresponds to a level: 一级巡视员 正厅,
二级巡视员 副厅, 一级/二级调研员 正处, 三级/四级调研员 副处, 一级/二级主任科员 正科, 三级/四级主任科员 副科, 一级/二级
科员 below. Used when a trial post is removed: the work arranged may not be below the rank held before the trial."""

from cadres.models import Rank

R = Rank
LEVELS = {
    R.BUREAU_CHIEF: 8, R.INSPECTOR_1: 8,
    R.BUREAU_DEPUTY: 7, R.INSPECTOR_2: 7,
    R.DIVISION_CHIEF: 6, R.RESEARCHER_1: 6, R.RESEARCHER_2: 6,
    R.DIVISION_DEPUTY: 5, R.RESEARCHER_3: 5, R.RESEARCHER_4: 5,
    R.SECTION_CHIEF: 4, R.PRINCIPAL_STAFF_1: 4, R.PRINCIPAL_STAFF_2: 4,
    R.SECTION_DEPUTY: 3, R.PRINCIPAL_STAFF_3: 3, R.PRINCIPAL_STAFF_4: 3,
    R.STAFF_1: 2, R.STAFF_2: 2,
}
# The 职级 series in order, highest first: within it, 一级调研员 is above 二级调研员 although both are 正处 level.
SERIES = (R.INSPECTOR_1, R.INSPECTOR_2, R.RESEARCHER_1, R.RESEARCHER_2, R.RESEARCHER_3, R.RESEARCHER_4,
          R.PRINCIPAL_STAFF_1, R.PRINCIPAL_STAFF_2, R.PRINCIPAL_STAFF_3, R.PRINCIPAL_STAFF_4, R.STAFF_1, R.STAFF_2)


def not_lower(rank, than):
    """Is `rank` no lower than `than`? Two 职级 compare by their order in the series; otherwise by level."""
    if rank in SERIES and than in SERIES:
        return SERIES.index(rank) <= SERIES.index(than)
    return LEVELS[rank] >= LEVELS[than]
