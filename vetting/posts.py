"""The candidate's posts around a vetting case, read from the position history (cadres.PositionHistory, the one
record of posts; the cadre record only follows the current post). The post held when the case was opened is a
queryset annotation (VettingCaseQuerySet.with_post_at_opening) so that lists read it in the same query."""


def pre_trial_post(case, appointment=None):
    """The post held before the trial post: the row begun last before the appointment date (or None)."""
    appointment = appointment or case.appointment
    return (case.cadre.positions.filter(start_date__lt=appointment.appointed_on).select_related("unit")
            .order_by("-start_date", "-pk").first())


def arranged_post(case):
    """After 免去试任职务: the post the work was arranged in, begun on the assessment date (or None)."""
    appointment = getattr(case, "appointment", None)
    if appointment is None or appointment.assessed_on is None:
        return None
    return (case.cadre.positions.filter(start_date=appointment.assessed_on).select_related("unit")
            .order_by("-pk").first())


def label(position):
    if position is None:
        return ""
    unit = position.unit.display_name if position.unit_id else position.unit_name
    rank = f"（{position.get_rank_display()}）" if position.rank else ""
    return f"{unit}{position.post_title}{rank}"
