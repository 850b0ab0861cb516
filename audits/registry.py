"""What other apps contribute to the annual-plan suggestion, without this app importing them.

A petitions or liaison app that learns of economic problems of a cadre (信访举报反映经济问题, 联席会议通报) registers:

    from audits.registry import register_plan_flag_source

    @register_plan_flag_source("petitions")
    def economic_petitions(year, cadres):
        # cadres: a queryset of the cadres in the plan's scope
        return {cadre_id: ["2026年收到反映其经济问题的信访举报2件"], ...}

and the suggestion for `year` lists those cadres with these reasons.
"""

_flag_sources = {}


def register_plan_flag_source(name):
    def decorator(source):
        _flag_sources[name] = source
        return source

    return decorator


def plan_flag_sources():
    return dict(_flag_sources)
