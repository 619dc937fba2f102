"""The Organisation decider: what the venue keeps of an organisation of its own (its monthly
quota). Retry idempotency: setting the quota it already has emits nothing."""
from __future__ import annotations

from shared.contracts.bookings import MonthlyQuotaSet
from services.bookings.domain.commands import SetMonthlyQuota
from services.bookings.domain.state import OrganisationState


def evolve(state: OrganisationState, event: MonthlyQuotaSet) -> OrganisationState:
    """Total: an event that does not fit the state leaves it unchanged, never raises."""
    if isinstance(event, MonthlyQuotaSet):
        return OrganisationState(monthly_quota_hours=event.hours)
    return state


def decide(state: OrganisationState, command: SetMonthlyQuota) -> list[MonthlyQuotaSet]:
    if not isinstance(command, SetMonthlyQuota):
        raise TypeError(f"not an organisation command: {type(command).__name__}")
    if command.hours == state.monthly_quota_hours:
        return []
    return [MonthlyQuotaSet(organisation_id=command.organisation_id, hours=command.hours)]
