"""The membership domain: commands, state and the Member decider (pure, no I/O)."""
from services.membership.domain.commands import (
    AdmitMember,
    LeaveMember,
    MemberCommand,
    ReinstateMember,
    RenewDues,
    SuspendMember,
    UpdateMemberProfile,
)
from services.membership.domain.member import admission_member_id, decide, evolve, fold
from services.membership.domain.state import MemberState, initial

__all__ = [
    "AdmitMember",
    "LeaveMember",
    "MemberCommand",
    "MemberState",
    "ReinstateMember",
    "RenewDues",
    "SuspendMember",
    "UpdateMemberProfile",
    "admission_member_id",
    "decide",
    "evolve",
    "fold",
    "initial",
]
