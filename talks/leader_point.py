"""R54: a leader's visits to their contact point counted against the branch's target
(Branch.leader_visit_target visits per semester, default 4). Counts and dates only, never text:
shown on the leader's page, the school page and in the inspection."""

from __future__ import annotations

from datetime import date

from django.db.models import Count

from members.models import LeaderContactPoint

from .models import LeaderVisit


def leader_visit_rows(branch_ids, start: date, end: date, semesters: int = 1) -> list[dict]:
    """One row per active leader whose contact point is one of the branches: their visits there
    from start to end, the target (per semester × the semesters the range covers) and whether
    they are below it. Two queries whatever the number of leaders."""
    points = list(
        LeaderContactPoint.objects.filter(branch_id__in=branch_ids, leader__user__is_active=True)
        .select_related("leader", "branch")
        .order_by("branch__name", "leader__name", "pk")
    )
    counts = {
        (row["leader_id"], row["branch_id"]): row["n"]
        for row in LeaderVisit.objects.filter(branch_id__in=branch_ids, date__range=(start, end))
        .values("leader_id", "branch_id")
        .annotate(n=Count("pk"))
    }
    rows = []
    for point in points:
        visits = counts.get((point.leader_id, point.branch_id), 0)
        target = point.branch.leader_visit_target * max(1, semesters)
        rows.append(
            {
                "leader": point.leader,
                "name": point.leader.name,
                "branch": point.branch,
                "branch_id": point.branch_id,
                "visits": visits,
                "target": target,
                "short": visits < target,
            }
        )
    return rows
