from talking_together.v1 import talking_together_pb2 as _talking_together_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class SessionConfig(_message.Message):
    __slots__ = ("recorder", "software_version", "start_time_unix_ns", "audio_source", "animator", "layout_prompt", "seed", "service_info", "audio_format")
    RECORDER_FIELD_NUMBER: _ClassVar[int]
    SOFTWARE_VERSION_FIELD_NUMBER: _ClassVar[int]
    START_TIME_UNIX_NS_FIELD_NUMBER: _ClassVar[int]
    AUDIO_SOURCE_FIELD_NUMBER: _ClassVar[int]
    ANIMATOR_FIELD_NUMBER: _ClassVar[int]
    LAYOUT_PROMPT_FIELD_NUMBER: _ClassVar[int]
    SEED_FIELD_NUMBER: _ClassVar[int]
    SERVICE_INFO_FIELD_NUMBER: _ClassVar[int]
    AUDIO_FORMAT_FIELD_NUMBER: _ClassVar[int]
    recorder: str
    software_version: str
    start_time_unix_ns: int
    audio_source: str
    animator: str
    layout_prompt: str
    seed: int
    service_info: _talking_together_pb2.ServiceInfo
    audio_format: _talking_together_pb2.AudioFormat
    def __init__(self, recorder: _Optional[str] = ..., software_version: _Optional[str] = ..., start_time_unix_ns: _Optional[int] = ..., audio_source: _Optional[str] = ..., animator: _Optional[str] = ..., layout_prompt: _Optional[str] = ..., seed: _Optional[int] = ..., service_info: _Optional[_Union[_talking_together_pb2.ServiceInfo, _Mapping]] = ..., audio_format: _Optional[_Union[_talking_together_pb2.AudioFormat, _Mapping]] = ...) -> None: ...

class Calibration(_message.Message):
    __slots__ = ("id", "json")
    ID_FIELD_NUMBER: _ClassVar[int]
    JSON_FIELD_NUMBER: _ClassVar[int]
    id: str
    json: str
    def __init__(self, id: _Optional[str] = ..., json: _Optional[str] = ...) -> None: ...

class RecordedAudio(_message.Message):
    __slots__ = ("data", "capture_time_ns")
    DATA_FIELD_NUMBER: _ClassVar[int]
    CAPTURE_TIME_NS_FIELD_NUMBER: _ClassVar[int]
    data: bytes
    capture_time_ns: int
    def __init__(self, data: _Optional[bytes] = ..., capture_time_ns: _Optional[int] = ...) -> None: ...
