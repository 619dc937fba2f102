import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from lab27.common.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Weekday(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    WEEKDAY_UNSPECIFIED: _ClassVar[Weekday]
    WEEKDAY_MONDAY: _ClassVar[Weekday]
    WEEKDAY_TUESDAY: _ClassVar[Weekday]
    WEEKDAY_WEDNESDAY: _ClassVar[Weekday]
    WEEKDAY_THURSDAY: _ClassVar[Weekday]
    WEEKDAY_FRIDAY: _ClassVar[Weekday]
    WEEKDAY_SATURDAY: _ClassVar[Weekday]
    WEEKDAY_SUNDAY: _ClassVar[Weekday]

class BookingStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    BOOKING_STATUS_UNSPECIFIED: _ClassVar[BookingStatus]
    BOOKING_STATUS_BOOKED: _ClassVar[BookingStatus]
    BOOKING_STATUS_CANCELLED: _ClassVar[BookingStatus]

class CalendarSpan(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CALENDAR_SPAN_UNSPECIFIED: _ClassVar[CalendarSpan]
    CALENDAR_SPAN_DAY: _ClassVar[CalendarSpan]
    CALENDAR_SPAN_WEEK: _ClassVar[CalendarSpan]
WEEKDAY_UNSPECIFIED: Weekday
WEEKDAY_MONDAY: Weekday
WEEKDAY_TUESDAY: Weekday
WEEKDAY_WEDNESDAY: Weekday
WEEKDAY_THURSDAY: Weekday
WEEKDAY_FRIDAY: Weekday
WEEKDAY_SATURDAY: Weekday
WEEKDAY_SUNDAY: Weekday
BOOKING_STATUS_UNSPECIFIED: BookingStatus
BOOKING_STATUS_BOOKED: BookingStatus
BOOKING_STATUS_CANCELLED: BookingStatus
CALENDAR_SPAN_UNSPECIFIED: CalendarSpan
CALENDAR_SPAN_DAY: CalendarSpan
CALENDAR_SPAN_WEEK: CalendarSpan

class LocalTime(_message.Message):
    __slots__ = ("hours", "minutes")
    HOURS_FIELD_NUMBER: _ClassVar[int]
    MINUTES_FIELD_NUMBER: _ClassVar[int]
    hours: int
    minutes: int
    def __init__(self, hours: _Optional[int] = ..., minutes: _Optional[int] = ...) -> None: ...

class OpeningWindow(_message.Message):
    __slots__ = ("weekday", "opens", "closes")
    WEEKDAY_FIELD_NUMBER: _ClassVar[int]
    OPENS_FIELD_NUMBER: _ClassVar[int]
    CLOSES_FIELD_NUMBER: _ClassVar[int]
    weekday: Weekday
    opens: LocalTime
    closes: LocalTime
    def __init__(self, weekday: _Optional[_Union[Weekday, str]] = ..., opens: _Optional[_Union[LocalTime, _Mapping]] = ..., closes: _Optional[_Union[LocalTime, _Mapping]] = ...) -> None: ...

class OpeningHours(_message.Message):
    __slots__ = ("windows",)
    WINDOWS_FIELD_NUMBER: _ClassVar[int]
    windows: _containers.RepeatedCompositeFieldContainer[OpeningWindow]
    def __init__(self, windows: _Optional[_Iterable[_Union[OpeningWindow, _Mapping]]] = ...) -> None: ...

class Space(_message.Message):
    __slots__ = ("space_id", "name", "capacity", "opening_hours", "min_length_minutes", "max_length_minutes", "version")
    SPACE_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    CAPACITY_FIELD_NUMBER: _ClassVar[int]
    OPENING_HOURS_FIELD_NUMBER: _ClassVar[int]
    MIN_LENGTH_MINUTES_FIELD_NUMBER: _ClassVar[int]
    MAX_LENGTH_MINUTES_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    space_id: str
    name: str
    capacity: int
    opening_hours: OpeningHours
    min_length_minutes: int
    max_length_minutes: int
    version: int
    def __init__(self, space_id: _Optional[str] = ..., name: _Optional[str] = ..., capacity: _Optional[int] = ..., opening_hours: _Optional[_Union[OpeningHours, _Mapping]] = ..., min_length_minutes: _Optional[int] = ..., max_length_minutes: _Optional[int] = ..., version: _Optional[int] = ...) -> None: ...

class Booking(_message.Message):
    __slots__ = ("booking_id", "space_id", "organisation_id", "title", "attendance", "day", "start", "end", "start_time", "end_time", "length_minutes", "status", "cancel_reason")
    BOOKING_ID_FIELD_NUMBER: _ClassVar[int]
    SPACE_ID_FIELD_NUMBER: _ClassVar[int]
    ORGANISATION_ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    ATTENDANCE_FIELD_NUMBER: _ClassVar[int]
    DAY_FIELD_NUMBER: _ClassVar[int]
    START_FIELD_NUMBER: _ClassVar[int]
    END_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    LENGTH_MINUTES_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    CANCEL_REASON_FIELD_NUMBER: _ClassVar[int]
    booking_id: str
    space_id: str
    organisation_id: str
    title: str
    attendance: int
    day: _common_pb2.Date
    start: LocalTime
    end: LocalTime
    start_time: _timestamp_pb2.Timestamp
    end_time: _timestamp_pb2.Timestamp
    length_minutes: int
    status: BookingStatus
    cancel_reason: str
    def __init__(self, booking_id: _Optional[str] = ..., space_id: _Optional[str] = ..., organisation_id: _Optional[str] = ..., title: _Optional[str] = ..., attendance: _Optional[int] = ..., day: _Optional[_Union[_common_pb2.Date, _Mapping]] = ..., start: _Optional[_Union[LocalTime, _Mapping]] = ..., end: _Optional[_Union[LocalTime, _Mapping]] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., length_minutes: _Optional[int] = ..., status: _Optional[_Union[BookingStatus, str]] = ..., cancel_reason: _Optional[str] = ...) -> None: ...

class RegisterSpaceRequest(_message.Message):
    __slots__ = ("request_id", "name", "capacity", "opening_hours", "min_length_minutes", "max_length_minutes")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    CAPACITY_FIELD_NUMBER: _ClassVar[int]
    OPENING_HOURS_FIELD_NUMBER: _ClassVar[int]
    MIN_LENGTH_MINUTES_FIELD_NUMBER: _ClassVar[int]
    MAX_LENGTH_MINUTES_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    name: str
    capacity: int
    opening_hours: OpeningHours
    min_length_minutes: int
    max_length_minutes: int
    def __init__(self, request_id: _Optional[str] = ..., name: _Optional[str] = ..., capacity: _Optional[int] = ..., opening_hours: _Optional[_Union[OpeningHours, _Mapping]] = ..., min_length_minutes: _Optional[int] = ..., max_length_minutes: _Optional[int] = ...) -> None: ...

class RegisterSpaceResponse(_message.Message):
    __slots__ = ("space_id", "result")
    SPACE_ID_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    space_id: str
    result: _common_pb2.CommandResult
    def __init__(self, space_id: _Optional[str] = ..., result: _Optional[_Union[_common_pb2.CommandResult, _Mapping]] = ...) -> None: ...

class UpdateSpaceRequest(_message.Message):
    __slots__ = ("request_id", "space_id", "expected_version", "capacity", "opening_hours", "min_length_minutes", "max_length_minutes")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    SPACE_ID_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    CAPACITY_FIELD_NUMBER: _ClassVar[int]
    OPENING_HOURS_FIELD_NUMBER: _ClassVar[int]
    MIN_LENGTH_MINUTES_FIELD_NUMBER: _ClassVar[int]
    MAX_LENGTH_MINUTES_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    space_id: str
    expected_version: int
    capacity: int
    opening_hours: OpeningHours
    min_length_minutes: int
    max_length_minutes: int
    def __init__(self, request_id: _Optional[str] = ..., space_id: _Optional[str] = ..., expected_version: _Optional[int] = ..., capacity: _Optional[int] = ..., opening_hours: _Optional[_Union[OpeningHours, _Mapping]] = ..., min_length_minutes: _Optional[int] = ..., max_length_minutes: _Optional[int] = ...) -> None: ...

class UpdateSpaceResponse(_message.Message):
    __slots__ = ("result",)
    RESULT_FIELD_NUMBER: _ClassVar[int]
    result: _common_pb2.CommandResult
    def __init__(self, result: _Optional[_Union[_common_pb2.CommandResult, _Mapping]] = ...) -> None: ...

class CloseSpaceDayRequest(_message.Message):
    __slots__ = ("request_id", "space_id", "day", "expected_version", "reason")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    SPACE_ID_FIELD_NUMBER: _ClassVar[int]
    DAY_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    space_id: str
    day: _common_pb2.Date
    expected_version: int
    reason: str
    def __init__(self, request_id: _Optional[str] = ..., space_id: _Optional[str] = ..., day: _Optional[_Union[_common_pb2.Date, _Mapping]] = ..., expected_version: _Optional[int] = ..., reason: _Optional[str] = ...) -> None: ...

class CloseSpaceDayResponse(_message.Message):
    __slots__ = ("result",)
    RESULT_FIELD_NUMBER: _ClassVar[int]
    result: _common_pb2.CommandResult
    def __init__(self, result: _Optional[_Union[_common_pb2.CommandResult, _Mapping]] = ...) -> None: ...

class ReopenSpaceDayRequest(_message.Message):
    __slots__ = ("request_id", "space_id", "day", "expected_version")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    SPACE_ID_FIELD_NUMBER: _ClassVar[int]
    DAY_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    space_id: str
    day: _common_pb2.Date
    expected_version: int
    def __init__(self, request_id: _Optional[str] = ..., space_id: _Optional[str] = ..., day: _Optional[_Union[_common_pb2.Date, _Mapping]] = ..., expected_version: _Optional[int] = ...) -> None: ...

class ReopenSpaceDayResponse(_message.Message):
    __slots__ = ("result",)
    RESULT_FIELD_NUMBER: _ClassVar[int]
    result: _common_pb2.CommandResult
    def __init__(self, result: _Optional[_Union[_common_pb2.CommandResult, _Mapping]] = ...) -> None: ...

class SetMonthlyQuotaRequest(_message.Message):
    __slots__ = ("request_id", "organisation_id", "expected_version", "hours")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ORGANISATION_ID_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    HOURS_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    organisation_id: str
    expected_version: int
    hours: int
    def __init__(self, request_id: _Optional[str] = ..., organisation_id: _Optional[str] = ..., expected_version: _Optional[int] = ..., hours: _Optional[int] = ...) -> None: ...

class SetMonthlyQuotaResponse(_message.Message):
    __slots__ = ("result",)
    RESULT_FIELD_NUMBER: _ClassVar[int]
    result: _common_pb2.CommandResult
    def __init__(self, result: _Optional[_Union[_common_pb2.CommandResult, _Mapping]] = ...) -> None: ...

class BookSpaceRequest(_message.Message):
    __slots__ = ("request_id", "space_id", "organisation_id", "day", "start", "length_minutes", "title", "attendance", "consistency_token")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    SPACE_ID_FIELD_NUMBER: _ClassVar[int]
    ORGANISATION_ID_FIELD_NUMBER: _ClassVar[int]
    DAY_FIELD_NUMBER: _ClassVar[int]
    START_FIELD_NUMBER: _ClassVar[int]
    LENGTH_MINUTES_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    ATTENDANCE_FIELD_NUMBER: _ClassVar[int]
    CONSISTENCY_TOKEN_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    space_id: str
    organisation_id: str
    day: _common_pb2.Date
    start: LocalTime
    length_minutes: int
    title: str
    attendance: int
    consistency_token: str
    def __init__(self, request_id: _Optional[str] = ..., space_id: _Optional[str] = ..., organisation_id: _Optional[str] = ..., day: _Optional[_Union[_common_pb2.Date, _Mapping]] = ..., start: _Optional[_Union[LocalTime, _Mapping]] = ..., length_minutes: _Optional[int] = ..., title: _Optional[str] = ..., attendance: _Optional[int] = ..., consistency_token: _Optional[str] = ...) -> None: ...

class BookSpaceResponse(_message.Message):
    __slots__ = ("booking_id", "result")
    BOOKING_ID_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    booking_id: str
    result: _common_pb2.CommandResult
    def __init__(self, booking_id: _Optional[str] = ..., result: _Optional[_Union[_common_pb2.CommandResult, _Mapping]] = ...) -> None: ...

class CancelBookingRequest(_message.Message):
    __slots__ = ("request_id", "booking_id", "expected_version", "reason")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    BOOKING_ID_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    booking_id: str
    expected_version: int
    reason: str
    def __init__(self, request_id: _Optional[str] = ..., booking_id: _Optional[str] = ..., expected_version: _Optional[int] = ..., reason: _Optional[str] = ...) -> None: ...

class CancelBookingResponse(_message.Message):
    __slots__ = ("result",)
    RESULT_FIELD_NUMBER: _ClassVar[int]
    result: _common_pb2.CommandResult
    def __init__(self, result: _Optional[_Union[_common_pb2.CommandResult, _Mapping]] = ...) -> None: ...

class GetSpaceRequest(_message.Message):
    __slots__ = ("space_id", "consistency_token")
    SPACE_ID_FIELD_NUMBER: _ClassVar[int]
    CONSISTENCY_TOKEN_FIELD_NUMBER: _ClassVar[int]
    space_id: str
    consistency_token: str
    def __init__(self, space_id: _Optional[str] = ..., consistency_token: _Optional[str] = ...) -> None: ...

class GetSpaceResponse(_message.Message):
    __slots__ = ("space",)
    SPACE_FIELD_NUMBER: _ClassVar[int]
    space: Space
    def __init__(self, space: _Optional[_Union[Space, _Mapping]] = ...) -> None: ...

class ListSpacesRequest(_message.Message):
    __slots__ = ("consistency_token",)
    CONSISTENCY_TOKEN_FIELD_NUMBER: _ClassVar[int]
    consistency_token: str
    def __init__(self, consistency_token: _Optional[str] = ...) -> None: ...

class ListSpacesResponse(_message.Message):
    __slots__ = ("spaces",)
    SPACES_FIELD_NUMBER: _ClassVar[int]
    spaces: _containers.RepeatedCompositeFieldContainer[Space]
    def __init__(self, spaces: _Optional[_Iterable[_Union[Space, _Mapping]]] = ...) -> None: ...

class GetCalendarRequest(_message.Message):
    __slots__ = ("space_id", "day", "span", "consistency_token")
    SPACE_ID_FIELD_NUMBER: _ClassVar[int]
    DAY_FIELD_NUMBER: _ClassVar[int]
    SPAN_FIELD_NUMBER: _ClassVar[int]
    CONSISTENCY_TOKEN_FIELD_NUMBER: _ClassVar[int]
    space_id: str
    day: _common_pb2.Date
    span: CalendarSpan
    consistency_token: str
    def __init__(self, space_id: _Optional[str] = ..., day: _Optional[_Union[_common_pb2.Date, _Mapping]] = ..., span: _Optional[_Union[CalendarSpan, str]] = ..., consistency_token: _Optional[str] = ...) -> None: ...

class OpeningPeriod(_message.Message):
    __slots__ = ("opens", "closes", "open_time", "close_time")
    OPENS_FIELD_NUMBER: _ClassVar[int]
    CLOSES_FIELD_NUMBER: _ClassVar[int]
    OPEN_TIME_FIELD_NUMBER: _ClassVar[int]
    CLOSE_TIME_FIELD_NUMBER: _ClassVar[int]
    opens: LocalTime
    closes: LocalTime
    open_time: _timestamp_pb2.Timestamp
    close_time: _timestamp_pb2.Timestamp
    def __init__(self, opens: _Optional[_Union[LocalTime, _Mapping]] = ..., closes: _Optional[_Union[LocalTime, _Mapping]] = ..., open_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., close_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CalendarDay(_message.Message):
    __slots__ = ("day", "opening", "closed", "closed_reason", "bookings", "version")
    DAY_FIELD_NUMBER: _ClassVar[int]
    OPENING_FIELD_NUMBER: _ClassVar[int]
    CLOSED_FIELD_NUMBER: _ClassVar[int]
    CLOSED_REASON_FIELD_NUMBER: _ClassVar[int]
    BOOKINGS_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    day: _common_pb2.Date
    opening: _containers.RepeatedCompositeFieldContainer[OpeningPeriod]
    closed: bool
    closed_reason: str
    bookings: _containers.RepeatedCompositeFieldContainer[Booking]
    version: int
    def __init__(self, day: _Optional[_Union[_common_pb2.Date, _Mapping]] = ..., opening: _Optional[_Iterable[_Union[OpeningPeriod, _Mapping]]] = ..., closed: _Optional[bool] = ..., closed_reason: _Optional[str] = ..., bookings: _Optional[_Iterable[_Union[Booking, _Mapping]]] = ..., version: _Optional[int] = ...) -> None: ...

class GetCalendarResponse(_message.Message):
    __slots__ = ("space", "days")
    SPACE_FIELD_NUMBER: _ClassVar[int]
    DAYS_FIELD_NUMBER: _ClassVar[int]
    space: Space
    days: _containers.RepeatedCompositeFieldContainer[CalendarDay]
    def __init__(self, space: _Optional[_Union[Space, _Mapping]] = ..., days: _Optional[_Iterable[_Union[CalendarDay, _Mapping]]] = ...) -> None: ...

class FindFreeSlotsRequest(_message.Message):
    __slots__ = ("first_day", "last_day", "length_minutes", "attendance", "page", "consistency_token")
    FIRST_DAY_FIELD_NUMBER: _ClassVar[int]
    LAST_DAY_FIELD_NUMBER: _ClassVar[int]
    LENGTH_MINUTES_FIELD_NUMBER: _ClassVar[int]
    ATTENDANCE_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    CONSISTENCY_TOKEN_FIELD_NUMBER: _ClassVar[int]
    first_day: _common_pb2.Date
    last_day: _common_pb2.Date
    length_minutes: int
    attendance: int
    page: _common_pb2.PageRequest
    consistency_token: str
    def __init__(self, first_day: _Optional[_Union[_common_pb2.Date, _Mapping]] = ..., last_day: _Optional[_Union[_common_pb2.Date, _Mapping]] = ..., length_minutes: _Optional[int] = ..., attendance: _Optional[int] = ..., page: _Optional[_Union[_common_pb2.PageRequest, _Mapping]] = ..., consistency_token: _Optional[str] = ...) -> None: ...

class FreeSlot(_message.Message):
    __slots__ = ("space_id", "space_name", "capacity", "day", "start", "end", "start_time", "end_time")
    SPACE_ID_FIELD_NUMBER: _ClassVar[int]
    SPACE_NAME_FIELD_NUMBER: _ClassVar[int]
    CAPACITY_FIELD_NUMBER: _ClassVar[int]
    DAY_FIELD_NUMBER: _ClassVar[int]
    START_FIELD_NUMBER: _ClassVar[int]
    END_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    space_id: str
    space_name: str
    capacity: int
    day: _common_pb2.Date
    start: LocalTime
    end: LocalTime
    start_time: _timestamp_pb2.Timestamp
    end_time: _timestamp_pb2.Timestamp
    def __init__(self, space_id: _Optional[str] = ..., space_name: _Optional[str] = ..., capacity: _Optional[int] = ..., day: _Optional[_Union[_common_pb2.Date, _Mapping]] = ..., start: _Optional[_Union[LocalTime, _Mapping]] = ..., end: _Optional[_Union[LocalTime, _Mapping]] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class FindFreeSlotsResponse(_message.Message):
    __slots__ = ("slots", "page")
    SLOTS_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    slots: _containers.RepeatedCompositeFieldContainer[FreeSlot]
    page: _common_pb2.PageResponse
    def __init__(self, slots: _Optional[_Iterable[_Union[FreeSlot, _Mapping]]] = ..., page: _Optional[_Union[_common_pb2.PageResponse, _Mapping]] = ...) -> None: ...

class GetBookingRequest(_message.Message):
    __slots__ = ("booking_id", "consistency_token")
    BOOKING_ID_FIELD_NUMBER: _ClassVar[int]
    CONSISTENCY_TOKEN_FIELD_NUMBER: _ClassVar[int]
    booking_id: str
    consistency_token: str
    def __init__(self, booking_id: _Optional[str] = ..., consistency_token: _Optional[str] = ...) -> None: ...

class GetBookingResponse(_message.Message):
    __slots__ = ("booking",)
    BOOKING_FIELD_NUMBER: _ClassVar[int]
    booking: Booking
    def __init__(self, booking: _Optional[_Union[Booking, _Mapping]] = ...) -> None: ...

class ListOrganisationBookingsRequest(_message.Message):
    __slots__ = ("organisation_id", "month", "page", "consistency_token")
    ORGANISATION_ID_FIELD_NUMBER: _ClassVar[int]
    MONTH_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    CONSISTENCY_TOKEN_FIELD_NUMBER: _ClassVar[int]
    organisation_id: str
    month: _common_pb2.Date
    page: _common_pb2.PageRequest
    consistency_token: str
    def __init__(self, organisation_id: _Optional[str] = ..., month: _Optional[_Union[_common_pb2.Date, _Mapping]] = ..., page: _Optional[_Union[_common_pb2.PageRequest, _Mapping]] = ..., consistency_token: _Optional[str] = ...) -> None: ...

class ListOrganisationBookingsResponse(_message.Message):
    __slots__ = ("bookings", "page", "monthly_quota_hours", "month", "minutes_booked_in_month", "quota_version")
    BOOKINGS_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    MONTHLY_QUOTA_HOURS_FIELD_NUMBER: _ClassVar[int]
    MONTH_FIELD_NUMBER: _ClassVar[int]
    MINUTES_BOOKED_IN_MONTH_FIELD_NUMBER: _ClassVar[int]
    QUOTA_VERSION_FIELD_NUMBER: _ClassVar[int]
    bookings: _containers.RepeatedCompositeFieldContainer[Booking]
    page: _common_pb2.PageResponse
    monthly_quota_hours: int
    month: _common_pb2.Date
    minutes_booked_in_month: int
    quota_version: int
    def __init__(self, bookings: _Optional[_Iterable[_Union[Booking, _Mapping]]] = ..., page: _Optional[_Union[_common_pb2.PageResponse, _Mapping]] = ..., monthly_quota_hours: _Optional[int] = ..., month: _Optional[_Union[_common_pb2.Date, _Mapping]] = ..., minutes_booked_in_month: _Optional[int] = ..., quota_version: _Optional[int] = ...) -> None: ...
