from lab27.common.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Scheme(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SCHEME_UNSPECIFIED: _ClassVar[Scheme]
    SCHEME_ASSOCIATION: _ClassVar[Scheme]
    SCHEME_HALLES_CIVIQUES: _ClassVar[Scheme]

class Kind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    KIND_UNSPECIFIED: _ClassVar[Kind]
    KIND_REGION: _ClassVar[Kind]
    KIND_DEPARTEMENT: _ClassVar[Kind]
    KIND_METROPOLE: _ClassVar[Kind]
    KIND_COMMUNAUTE_URBAINE: _ClassVar[Kind]
    KIND_AGGLOMERATION: _ClassVar[Kind]
    KIND_COMMUNE: _ClassVar[Kind]
    KIND_STATE_SERVICE: _ClassVar[Kind]
    KIND_ASSOCIATION: _ClassVar[Kind]

class Status(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    STATUS_UNSPECIFIED: _ClassVar[Status]
    STATUS_ACTIVE: _ClassVar[Status]
    STATUS_SUSPENDED: _ClassVar[Status]
    STATUS_LEFT: _ClassVar[Status]
SCHEME_UNSPECIFIED: Scheme
SCHEME_ASSOCIATION: Scheme
SCHEME_HALLES_CIVIQUES: Scheme
KIND_UNSPECIFIED: Kind
KIND_REGION: Kind
KIND_DEPARTEMENT: Kind
KIND_METROPOLE: Kind
KIND_COMMUNAUTE_URBAINE: Kind
KIND_AGGLOMERATION: Kind
KIND_COMMUNE: Kind
KIND_STATE_SERVICE: Kind
KIND_ASSOCIATION: Kind
STATUS_UNSPECIFIED: Status
STATUS_ACTIVE: Status
STATUS_SUSPENDED: Status
STATUS_LEFT: Status

class Contact(_message.Message):
    __slots__ = ("name", "email", "role")
    NAME_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    name: str
    email: str
    role: str
    def __init__(self, name: _Optional[str] = ..., email: _Optional[str] = ..., role: _Optional[str] = ...) -> None: ...

class Member(_message.Message):
    __slots__ = ("member_id", "scheme", "kind", "name", "siren", "territory", "contacts", "status", "dues_paid_until", "version", "admitted_on", "left_on", "status_reason")
    MEMBER_ID_FIELD_NUMBER: _ClassVar[int]
    SCHEME_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    SIREN_FIELD_NUMBER: _ClassVar[int]
    TERRITORY_FIELD_NUMBER: _ClassVar[int]
    CONTACTS_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    DUES_PAID_UNTIL_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    ADMITTED_ON_FIELD_NUMBER: _ClassVar[int]
    LEFT_ON_FIELD_NUMBER: _ClassVar[int]
    STATUS_REASON_FIELD_NUMBER: _ClassVar[int]
    member_id: str
    scheme: Scheme
    kind: Kind
    name: str
    siren: str
    territory: str
    contacts: _containers.RepeatedCompositeFieldContainer[Contact]
    status: Status
    dues_paid_until: int
    version: int
    admitted_on: _common_pb2.Date
    left_on: _common_pb2.Date
    status_reason: str
    def __init__(self, member_id: _Optional[str] = ..., scheme: _Optional[_Union[Scheme, str]] = ..., kind: _Optional[_Union[Kind, str]] = ..., name: _Optional[str] = ..., siren: _Optional[str] = ..., territory: _Optional[str] = ..., contacts: _Optional[_Iterable[_Union[Contact, _Mapping]]] = ..., status: _Optional[_Union[Status, str]] = ..., dues_paid_until: _Optional[int] = ..., version: _Optional[int] = ..., admitted_on: _Optional[_Union[_common_pb2.Date, _Mapping]] = ..., left_on: _Optional[_Union[_common_pb2.Date, _Mapping]] = ..., status_reason: _Optional[str] = ...) -> None: ...

class AdmitMemberRequest(_message.Message):
    __slots__ = ("request_id", "scheme", "kind", "name", "siren", "territory", "contacts", "dues_paid_until", "effective_date")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    SCHEME_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    SIREN_FIELD_NUMBER: _ClassVar[int]
    TERRITORY_FIELD_NUMBER: _ClassVar[int]
    CONTACTS_FIELD_NUMBER: _ClassVar[int]
    DUES_PAID_UNTIL_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_DATE_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    scheme: Scheme
    kind: Kind
    name: str
    siren: str
    territory: str
    contacts: _containers.RepeatedCompositeFieldContainer[Contact]
    dues_paid_until: int
    effective_date: _common_pb2.Date
    def __init__(self, request_id: _Optional[str] = ..., scheme: _Optional[_Union[Scheme, str]] = ..., kind: _Optional[_Union[Kind, str]] = ..., name: _Optional[str] = ..., siren: _Optional[str] = ..., territory: _Optional[str] = ..., contacts: _Optional[_Iterable[_Union[Contact, _Mapping]]] = ..., dues_paid_until: _Optional[int] = ..., effective_date: _Optional[_Union[_common_pb2.Date, _Mapping]] = ...) -> None: ...

class AdmitMemberResponse(_message.Message):
    __slots__ = ("member_id", "result")
    MEMBER_ID_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    member_id: str
    result: _common_pb2.CommandResult
    def __init__(self, member_id: _Optional[str] = ..., result: _Optional[_Union[_common_pb2.CommandResult, _Mapping]] = ...) -> None: ...

class UpdateMemberProfileRequest(_message.Message):
    __slots__ = ("request_id", "member_id", "expected_version", "name", "kind", "siren", "territory", "contacts", "effective_date")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    MEMBER_ID_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    SIREN_FIELD_NUMBER: _ClassVar[int]
    TERRITORY_FIELD_NUMBER: _ClassVar[int]
    CONTACTS_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_DATE_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    member_id: str
    expected_version: int
    name: str
    kind: Kind
    siren: str
    territory: str
    contacts: _containers.RepeatedCompositeFieldContainer[Contact]
    effective_date: _common_pb2.Date
    def __init__(self, request_id: _Optional[str] = ..., member_id: _Optional[str] = ..., expected_version: _Optional[int] = ..., name: _Optional[str] = ..., kind: _Optional[_Union[Kind, str]] = ..., siren: _Optional[str] = ..., territory: _Optional[str] = ..., contacts: _Optional[_Iterable[_Union[Contact, _Mapping]]] = ..., effective_date: _Optional[_Union[_common_pb2.Date, _Mapping]] = ...) -> None: ...

class UpdateMemberProfileResponse(_message.Message):
    __slots__ = ("result",)
    RESULT_FIELD_NUMBER: _ClassVar[int]
    result: _common_pb2.CommandResult
    def __init__(self, result: _Optional[_Union[_common_pb2.CommandResult, _Mapping]] = ...) -> None: ...

class SuspendMemberRequest(_message.Message):
    __slots__ = ("request_id", "member_id", "expected_version", "reason", "effective_date")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    MEMBER_ID_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_DATE_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    member_id: str
    expected_version: int
    reason: str
    effective_date: _common_pb2.Date
    def __init__(self, request_id: _Optional[str] = ..., member_id: _Optional[str] = ..., expected_version: _Optional[int] = ..., reason: _Optional[str] = ..., effective_date: _Optional[_Union[_common_pb2.Date, _Mapping]] = ...) -> None: ...

class SuspendMemberResponse(_message.Message):
    __slots__ = ("result",)
    RESULT_FIELD_NUMBER: _ClassVar[int]
    result: _common_pb2.CommandResult
    def __init__(self, result: _Optional[_Union[_common_pb2.CommandResult, _Mapping]] = ...) -> None: ...

class ReinstateMemberRequest(_message.Message):
    __slots__ = ("request_id", "member_id", "expected_version", "reason", "effective_date")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    MEMBER_ID_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_DATE_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    member_id: str
    expected_version: int
    reason: str
    effective_date: _common_pb2.Date
    def __init__(self, request_id: _Optional[str] = ..., member_id: _Optional[str] = ..., expected_version: _Optional[int] = ..., reason: _Optional[str] = ..., effective_date: _Optional[_Union[_common_pb2.Date, _Mapping]] = ...) -> None: ...

class ReinstateMemberResponse(_message.Message):
    __slots__ = ("result",)
    RESULT_FIELD_NUMBER: _ClassVar[int]
    result: _common_pb2.CommandResult
    def __init__(self, result: _Optional[_Union[_common_pb2.CommandResult, _Mapping]] = ...) -> None: ...

class RenewDuesRequest(_message.Message):
    __slots__ = ("request_id", "member_id", "expected_version", "paid_until_year", "amount", "effective_date")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    MEMBER_ID_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    PAID_UNTIL_YEAR_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_DATE_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    member_id: str
    expected_version: int
    paid_until_year: int
    amount: _common_pb2.Money
    effective_date: _common_pb2.Date
    def __init__(self, request_id: _Optional[str] = ..., member_id: _Optional[str] = ..., expected_version: _Optional[int] = ..., paid_until_year: _Optional[int] = ..., amount: _Optional[_Union[_common_pb2.Money, _Mapping]] = ..., effective_date: _Optional[_Union[_common_pb2.Date, _Mapping]] = ...) -> None: ...

class RenewDuesResponse(_message.Message):
    __slots__ = ("result",)
    RESULT_FIELD_NUMBER: _ClassVar[int]
    result: _common_pb2.CommandResult
    def __init__(self, result: _Optional[_Union[_common_pb2.CommandResult, _Mapping]] = ...) -> None: ...

class LeaveMemberRequest(_message.Message):
    __slots__ = ("request_id", "member_id", "expected_version", "reason", "effective_date")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    MEMBER_ID_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_DATE_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    member_id: str
    expected_version: int
    reason: str
    effective_date: _common_pb2.Date
    def __init__(self, request_id: _Optional[str] = ..., member_id: _Optional[str] = ..., expected_version: _Optional[int] = ..., reason: _Optional[str] = ..., effective_date: _Optional[_Union[_common_pb2.Date, _Mapping]] = ...) -> None: ...

class LeaveMemberResponse(_message.Message):
    __slots__ = ("result",)
    RESULT_FIELD_NUMBER: _ClassVar[int]
    result: _common_pb2.CommandResult
    def __init__(self, result: _Optional[_Union[_common_pb2.CommandResult, _Mapping]] = ...) -> None: ...

class GetMemberRequest(_message.Message):
    __slots__ = ("member_id", "consistency_token")
    MEMBER_ID_FIELD_NUMBER: _ClassVar[int]
    CONSISTENCY_TOKEN_FIELD_NUMBER: _ClassVar[int]
    member_id: str
    consistency_token: str
    def __init__(self, member_id: _Optional[str] = ..., consistency_token: _Optional[str] = ...) -> None: ...

class GetMemberResponse(_message.Message):
    __slots__ = ("member",)
    MEMBER_FIELD_NUMBER: _ClassVar[int]
    member: Member
    def __init__(self, member: _Optional[_Union[Member, _Mapping]] = ...) -> None: ...

class ListMembersRequest(_message.Message):
    __slots__ = ("page", "kind", "scheme", "status", "name_contains", "consistency_token")
    PAGE_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    SCHEME_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    NAME_CONTAINS_FIELD_NUMBER: _ClassVar[int]
    CONSISTENCY_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page: _common_pb2.PageRequest
    kind: Kind
    scheme: Scheme
    status: Status
    name_contains: str
    consistency_token: str
    def __init__(self, page: _Optional[_Union[_common_pb2.PageRequest, _Mapping]] = ..., kind: _Optional[_Union[Kind, str]] = ..., scheme: _Optional[_Union[Scheme, str]] = ..., status: _Optional[_Union[Status, str]] = ..., name_contains: _Optional[str] = ..., consistency_token: _Optional[str] = ...) -> None: ...

class ListMembersResponse(_message.Message):
    __slots__ = ("members", "page")
    MEMBERS_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    members: _containers.RepeatedCompositeFieldContainer[Member]
    page: _common_pb2.PageResponse
    def __init__(self, members: _Optional[_Iterable[_Union[Member, _Mapping]]] = ..., page: _Optional[_Union[_common_pb2.PageResponse, _Mapping]] = ...) -> None: ...

class CountMembersRequest(_message.Message):
    __slots__ = ("status", "consistency_token")
    STATUS_FIELD_NUMBER: _ClassVar[int]
    CONSISTENCY_TOKEN_FIELD_NUMBER: _ClassVar[int]
    status: Status
    consistency_token: str
    def __init__(self, status: _Optional[_Union[Status, str]] = ..., consistency_token: _Optional[str] = ...) -> None: ...

class KindCount(_message.Message):
    __slots__ = ("kind", "count")
    KIND_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    kind: Kind
    count: int
    def __init__(self, kind: _Optional[_Union[Kind, str]] = ..., count: _Optional[int] = ...) -> None: ...

class SchemeCount(_message.Message):
    __slots__ = ("scheme", "count")
    SCHEME_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    scheme: Scheme
    count: int
    def __init__(self, scheme: _Optional[_Union[Scheme, str]] = ..., count: _Optional[int] = ...) -> None: ...

class CountMembersResponse(_message.Message):
    __slots__ = ("total", "by_kind", "by_scheme")
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    BY_KIND_FIELD_NUMBER: _ClassVar[int]
    BY_SCHEME_FIELD_NUMBER: _ClassVar[int]
    total: int
    by_kind: _containers.RepeatedCompositeFieldContainer[KindCount]
    by_scheme: _containers.RepeatedCompositeFieldContainer[SchemeCount]
    def __init__(self, total: _Optional[int] = ..., by_kind: _Optional[_Iterable[_Union[KindCount, _Mapping]]] = ..., by_scheme: _Optional[_Iterable[_Union[SchemeCount, _Mapping]]] = ...) -> None: ...
