from lab27.common.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CohortKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    COHORT_KIND_UNSPECIFIED: _ClassVar[CohortKind]
    COHORT_KIND_LAB: _ClassVar[CohortKind]
    COHORT_KIND_WORKSHOP: _ClassVar[CohortKind]

class CohortStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    COHORT_STATUS_UNSPECIFIED: _ClassVar[CohortStatus]
    COHORT_STATUS_OPEN: _ClassVar[CohortStatus]
    COHORT_STATUS_RUNNING: _ClassVar[CohortStatus]
    COHORT_STATUS_ON_HOLD: _ClassVar[CohortStatus]
    COHORT_STATUS_COMPLETED: _ClassVar[CohortStatus]

class AgentCategory(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    AGENT_CATEGORY_UNSPECIFIED: _ClassVar[AgentCategory]
    AGENT_CATEGORY_A: _ClassVar[AgentCategory]
    AGENT_CATEGORY_B: _ClassVar[AgentCategory]
    AGENT_CATEGORY_C: _ClassVar[AgentCategory]

class AgentStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    AGENT_STATUS_UNSPECIFIED: _ClassVar[AgentStatus]
    AGENT_STATUS_ENROLLED: _ClassVar[AgentStatus]
    AGENT_STATUS_WITHDRAWN: _ClassVar[AgentStatus]

class CoachDiscipline(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    COACH_DISCIPLINE_UNSPECIFIED: _ClassVar[CoachDiscipline]
    COACH_DISCIPLINE_SOCIOLOGIST: _ClassVar[CoachDiscipline]
    COACH_DISCIPLINE_URBANIST: _ClassVar[CoachDiscipline]
    COACH_DISCIPLINE_DESIGNER: _ClassVar[CoachDiscipline]

class SprintOutcome(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SPRINT_OUTCOME_UNSPECIFIED: _ClassVar[SprintOutcome]
    SPRINT_OUTCOME_VALIDATED: _ClassVar[SprintOutcome]
    SPRINT_OUTCOME_ITERATE: _ClassVar[SprintOutcome]
    SPRINT_OUTCOME_ABANDONED: _ClassVar[SprintOutcome]

class ReturnOutcome(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RETURN_OUTCOME_UNSPECIFIED: _ClassVar[ReturnOutcome]
    RETURN_OUTCOME_REINTEGRATED: _ClassVar[ReturnOutcome]
    RETURN_OUTCOME_NEW_ROLE: _ClassVar[ReturnOutcome]
    RETURN_OUTCOME_DIFFICULT: _ClassVar[ReturnOutcome]
    RETURN_OUTCOME_LEFT_ADMINISTRATION: _ClassVar[ReturnOutcome]

class HostStanding(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    HOST_STANDING_UNSPECIFIED: _ClassVar[HostStanding]
    HOST_STANDING_ACTIVE: _ClassVar[HostStanding]
    HOST_STANDING_SUSPENDED: _ClassVar[HostStanding]
    HOST_STANDING_LEFT: _ClassVar[HostStanding]
    HOST_STANDING_NOT_A_MEMBER: _ClassVar[HostStanding]
COHORT_KIND_UNSPECIFIED: CohortKind
COHORT_KIND_LAB: CohortKind
COHORT_KIND_WORKSHOP: CohortKind
COHORT_STATUS_UNSPECIFIED: CohortStatus
COHORT_STATUS_OPEN: CohortStatus
COHORT_STATUS_RUNNING: CohortStatus
COHORT_STATUS_ON_HOLD: CohortStatus
COHORT_STATUS_COMPLETED: CohortStatus
AGENT_CATEGORY_UNSPECIFIED: AgentCategory
AGENT_CATEGORY_A: AgentCategory
AGENT_CATEGORY_B: AgentCategory
AGENT_CATEGORY_C: AgentCategory
AGENT_STATUS_UNSPECIFIED: AgentStatus
AGENT_STATUS_ENROLLED: AgentStatus
AGENT_STATUS_WITHDRAWN: AgentStatus
COACH_DISCIPLINE_UNSPECIFIED: CoachDiscipline
COACH_DISCIPLINE_SOCIOLOGIST: CoachDiscipline
COACH_DISCIPLINE_URBANIST: CoachDiscipline
COACH_DISCIPLINE_DESIGNER: CoachDiscipline
SPRINT_OUTCOME_UNSPECIFIED: SprintOutcome
SPRINT_OUTCOME_VALIDATED: SprintOutcome
SPRINT_OUTCOME_ITERATE: SprintOutcome
SPRINT_OUTCOME_ABANDONED: SprintOutcome
RETURN_OUTCOME_UNSPECIFIED: ReturnOutcome
RETURN_OUTCOME_REINTEGRATED: ReturnOutcome
RETURN_OUTCOME_NEW_ROLE: ReturnOutcome
RETURN_OUTCOME_DIFFICULT: ReturnOutcome
RETURN_OUTCOME_LEFT_ADMINISTRATION: ReturnOutcome
HOST_STANDING_UNSPECIFIED: HostStanding
HOST_STANDING_ACTIVE: HostStanding
HOST_STANDING_SUSPENDED: HostStanding
HOST_STANDING_LEFT: HostStanding
HOST_STANDING_NOT_A_MEMBER: HostStanding

class Coach(_message.Message):
    __slots__ = ("name", "discipline", "assigned_on")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DISCIPLINE_FIELD_NUMBER: _ClassVar[int]
    ASSIGNED_ON_FIELD_NUMBER: _ClassVar[int]
    name: str
    discipline: CoachDiscipline
    assigned_on: _common_pb2.Date
    def __init__(self, name: _Optional[str] = ..., discipline: _Optional[_Union[CoachDiscipline, str]] = ..., assigned_on: _Optional[_Union[_common_pb2.Date, _Mapping]] = ...) -> None: ...

class Sprint(_message.Message):
    __slots__ = ("number", "starts_on", "ends_on", "prototype", "outcome")
    NUMBER_FIELD_NUMBER: _ClassVar[int]
    STARTS_ON_FIELD_NUMBER: _ClassVar[int]
    ENDS_ON_FIELD_NUMBER: _ClassVar[int]
    PROTOTYPE_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    number: int
    starts_on: _common_pb2.Date
    ends_on: _common_pb2.Date
    prototype: str
    outcome: SprintOutcome
    def __init__(self, number: _Optional[int] = ..., starts_on: _Optional[_Union[_common_pb2.Date, _Mapping]] = ..., ends_on: _Optional[_Union[_common_pb2.Date, _Mapping]] = ..., prototype: _Optional[str] = ..., outcome: _Optional[_Union[SprintOutcome, str]] = ...) -> None: ...

class Cohort(_message.Message):
    __slots__ = ("cohort_id", "host_member_id", "kind", "theme", "project_statement", "status", "status_since", "hold_reason", "planned_start", "planned_end", "duration_months", "duration_days", "duration_override_reason", "capacity", "absence_budget_days", "opened_on", "started_on", "completed_on", "coaches", "sprints", "version")
    COHORT_ID_FIELD_NUMBER: _ClassVar[int]
    HOST_MEMBER_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    THEME_FIELD_NUMBER: _ClassVar[int]
    PROJECT_STATEMENT_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    STATUS_SINCE_FIELD_NUMBER: _ClassVar[int]
    HOLD_REASON_FIELD_NUMBER: _ClassVar[int]
    PLANNED_START_FIELD_NUMBER: _ClassVar[int]
    PLANNED_END_FIELD_NUMBER: _ClassVar[int]
    DURATION_MONTHS_FIELD_NUMBER: _ClassVar[int]
    DURATION_DAYS_FIELD_NUMBER: _ClassVar[int]
    DURATION_OVERRIDE_REASON_FIELD_NUMBER: _ClassVar[int]
    CAPACITY_FIELD_NUMBER: _ClassVar[int]
    ABSENCE_BUDGET_DAYS_FIELD_NUMBER: _ClassVar[int]
    OPENED_ON_FIELD_NUMBER: _ClassVar[int]
    STARTED_ON_FIELD_NUMBER: _ClassVar[int]
    COMPLETED_ON_FIELD_NUMBER: _ClassVar[int]
    COACHES_FIELD_NUMBER: _ClassVar[int]
    SPRINTS_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    cohort_id: str
    host_member_id: str
    kind: CohortKind
    theme: str
    project_statement: str
    status: CohortStatus
    status_since: _common_pb2.Date
    hold_reason: str
    planned_start: _common_pb2.Date
    planned_end: _common_pb2.Date
    duration_months: int
    duration_days: int
    duration_override_reason: str
    capacity: int
    absence_budget_days: int
    opened_on: _common_pb2.Date
    started_on: _common_pb2.Date
    completed_on: _common_pb2.Date
    coaches: _containers.RepeatedCompositeFieldContainer[Coach]
    sprints: _containers.RepeatedCompositeFieldContainer[Sprint]
    version: int
    def __init__(self, cohort_id: _Optional[str] = ..., host_member_id: _Optional[str] = ..., kind: _Optional[_Union[CohortKind, str]] = ..., theme: _Optional[str] = ..., project_statement: _Optional[str] = ..., status: _Optional[_Union[CohortStatus, str]] = ..., status_since: _Optional[_Union[_common_pb2.Date, _Mapping]] = ..., hold_reason: _Optional[str] = ..., planned_start: _Optional[_Union[_common_pb2.Date, _Mapping]] = ..., planned_end: _Optional[_Union[_common_pb2.Date, _Mapping]] = ..., duration_months: _Optional[int] = ..., duration_days: _Optional[int] = ..., duration_override_reason: _Optional[str] = ..., capacity: _Optional[int] = ..., absence_budget_days: _Optional[int] = ..., opened_on: _Optional[_Union[_common_pb2.Date, _Mapping]] = ..., started_on: _Optional[_Union[_common_pb2.Date, _Mapping]] = ..., completed_on: _Optional[_Union[_common_pb2.Date, _Mapping]] = ..., coaches: _Optional[_Iterable[_Union[Coach, _Mapping]]] = ..., sprints: _Optional[_Iterable[_Union[Sprint, _Mapping]]] = ..., version: _Optional[int] = ...) -> None: ...

class Agent(_message.Message):
    __slots__ = ("agent_id", "category", "home_department", "status", "enrolled_on", "withdrawn_on", "withdrawal_reason", "forgotten", "name", "email", "absence_days_used", "return_outcome", "returned_on")
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    HOME_DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    ENROLLED_ON_FIELD_NUMBER: _ClassVar[int]
    WITHDRAWN_ON_FIELD_NUMBER: _ClassVar[int]
    WITHDRAWAL_REASON_FIELD_NUMBER: _ClassVar[int]
    FORGOTTEN_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    ABSENCE_DAYS_USED_FIELD_NUMBER: _ClassVar[int]
    RETURN_OUTCOME_FIELD_NUMBER: _ClassVar[int]
    RETURNED_ON_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    category: AgentCategory
    home_department: str
    status: AgentStatus
    enrolled_on: _common_pb2.Date
    withdrawn_on: _common_pb2.Date
    withdrawal_reason: str
    forgotten: bool
    name: str
    email: str
    absence_days_used: int
    return_outcome: ReturnOutcome
    returned_on: _common_pb2.Date
    def __init__(self, agent_id: _Optional[str] = ..., category: _Optional[_Union[AgentCategory, str]] = ..., home_department: _Optional[str] = ..., status: _Optional[_Union[AgentStatus, str]] = ..., enrolled_on: _Optional[_Union[_common_pb2.Date, _Mapping]] = ..., withdrawn_on: _Optional[_Union[_common_pb2.Date, _Mapping]] = ..., withdrawal_reason: _Optional[str] = ..., forgotten: _Optional[bool] = ..., name: _Optional[str] = ..., email: _Optional[str] = ..., absence_days_used: _Optional[int] = ..., return_outcome: _Optional[_Union[ReturnOutcome, str]] = ..., returned_on: _Optional[_Union[_common_pb2.Date, _Mapping]] = ...) -> None: ...

class OpenCohortRequest(_message.Message):
    __slots__ = ("request_id", "kind", "host_member_id", "theme", "project_statement", "planned_start", "duration_months", "duration_days", "duration_override_reason", "capacity", "absence_budget_days", "effective_date", "consistency_token")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    HOST_MEMBER_ID_FIELD_NUMBER: _ClassVar[int]
    THEME_FIELD_NUMBER: _ClassVar[int]
    PROJECT_STATEMENT_FIELD_NUMBER: _ClassVar[int]
    PLANNED_START_FIELD_NUMBER: _ClassVar[int]
    DURATION_MONTHS_FIELD_NUMBER: _ClassVar[int]
    DURATION_DAYS_FIELD_NUMBER: _ClassVar[int]
    DURATION_OVERRIDE_REASON_FIELD_NUMBER: _ClassVar[int]
    CAPACITY_FIELD_NUMBER: _ClassVar[int]
    ABSENCE_BUDGET_DAYS_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_DATE_FIELD_NUMBER: _ClassVar[int]
    CONSISTENCY_TOKEN_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    kind: CohortKind
    host_member_id: str
    theme: str
    project_statement: str
    planned_start: _common_pb2.Date
    duration_months: int
    duration_days: int
    duration_override_reason: str
    capacity: int
    absence_budget_days: int
    effective_date: _common_pb2.Date
    consistency_token: str
    def __init__(self, request_id: _Optional[str] = ..., kind: _Optional[_Union[CohortKind, str]] = ..., host_member_id: _Optional[str] = ..., theme: _Optional[str] = ..., project_statement: _Optional[str] = ..., planned_start: _Optional[_Union[_common_pb2.Date, _Mapping]] = ..., duration_months: _Optional[int] = ..., duration_days: _Optional[int] = ..., duration_override_reason: _Optional[str] = ..., capacity: _Optional[int] = ..., absence_budget_days: _Optional[int] = ..., effective_date: _Optional[_Union[_common_pb2.Date, _Mapping]] = ..., consistency_token: _Optional[str] = ...) -> None: ...

class OpenCohortResponse(_message.Message):
    __slots__ = ("cohort_id", "result")
    COHORT_ID_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    cohort_id: str
    result: _common_pb2.CommandResult
    def __init__(self, cohort_id: _Optional[str] = ..., result: _Optional[_Union[_common_pb2.CommandResult, _Mapping]] = ...) -> None: ...

class StartCohortRequest(_message.Message):
    __slots__ = ("request_id", "cohort_id", "expected_version", "effective_date")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    COHORT_ID_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_DATE_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    cohort_id: str
    expected_version: int
    effective_date: _common_pb2.Date
    def __init__(self, request_id: _Optional[str] = ..., cohort_id: _Optional[str] = ..., expected_version: _Optional[int] = ..., effective_date: _Optional[_Union[_common_pb2.Date, _Mapping]] = ...) -> None: ...

class StartCohortResponse(_message.Message):
    __slots__ = ("result",)
    RESULT_FIELD_NUMBER: _ClassVar[int]
    result: _common_pb2.CommandResult
    def __init__(self, result: _Optional[_Union[_common_pb2.CommandResult, _Mapping]] = ...) -> None: ...

class EnrolAgentRequest(_message.Message):
    __slots__ = ("request_id", "cohort_id", "expected_version", "category", "home_department", "name", "email", "effective_date")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    COHORT_ID_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    HOME_DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_DATE_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    cohort_id: str
    expected_version: int
    category: AgentCategory
    home_department: str
    name: str
    email: str
    effective_date: _common_pb2.Date
    def __init__(self, request_id: _Optional[str] = ..., cohort_id: _Optional[str] = ..., expected_version: _Optional[int] = ..., category: _Optional[_Union[AgentCategory, str]] = ..., home_department: _Optional[str] = ..., name: _Optional[str] = ..., email: _Optional[str] = ..., effective_date: _Optional[_Union[_common_pb2.Date, _Mapping]] = ...) -> None: ...

class EnrolAgentResponse(_message.Message):
    __slots__ = ("agent_id", "result")
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    result: _common_pb2.CommandResult
    def __init__(self, agent_id: _Optional[str] = ..., result: _Optional[_Union[_common_pb2.CommandResult, _Mapping]] = ...) -> None: ...

class WithdrawAgentRequest(_message.Message):
    __slots__ = ("request_id", "cohort_id", "expected_version", "agent_id", "reason", "effective_date")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    COHORT_ID_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_DATE_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    cohort_id: str
    expected_version: int
    agent_id: str
    reason: str
    effective_date: _common_pb2.Date
    def __init__(self, request_id: _Optional[str] = ..., cohort_id: _Optional[str] = ..., expected_version: _Optional[int] = ..., agent_id: _Optional[str] = ..., reason: _Optional[str] = ..., effective_date: _Optional[_Union[_common_pb2.Date, _Mapping]] = ...) -> None: ...

class WithdrawAgentResponse(_message.Message):
    __slots__ = ("result",)
    RESULT_FIELD_NUMBER: _ClassVar[int]
    result: _common_pb2.CommandResult
    def __init__(self, result: _Optional[_Union[_common_pb2.CommandResult, _Mapping]] = ...) -> None: ...

class LogAbsenceRequest(_message.Message):
    __slots__ = ("request_id", "cohort_id", "expected_version", "agent_id", "absence_date", "days")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    COHORT_ID_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    ABSENCE_DATE_FIELD_NUMBER: _ClassVar[int]
    DAYS_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    cohort_id: str
    expected_version: int
    agent_id: str
    absence_date: _common_pb2.Date
    days: int
    def __init__(self, request_id: _Optional[str] = ..., cohort_id: _Optional[str] = ..., expected_version: _Optional[int] = ..., agent_id: _Optional[str] = ..., absence_date: _Optional[_Union[_common_pb2.Date, _Mapping]] = ..., days: _Optional[int] = ...) -> None: ...

class LogAbsenceResponse(_message.Message):
    __slots__ = ("result",)
    RESULT_FIELD_NUMBER: _ClassVar[int]
    result: _common_pb2.CommandResult
    def __init__(self, result: _Optional[_Union[_common_pb2.CommandResult, _Mapping]] = ...) -> None: ...

class AssignCoachRequest(_message.Message):
    __slots__ = ("request_id", "cohort_id", "expected_version", "coach_name", "discipline", "effective_date")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    COHORT_ID_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    COACH_NAME_FIELD_NUMBER: _ClassVar[int]
    DISCIPLINE_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_DATE_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    cohort_id: str
    expected_version: int
    coach_name: str
    discipline: CoachDiscipline
    effective_date: _common_pb2.Date
    def __init__(self, request_id: _Optional[str] = ..., cohort_id: _Optional[str] = ..., expected_version: _Optional[int] = ..., coach_name: _Optional[str] = ..., discipline: _Optional[_Union[CoachDiscipline, str]] = ..., effective_date: _Optional[_Union[_common_pb2.Date, _Mapping]] = ...) -> None: ...

class AssignCoachResponse(_message.Message):
    __slots__ = ("result",)
    RESULT_FIELD_NUMBER: _ClassVar[int]
    result: _common_pb2.CommandResult
    def __init__(self, result: _Optional[_Union[_common_pb2.CommandResult, _Mapping]] = ...) -> None: ...

class RecordSprintRequest(_message.Message):
    __slots__ = ("request_id", "cohort_id", "expected_version", "starts_on", "prototype", "outcome")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    COHORT_ID_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    STARTS_ON_FIELD_NUMBER: _ClassVar[int]
    PROTOTYPE_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    cohort_id: str
    expected_version: int
    starts_on: _common_pb2.Date
    prototype: str
    outcome: SprintOutcome
    def __init__(self, request_id: _Optional[str] = ..., cohort_id: _Optional[str] = ..., expected_version: _Optional[int] = ..., starts_on: _Optional[_Union[_common_pb2.Date, _Mapping]] = ..., prototype: _Optional[str] = ..., outcome: _Optional[_Union[SprintOutcome, str]] = ...) -> None: ...

class RecordSprintResponse(_message.Message):
    __slots__ = ("number", "result")
    NUMBER_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    number: int
    result: _common_pb2.CommandResult
    def __init__(self, number: _Optional[int] = ..., result: _Optional[_Union[_common_pb2.CommandResult, _Mapping]] = ...) -> None: ...

class CompleteCohortRequest(_message.Message):
    __slots__ = ("request_id", "cohort_id", "expected_version", "effective_date")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    COHORT_ID_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_DATE_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    cohort_id: str
    expected_version: int
    effective_date: _common_pb2.Date
    def __init__(self, request_id: _Optional[str] = ..., cohort_id: _Optional[str] = ..., expected_version: _Optional[int] = ..., effective_date: _Optional[_Union[_common_pb2.Date, _Mapping]] = ...) -> None: ...

class CompleteCohortResponse(_message.Message):
    __slots__ = ("result",)
    RESULT_FIELD_NUMBER: _ClassVar[int]
    result: _common_pb2.CommandResult
    def __init__(self, result: _Optional[_Union[_common_pb2.CommandResult, _Mapping]] = ...) -> None: ...

class RecordReturnToServiceRequest(_message.Message):
    __slots__ = ("request_id", "cohort_id", "expected_version", "agent_id", "outcome", "effective_date")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    COHORT_ID_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_DATE_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    cohort_id: str
    expected_version: int
    agent_id: str
    outcome: ReturnOutcome
    effective_date: _common_pb2.Date
    def __init__(self, request_id: _Optional[str] = ..., cohort_id: _Optional[str] = ..., expected_version: _Optional[int] = ..., agent_id: _Optional[str] = ..., outcome: _Optional[_Union[ReturnOutcome, str]] = ..., effective_date: _Optional[_Union[_common_pb2.Date, _Mapping]] = ...) -> None: ...

class RecordReturnToServiceResponse(_message.Message):
    __slots__ = ("result",)
    RESULT_FIELD_NUMBER: _ClassVar[int]
    result: _common_pb2.CommandResult
    def __init__(self, result: _Optional[_Union[_common_pb2.CommandResult, _Mapping]] = ...) -> None: ...

class PutCohortOnHoldRequest(_message.Message):
    __slots__ = ("request_id", "cohort_id", "expected_version", "reason", "effective_date")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    COHORT_ID_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_DATE_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    cohort_id: str
    expected_version: int
    reason: str
    effective_date: _common_pb2.Date
    def __init__(self, request_id: _Optional[str] = ..., cohort_id: _Optional[str] = ..., expected_version: _Optional[int] = ..., reason: _Optional[str] = ..., effective_date: _Optional[_Union[_common_pb2.Date, _Mapping]] = ...) -> None: ...

class PutCohortOnHoldResponse(_message.Message):
    __slots__ = ("result",)
    RESULT_FIELD_NUMBER: _ClassVar[int]
    result: _common_pb2.CommandResult
    def __init__(self, result: _Optional[_Union[_common_pb2.CommandResult, _Mapping]] = ...) -> None: ...

class ResumeCohortRequest(_message.Message):
    __slots__ = ("request_id", "cohort_id", "expected_version", "effective_date", "consistency_token")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    COHORT_ID_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_DATE_FIELD_NUMBER: _ClassVar[int]
    CONSISTENCY_TOKEN_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    cohort_id: str
    expected_version: int
    effective_date: _common_pb2.Date
    consistency_token: str
    def __init__(self, request_id: _Optional[str] = ..., cohort_id: _Optional[str] = ..., expected_version: _Optional[int] = ..., effective_date: _Optional[_Union[_common_pb2.Date, _Mapping]] = ..., consistency_token: _Optional[str] = ...) -> None: ...

class ResumeCohortResponse(_message.Message):
    __slots__ = ("result",)
    RESULT_FIELD_NUMBER: _ClassVar[int]
    result: _common_pb2.CommandResult
    def __init__(self, result: _Optional[_Union[_common_pb2.CommandResult, _Mapping]] = ...) -> None: ...

class ForgetAgentRequest(_message.Message):
    __slots__ = ("request_id", "cohort_id", "expected_version", "agent_id")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    COHORT_ID_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    cohort_id: str
    expected_version: int
    agent_id: str
    def __init__(self, request_id: _Optional[str] = ..., cohort_id: _Optional[str] = ..., expected_version: _Optional[int] = ..., agent_id: _Optional[str] = ...) -> None: ...

class ForgetAgentResponse(_message.Message):
    __slots__ = ("result",)
    RESULT_FIELD_NUMBER: _ClassVar[int]
    result: _common_pb2.CommandResult
    def __init__(self, result: _Optional[_Union[_common_pb2.CommandResult, _Mapping]] = ...) -> None: ...

class GetCohortRequest(_message.Message):
    __slots__ = ("cohort_id", "consistency_token")
    COHORT_ID_FIELD_NUMBER: _ClassVar[int]
    CONSISTENCY_TOKEN_FIELD_NUMBER: _ClassVar[int]
    cohort_id: str
    consistency_token: str
    def __init__(self, cohort_id: _Optional[str] = ..., consistency_token: _Optional[str] = ...) -> None: ...

class GetCohortResponse(_message.Message):
    __slots__ = ("cohort",)
    COHORT_FIELD_NUMBER: _ClassVar[int]
    cohort: Cohort
    def __init__(self, cohort: _Optional[_Union[Cohort, _Mapping]] = ...) -> None: ...

class GetRosterRequest(_message.Message):
    __slots__ = ("cohort_id", "status", "page", "consistency_token")
    COHORT_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    CONSISTENCY_TOKEN_FIELD_NUMBER: _ClassVar[int]
    cohort_id: str
    status: AgentStatus
    page: _common_pb2.PageRequest
    consistency_token: str
    def __init__(self, cohort_id: _Optional[str] = ..., status: _Optional[_Union[AgentStatus, str]] = ..., page: _Optional[_Union[_common_pb2.PageRequest, _Mapping]] = ..., consistency_token: _Optional[str] = ...) -> None: ...

class GetRosterResponse(_message.Message):
    __slots__ = ("agents", "page")
    AGENTS_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    agents: _containers.RepeatedCompositeFieldContainer[Agent]
    page: _common_pb2.PageResponse
    def __init__(self, agents: _Optional[_Iterable[_Union[Agent, _Mapping]]] = ..., page: _Optional[_Union[_common_pb2.PageResponse, _Mapping]] = ...) -> None: ...

class GetProgressRequest(_message.Message):
    __slots__ = ("cohort_id", "consistency_token")
    COHORT_ID_FIELD_NUMBER: _ClassVar[int]
    CONSISTENCY_TOKEN_FIELD_NUMBER: _ClassVar[int]
    cohort_id: str
    consistency_token: str
    def __init__(self, cohort_id: _Optional[str] = ..., consistency_token: _Optional[str] = ...) -> None: ...

class CategoryCount(_message.Message):
    __slots__ = ("category", "count")
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    category: AgentCategory
    count: int
    def __init__(self, category: _Optional[_Union[AgentCategory, str]] = ..., count: _Optional[int] = ...) -> None: ...

class Progress(_message.Message):
    __slots__ = ("cohort_id", "kind", "status", "planned_start", "planned_end", "duration_months", "duration_days", "started_on", "completed_on", "weeks_elapsed", "sprints", "capacity", "agents_enrolled", "agents_active", "agents_withdrawn", "attrition_rate", "category_mix", "absence_days_used", "absence_budget_per_agent", "absence_budget_total", "most_absence_days_used", "version")
    COHORT_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    PLANNED_START_FIELD_NUMBER: _ClassVar[int]
    PLANNED_END_FIELD_NUMBER: _ClassVar[int]
    DURATION_MONTHS_FIELD_NUMBER: _ClassVar[int]
    DURATION_DAYS_FIELD_NUMBER: _ClassVar[int]
    STARTED_ON_FIELD_NUMBER: _ClassVar[int]
    COMPLETED_ON_FIELD_NUMBER: _ClassVar[int]
    WEEKS_ELAPSED_FIELD_NUMBER: _ClassVar[int]
    SPRINTS_FIELD_NUMBER: _ClassVar[int]
    CAPACITY_FIELD_NUMBER: _ClassVar[int]
    AGENTS_ENROLLED_FIELD_NUMBER: _ClassVar[int]
    AGENTS_ACTIVE_FIELD_NUMBER: _ClassVar[int]
    AGENTS_WITHDRAWN_FIELD_NUMBER: _ClassVar[int]
    ATTRITION_RATE_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_MIX_FIELD_NUMBER: _ClassVar[int]
    ABSENCE_DAYS_USED_FIELD_NUMBER: _ClassVar[int]
    ABSENCE_BUDGET_PER_AGENT_FIELD_NUMBER: _ClassVar[int]
    ABSENCE_BUDGET_TOTAL_FIELD_NUMBER: _ClassVar[int]
    MOST_ABSENCE_DAYS_USED_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    cohort_id: str
    kind: CohortKind
    status: CohortStatus
    planned_start: _common_pb2.Date
    planned_end: _common_pb2.Date
    duration_months: int
    duration_days: int
    started_on: _common_pb2.Date
    completed_on: _common_pb2.Date
    weeks_elapsed: int
    sprints: _containers.RepeatedCompositeFieldContainer[Sprint]
    capacity: int
    agents_enrolled: int
    agents_active: int
    agents_withdrawn: int
    attrition_rate: float
    category_mix: _containers.RepeatedCompositeFieldContainer[CategoryCount]
    absence_days_used: int
    absence_budget_per_agent: int
    absence_budget_total: int
    most_absence_days_used: int
    version: int
    def __init__(self, cohort_id: _Optional[str] = ..., kind: _Optional[_Union[CohortKind, str]] = ..., status: _Optional[_Union[CohortStatus, str]] = ..., planned_start: _Optional[_Union[_common_pb2.Date, _Mapping]] = ..., planned_end: _Optional[_Union[_common_pb2.Date, _Mapping]] = ..., duration_months: _Optional[int] = ..., duration_days: _Optional[int] = ..., started_on: _Optional[_Union[_common_pb2.Date, _Mapping]] = ..., completed_on: _Optional[_Union[_common_pb2.Date, _Mapping]] = ..., weeks_elapsed: _Optional[int] = ..., sprints: _Optional[_Iterable[_Union[Sprint, _Mapping]]] = ..., capacity: _Optional[int] = ..., agents_enrolled: _Optional[int] = ..., agents_active: _Optional[int] = ..., agents_withdrawn: _Optional[int] = ..., attrition_rate: _Optional[float] = ..., category_mix: _Optional[_Iterable[_Union[CategoryCount, _Mapping]]] = ..., absence_days_used: _Optional[int] = ..., absence_budget_per_agent: _Optional[int] = ..., absence_budget_total: _Optional[int] = ..., most_absence_days_used: _Optional[int] = ..., version: _Optional[int] = ...) -> None: ...

class GetProgressResponse(_message.Message):
    __slots__ = ("progress",)
    PROGRESS_FIELD_NUMBER: _ClassVar[int]
    progress: Progress
    def __init__(self, progress: _Optional[_Union[Progress, _Mapping]] = ...) -> None: ...

class ListCohortsRequest(_message.Message):
    __slots__ = ("page", "host_member_id", "status", "kind", "consistency_token")
    PAGE_FIELD_NUMBER: _ClassVar[int]
    HOST_MEMBER_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    CONSISTENCY_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page: _common_pb2.PageRequest
    host_member_id: str
    status: CohortStatus
    kind: CohortKind
    consistency_token: str
    def __init__(self, page: _Optional[_Union[_common_pb2.PageRequest, _Mapping]] = ..., host_member_id: _Optional[str] = ..., status: _Optional[_Union[CohortStatus, str]] = ..., kind: _Optional[_Union[CohortKind, str]] = ..., consistency_token: _Optional[str] = ...) -> None: ...

class ListCohortsResponse(_message.Message):
    __slots__ = ("cohorts", "page")
    COHORTS_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    cohorts: _containers.RepeatedCompositeFieldContainer[Cohort]
    page: _common_pb2.PageResponse
    def __init__(self, cohorts: _Optional[_Iterable[_Union[Cohort, _Mapping]]] = ..., page: _Optional[_Union[_common_pb2.PageResponse, _Mapping]] = ...) -> None: ...

class GetHostHistoryRequest(_message.Message):
    __slots__ = ("host_member_id", "consistency_token")
    HOST_MEMBER_ID_FIELD_NUMBER: _ClassVar[int]
    CONSISTENCY_TOKEN_FIELD_NUMBER: _ClassVar[int]
    host_member_id: str
    consistency_token: str
    def __init__(self, host_member_id: _Optional[str] = ..., consistency_token: _Optional[str] = ...) -> None: ...

class HostCohort(_message.Message):
    __slots__ = ("cohort", "agents_enrolled", "agents_withdrawn", "agents_returned", "sprints")
    COHORT_FIELD_NUMBER: _ClassVar[int]
    AGENTS_ENROLLED_FIELD_NUMBER: _ClassVar[int]
    AGENTS_WITHDRAWN_FIELD_NUMBER: _ClassVar[int]
    AGENTS_RETURNED_FIELD_NUMBER: _ClassVar[int]
    SPRINTS_FIELD_NUMBER: _ClassVar[int]
    cohort: Cohort
    agents_enrolled: int
    agents_withdrawn: int
    agents_returned: int
    sprints: int
    def __init__(self, cohort: _Optional[_Union[Cohort, _Mapping]] = ..., agents_enrolled: _Optional[int] = ..., agents_withdrawn: _Optional[int] = ..., agents_returned: _Optional[int] = ..., sprints: _Optional[int] = ...) -> None: ...

class ReturnCount(_message.Message):
    __slots__ = ("outcome", "count")
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    outcome: ReturnOutcome
    count: int
    def __init__(self, outcome: _Optional[_Union[ReturnOutcome, str]] = ..., count: _Optional[int] = ...) -> None: ...

class GetHostHistoryResponse(_message.Message):
    __slots__ = ("host_member_id", "host_name", "standing", "cohorts", "returns")
    HOST_MEMBER_ID_FIELD_NUMBER: _ClassVar[int]
    HOST_NAME_FIELD_NUMBER: _ClassVar[int]
    STANDING_FIELD_NUMBER: _ClassVar[int]
    COHORTS_FIELD_NUMBER: _ClassVar[int]
    RETURNS_FIELD_NUMBER: _ClassVar[int]
    host_member_id: str
    host_name: str
    standing: HostStanding
    cohorts: _containers.RepeatedCompositeFieldContainer[HostCohort]
    returns: _containers.RepeatedCompositeFieldContainer[ReturnCount]
    def __init__(self, host_member_id: _Optional[str] = ..., host_name: _Optional[str] = ..., standing: _Optional[_Union[HostStanding, str]] = ..., cohorts: _Optional[_Iterable[_Union[HostCohort, _Mapping]]] = ..., returns: _Optional[_Iterable[_Union[ReturnCount, _Mapping]]] = ...) -> None: ...
