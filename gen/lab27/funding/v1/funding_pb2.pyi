from lab27.common.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Tranche(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TRANCHE_UNSPECIFIED: _ClassVar[Tranche]
    TRANCHE_FIRST: _ClassVar[Tranche]
    TRANCHE_FINAL: _ClassVar[Tranche]

class TrancheStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TRANCHE_STATUS_UNSPECIFIED: _ClassVar[TrancheStatus]
    TRANCHE_STATUS_SCHEDULED: _ClassVar[TrancheStatus]
    TRANCHE_STATUS_DUE: _ClassVar[TrancheStatus]
    TRANCHE_STATUS_DISBURSED: _ClassVar[TrancheStatus]
TRANCHE_UNSPECIFIED: Tranche
TRANCHE_FIRST: Tranche
TRANCHE_FINAL: Tranche
TRANCHE_STATUS_UNSPECIFIED: TrancheStatus
TRANCHE_STATUS_SCHEDULED: TrancheStatus
TRANCHE_STATUS_DUE: TrancheStatus
TRANCHE_STATUS_DISBURSED: TrancheStatus

class Designation(_message.Message):
    __slots__ = ("due_by", "count", "outstanding")
    DUE_BY_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    OUTSTANDING_FIELD_NUMBER: _ClassVar[int]
    due_by: _common_pb2.Date
    count: int
    outstanding: int
    def __init__(self, due_by: _Optional[_Union[_common_pb2.Date, _Mapping]] = ..., count: _Optional[int] = ..., outstanding: _Optional[int] = ...) -> None: ...

class GrantLedger(_message.Message):
    __slots__ = ("grant_id", "funder", "awarded", "awarded_on", "administrations", "funder_share_bp", "first_tranche_bp", "allocated", "disbursed", "frozen", "remaining", "allocation_count", "designations_outstanding", "version")
    GRANT_ID_FIELD_NUMBER: _ClassVar[int]
    FUNDER_FIELD_NUMBER: _ClassVar[int]
    AWARDED_FIELD_NUMBER: _ClassVar[int]
    AWARDED_ON_FIELD_NUMBER: _ClassVar[int]
    ADMINISTRATIONS_FIELD_NUMBER: _ClassVar[int]
    FUNDER_SHARE_BP_FIELD_NUMBER: _ClassVar[int]
    FIRST_TRANCHE_BP_FIELD_NUMBER: _ClassVar[int]
    ALLOCATED_FIELD_NUMBER: _ClassVar[int]
    DISBURSED_FIELD_NUMBER: _ClassVar[int]
    FROZEN_FIELD_NUMBER: _ClassVar[int]
    REMAINING_FIELD_NUMBER: _ClassVar[int]
    ALLOCATION_COUNT_FIELD_NUMBER: _ClassVar[int]
    DESIGNATIONS_OUTSTANDING_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    grant_id: str
    funder: str
    awarded: _common_pb2.Money
    awarded_on: _common_pb2.Date
    administrations: int
    funder_share_bp: int
    first_tranche_bp: int
    allocated: _common_pb2.Money
    disbursed: _common_pb2.Money
    frozen: _common_pb2.Money
    remaining: _common_pb2.Money
    allocation_count: int
    designations_outstanding: _containers.RepeatedCompositeFieldContainer[Designation]
    version: int
    def __init__(self, grant_id: _Optional[str] = ..., funder: _Optional[str] = ..., awarded: _Optional[_Union[_common_pb2.Money, _Mapping]] = ..., awarded_on: _Optional[_Union[_common_pb2.Date, _Mapping]] = ..., administrations: _Optional[int] = ..., funder_share_bp: _Optional[int] = ..., first_tranche_bp: _Optional[int] = ..., allocated: _Optional[_Union[_common_pb2.Money, _Mapping]] = ..., disbursed: _Optional[_Union[_common_pb2.Money, _Mapping]] = ..., frozen: _Optional[_Union[_common_pb2.Money, _Mapping]] = ..., remaining: _Optional[_Union[_common_pb2.Money, _Mapping]] = ..., allocation_count: _Optional[int] = ..., designations_outstanding: _Optional[_Iterable[_Union[Designation, _Mapping]]] = ..., version: _Optional[int] = ...) -> None: ...

class TrancheInfo(_message.Message):
    __slots__ = ("tranche", "amount", "status", "due_on", "disbursed_on", "cohort_id")
    TRANCHE_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    DUE_ON_FIELD_NUMBER: _ClassVar[int]
    DISBURSED_ON_FIELD_NUMBER: _ClassVar[int]
    COHORT_ID_FIELD_NUMBER: _ClassVar[int]
    tranche: Tranche
    amount: _common_pb2.Money
    status: TrancheStatus
    due_on: _common_pb2.Date
    disbursed_on: _common_pb2.Date
    cohort_id: str
    def __init__(self, tranche: _Optional[_Union[Tranche, str]] = ..., amount: _Optional[_Union[_common_pb2.Money, _Mapping]] = ..., status: _Optional[_Union[TrancheStatus, str]] = ..., due_on: _Optional[_Union[_common_pb2.Date, _Mapping]] = ..., disbursed_on: _Optional[_Union[_common_pb2.Date, _Mapping]] = ..., cohort_id: _Optional[str] = ...) -> None: ...

class Allocation(_message.Message):
    __slots__ = ("grant_id", "funder", "member_id", "administration", "funder_part", "local_part", "cost", "funder_share_bp", "allocated_on", "pledged", "pledged_on", "disbursed", "due", "frozen", "frozen_amount", "frozen_reason", "frozen_on", "tranches")
    GRANT_ID_FIELD_NUMBER: _ClassVar[int]
    FUNDER_FIELD_NUMBER: _ClassVar[int]
    MEMBER_ID_FIELD_NUMBER: _ClassVar[int]
    ADMINISTRATION_FIELD_NUMBER: _ClassVar[int]
    FUNDER_PART_FIELD_NUMBER: _ClassVar[int]
    LOCAL_PART_FIELD_NUMBER: _ClassVar[int]
    COST_FIELD_NUMBER: _ClassVar[int]
    FUNDER_SHARE_BP_FIELD_NUMBER: _ClassVar[int]
    ALLOCATED_ON_FIELD_NUMBER: _ClassVar[int]
    PLEDGED_FIELD_NUMBER: _ClassVar[int]
    PLEDGED_ON_FIELD_NUMBER: _ClassVar[int]
    DISBURSED_FIELD_NUMBER: _ClassVar[int]
    DUE_FIELD_NUMBER: _ClassVar[int]
    FROZEN_FIELD_NUMBER: _ClassVar[int]
    FROZEN_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    FROZEN_REASON_FIELD_NUMBER: _ClassVar[int]
    FROZEN_ON_FIELD_NUMBER: _ClassVar[int]
    TRANCHES_FIELD_NUMBER: _ClassVar[int]
    grant_id: str
    funder: str
    member_id: str
    administration: str
    funder_part: _common_pb2.Money
    local_part: _common_pb2.Money
    cost: _common_pb2.Money
    funder_share_bp: int
    allocated_on: _common_pb2.Date
    pledged: _common_pb2.Money
    pledged_on: _common_pb2.Date
    disbursed: _common_pb2.Money
    due: _common_pb2.Money
    frozen: bool
    frozen_amount: _common_pb2.Money
    frozen_reason: str
    frozen_on: _common_pb2.Date
    tranches: _containers.RepeatedCompositeFieldContainer[TrancheInfo]
    def __init__(self, grant_id: _Optional[str] = ..., funder: _Optional[str] = ..., member_id: _Optional[str] = ..., administration: _Optional[str] = ..., funder_part: _Optional[_Union[_common_pb2.Money, _Mapping]] = ..., local_part: _Optional[_Union[_common_pb2.Money, _Mapping]] = ..., cost: _Optional[_Union[_common_pb2.Money, _Mapping]] = ..., funder_share_bp: _Optional[int] = ..., allocated_on: _Optional[_Union[_common_pb2.Date, _Mapping]] = ..., pledged: _Optional[_Union[_common_pb2.Money, _Mapping]] = ..., pledged_on: _Optional[_Union[_common_pb2.Date, _Mapping]] = ..., disbursed: _Optional[_Union[_common_pb2.Money, _Mapping]] = ..., due: _Optional[_Union[_common_pb2.Money, _Mapping]] = ..., frozen: _Optional[bool] = ..., frozen_amount: _Optional[_Union[_common_pb2.Money, _Mapping]] = ..., frozen_reason: _Optional[str] = ..., frozen_on: _Optional[_Union[_common_pb2.Date, _Mapping]] = ..., tranches: _Optional[_Iterable[_Union[TrancheInfo, _Mapping]]] = ...) -> None: ...

class TrancheDue(_message.Message):
    __slots__ = ("grant_id", "funder", "member_id", "administration", "tranche", "amount", "due_on", "cohort_id", "frozen", "frozen_reason")
    GRANT_ID_FIELD_NUMBER: _ClassVar[int]
    FUNDER_FIELD_NUMBER: _ClassVar[int]
    MEMBER_ID_FIELD_NUMBER: _ClassVar[int]
    ADMINISTRATION_FIELD_NUMBER: _ClassVar[int]
    TRANCHE_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    DUE_ON_FIELD_NUMBER: _ClassVar[int]
    COHORT_ID_FIELD_NUMBER: _ClassVar[int]
    FROZEN_FIELD_NUMBER: _ClassVar[int]
    FROZEN_REASON_FIELD_NUMBER: _ClassVar[int]
    grant_id: str
    funder: str
    member_id: str
    administration: str
    tranche: Tranche
    amount: _common_pb2.Money
    due_on: _common_pb2.Date
    cohort_id: str
    frozen: bool
    frozen_reason: str
    def __init__(self, grant_id: _Optional[str] = ..., funder: _Optional[str] = ..., member_id: _Optional[str] = ..., administration: _Optional[str] = ..., tranche: _Optional[_Union[Tranche, str]] = ..., amount: _Optional[_Union[_common_pb2.Money, _Mapping]] = ..., due_on: _Optional[_Union[_common_pb2.Date, _Mapping]] = ..., cohort_id: _Optional[str] = ..., frozen: _Optional[bool] = ..., frozen_reason: _Optional[str] = ...) -> None: ...

class AwardGrantRequest(_message.Message):
    __slots__ = ("request_id", "funder", "amount", "administrations", "funder_share_bp", "first_tranche_bp", "effective_date")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    FUNDER_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    ADMINISTRATIONS_FIELD_NUMBER: _ClassVar[int]
    FUNDER_SHARE_BP_FIELD_NUMBER: _ClassVar[int]
    FIRST_TRANCHE_BP_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_DATE_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    funder: str
    amount: _common_pb2.Money
    administrations: int
    funder_share_bp: int
    first_tranche_bp: int
    effective_date: _common_pb2.Date
    def __init__(self, request_id: _Optional[str] = ..., funder: _Optional[str] = ..., amount: _Optional[_Union[_common_pb2.Money, _Mapping]] = ..., administrations: _Optional[int] = ..., funder_share_bp: _Optional[int] = ..., first_tranche_bp: _Optional[int] = ..., effective_date: _Optional[_Union[_common_pb2.Date, _Mapping]] = ...) -> None: ...

class AwardGrantResponse(_message.Message):
    __slots__ = ("grant_id", "result")
    GRANT_ID_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    grant_id: str
    result: _common_pb2.CommandResult
    def __init__(self, grant_id: _Optional[str] = ..., result: _Optional[_Union[_common_pb2.CommandResult, _Mapping]] = ...) -> None: ...

class RecordDesignationsDueRequest(_message.Message):
    __slots__ = ("request_id", "grant_id", "expected_version", "count", "due_by")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    GRANT_ID_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    DUE_BY_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    grant_id: str
    expected_version: int
    count: int
    due_by: _common_pb2.Date
    def __init__(self, request_id: _Optional[str] = ..., grant_id: _Optional[str] = ..., expected_version: _Optional[int] = ..., count: _Optional[int] = ..., due_by: _Optional[_Union[_common_pb2.Date, _Mapping]] = ...) -> None: ...

class RecordDesignationsDueResponse(_message.Message):
    __slots__ = ("result",)
    RESULT_FIELD_NUMBER: _ClassVar[int]
    result: _common_pb2.CommandResult
    def __init__(self, result: _Optional[_Union[_common_pb2.CommandResult, _Mapping]] = ...) -> None: ...

class AllocateShareRequest(_message.Message):
    __slots__ = ("request_id", "grant_id", "expected_version", "member_id", "amount", "effective_date", "consistency_token")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    GRANT_ID_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    MEMBER_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_DATE_FIELD_NUMBER: _ClassVar[int]
    CONSISTENCY_TOKEN_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    grant_id: str
    expected_version: int
    member_id: str
    amount: _common_pb2.Money
    effective_date: _common_pb2.Date
    consistency_token: str
    def __init__(self, request_id: _Optional[str] = ..., grant_id: _Optional[str] = ..., expected_version: _Optional[int] = ..., member_id: _Optional[str] = ..., amount: _Optional[_Union[_common_pb2.Money, _Mapping]] = ..., effective_date: _Optional[_Union[_common_pb2.Date, _Mapping]] = ..., consistency_token: _Optional[str] = ...) -> None: ...

class AllocateShareResponse(_message.Message):
    __slots__ = ("result",)
    RESULT_FIELD_NUMBER: _ClassVar[int]
    result: _common_pb2.CommandResult
    def __init__(self, result: _Optional[_Union[_common_pb2.CommandResult, _Mapping]] = ...) -> None: ...

class PledgeCoFundingRequest(_message.Message):
    __slots__ = ("request_id", "grant_id", "expected_version", "member_id", "amount", "effective_date")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    GRANT_ID_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    MEMBER_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_DATE_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    grant_id: str
    expected_version: int
    member_id: str
    amount: _common_pb2.Money
    effective_date: _common_pb2.Date
    def __init__(self, request_id: _Optional[str] = ..., grant_id: _Optional[str] = ..., expected_version: _Optional[int] = ..., member_id: _Optional[str] = ..., amount: _Optional[_Union[_common_pb2.Money, _Mapping]] = ..., effective_date: _Optional[_Union[_common_pb2.Date, _Mapping]] = ...) -> None: ...

class PledgeCoFundingResponse(_message.Message):
    __slots__ = ("result",)
    RESULT_FIELD_NUMBER: _ClassVar[int]
    result: _common_pb2.CommandResult
    def __init__(self, result: _Optional[_Union[_common_pb2.CommandResult, _Mapping]] = ...) -> None: ...

class MarkTrancheDueRequest(_message.Message):
    __slots__ = ("request_id", "grant_id", "expected_version", "member_id", "tranche", "cohort_id", "effective_date")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    GRANT_ID_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    MEMBER_ID_FIELD_NUMBER: _ClassVar[int]
    TRANCHE_FIELD_NUMBER: _ClassVar[int]
    COHORT_ID_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_DATE_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    grant_id: str
    expected_version: int
    member_id: str
    tranche: Tranche
    cohort_id: str
    effective_date: _common_pb2.Date
    def __init__(self, request_id: _Optional[str] = ..., grant_id: _Optional[str] = ..., expected_version: _Optional[int] = ..., member_id: _Optional[str] = ..., tranche: _Optional[_Union[Tranche, str]] = ..., cohort_id: _Optional[str] = ..., effective_date: _Optional[_Union[_common_pb2.Date, _Mapping]] = ...) -> None: ...

class MarkTrancheDueResponse(_message.Message):
    __slots__ = ("result",)
    RESULT_FIELD_NUMBER: _ClassVar[int]
    result: _common_pb2.CommandResult
    def __init__(self, result: _Optional[_Union[_common_pb2.CommandResult, _Mapping]] = ...) -> None: ...

class DisburseTrancheRequest(_message.Message):
    __slots__ = ("request_id", "grant_id", "expected_version", "member_id", "tranche", "effective_date")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    GRANT_ID_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    MEMBER_ID_FIELD_NUMBER: _ClassVar[int]
    TRANCHE_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_DATE_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    grant_id: str
    expected_version: int
    member_id: str
    tranche: Tranche
    effective_date: _common_pb2.Date
    def __init__(self, request_id: _Optional[str] = ..., grant_id: _Optional[str] = ..., expected_version: _Optional[int] = ..., member_id: _Optional[str] = ..., tranche: _Optional[_Union[Tranche, str]] = ..., effective_date: _Optional[_Union[_common_pb2.Date, _Mapping]] = ...) -> None: ...

class DisburseTrancheResponse(_message.Message):
    __slots__ = ("result",)
    RESULT_FIELD_NUMBER: _ClassVar[int]
    result: _common_pb2.CommandResult
    def __init__(self, result: _Optional[_Union[_common_pb2.CommandResult, _Mapping]] = ...) -> None: ...

class FreezeAllocationRequest(_message.Message):
    __slots__ = ("request_id", "grant_id", "expected_version", "member_id", "reason", "effective_date")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    GRANT_ID_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    MEMBER_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_DATE_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    grant_id: str
    expected_version: int
    member_id: str
    reason: str
    effective_date: _common_pb2.Date
    def __init__(self, request_id: _Optional[str] = ..., grant_id: _Optional[str] = ..., expected_version: _Optional[int] = ..., member_id: _Optional[str] = ..., reason: _Optional[str] = ..., effective_date: _Optional[_Union[_common_pb2.Date, _Mapping]] = ...) -> None: ...

class FreezeAllocationResponse(_message.Message):
    __slots__ = ("result",)
    RESULT_FIELD_NUMBER: _ClassVar[int]
    result: _common_pb2.CommandResult
    def __init__(self, result: _Optional[_Union[_common_pb2.CommandResult, _Mapping]] = ...) -> None: ...

class UnfreezeAllocationRequest(_message.Message):
    __slots__ = ("request_id", "grant_id", "expected_version", "member_id", "reason", "effective_date")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    GRANT_ID_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    MEMBER_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_DATE_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    grant_id: str
    expected_version: int
    member_id: str
    reason: str
    effective_date: _common_pb2.Date
    def __init__(self, request_id: _Optional[str] = ..., grant_id: _Optional[str] = ..., expected_version: _Optional[int] = ..., member_id: _Optional[str] = ..., reason: _Optional[str] = ..., effective_date: _Optional[_Union[_common_pb2.Date, _Mapping]] = ...) -> None: ...

class UnfreezeAllocationResponse(_message.Message):
    __slots__ = ("result",)
    RESULT_FIELD_NUMBER: _ClassVar[int]
    result: _common_pb2.CommandResult
    def __init__(self, result: _Optional[_Union[_common_pb2.CommandResult, _Mapping]] = ...) -> None: ...

class GetGrantRequest(_message.Message):
    __slots__ = ("grant_id", "consistency_token")
    GRANT_ID_FIELD_NUMBER: _ClassVar[int]
    CONSISTENCY_TOKEN_FIELD_NUMBER: _ClassVar[int]
    grant_id: str
    consistency_token: str
    def __init__(self, grant_id: _Optional[str] = ..., consistency_token: _Optional[str] = ...) -> None: ...

class GetGrantResponse(_message.Message):
    __slots__ = ("grant",)
    GRANT_FIELD_NUMBER: _ClassVar[int]
    grant: GrantLedger
    def __init__(self, grant: _Optional[_Union[GrantLedger, _Mapping]] = ...) -> None: ...

class ListGrantsRequest(_message.Message):
    __slots__ = ("page", "consistency_token")
    PAGE_FIELD_NUMBER: _ClassVar[int]
    CONSISTENCY_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page: _common_pb2.PageRequest
    consistency_token: str
    def __init__(self, page: _Optional[_Union[_common_pb2.PageRequest, _Mapping]] = ..., consistency_token: _Optional[str] = ...) -> None: ...

class ListGrantsResponse(_message.Message):
    __slots__ = ("grants", "page")
    GRANTS_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    grants: _containers.RepeatedCompositeFieldContainer[GrantLedger]
    page: _common_pb2.PageResponse
    def __init__(self, grants: _Optional[_Iterable[_Union[GrantLedger, _Mapping]]] = ..., page: _Optional[_Union[_common_pb2.PageResponse, _Mapping]] = ...) -> None: ...

class ListAllocationsRequest(_message.Message):
    __slots__ = ("grant_id", "page", "consistency_token")
    GRANT_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    CONSISTENCY_TOKEN_FIELD_NUMBER: _ClassVar[int]
    grant_id: str
    page: _common_pb2.PageRequest
    consistency_token: str
    def __init__(self, grant_id: _Optional[str] = ..., page: _Optional[_Union[_common_pb2.PageRequest, _Mapping]] = ..., consistency_token: _Optional[str] = ...) -> None: ...

class ListAllocationsResponse(_message.Message):
    __slots__ = ("allocations", "page")
    ALLOCATIONS_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    allocations: _containers.RepeatedCompositeFieldContainer[Allocation]
    page: _common_pb2.PageResponse
    def __init__(self, allocations: _Optional[_Iterable[_Union[Allocation, _Mapping]]] = ..., page: _Optional[_Union[_common_pb2.PageResponse, _Mapping]] = ...) -> None: ...

class GetAdministrationFundingRequest(_message.Message):
    __slots__ = ("member_id", "consistency_token")
    MEMBER_ID_FIELD_NUMBER: _ClassVar[int]
    CONSISTENCY_TOKEN_FIELD_NUMBER: _ClassVar[int]
    member_id: str
    consistency_token: str
    def __init__(self, member_id: _Optional[str] = ..., consistency_token: _Optional[str] = ...) -> None: ...

class GetAdministrationFundingResponse(_message.Message):
    __slots__ = ("allocations",)
    ALLOCATIONS_FIELD_NUMBER: _ClassVar[int]
    allocations: _containers.RepeatedCompositeFieldContainer[Allocation]
    def __init__(self, allocations: _Optional[_Iterable[_Union[Allocation, _Mapping]]] = ...) -> None: ...

class ListTranchesDueRequest(_message.Message):
    __slots__ = ("page", "due_by", "consistency_token")
    PAGE_FIELD_NUMBER: _ClassVar[int]
    DUE_BY_FIELD_NUMBER: _ClassVar[int]
    CONSISTENCY_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page: _common_pb2.PageRequest
    due_by: _common_pb2.Date
    consistency_token: str
    def __init__(self, page: _Optional[_Union[_common_pb2.PageRequest, _Mapping]] = ..., due_by: _Optional[_Union[_common_pb2.Date, _Mapping]] = ..., consistency_token: _Optional[str] = ...) -> None: ...

class ListTranchesDueResponse(_message.Message):
    __slots__ = ("tranches", "page")
    TRANCHES_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    tranches: _containers.RepeatedCompositeFieldContainer[TrancheDue]
    page: _common_pb2.PageResponse
    def __init__(self, tranches: _Optional[_Iterable[_Union[TrancheDue, _Mapping]]] = ..., page: _Optional[_Union[_common_pb2.PageResponse, _Mapping]] = ...) -> None: ...
