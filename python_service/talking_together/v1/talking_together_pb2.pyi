from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class AudioEncoding(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    AUDIO_ENCODING_UNSPECIFIED: _ClassVar[AudioEncoding]
    AUDIO_ENCODING_PCM16: _ClassVar[AudioEncoding]
    AUDIO_ENCODING_FLOAT32: _ClassVar[AudioEncoding]
AUDIO_ENCODING_UNSPECIFIED: AudioEncoding
AUDIO_ENCODING_PCM16: AudioEncoding
AUDIO_ENCODING_FLOAT32: AudioEncoding

class Vec3(_message.Message):
    __slots__ = ("x", "y", "z")
    X_FIELD_NUMBER: _ClassVar[int]
    Y_FIELD_NUMBER: _ClassVar[int]
    Z_FIELD_NUMBER: _ClassVar[int]
    x: float
    y: float
    z: float
    def __init__(self, x: _Optional[float] = ..., y: _Optional[float] = ..., z: _Optional[float] = ...) -> None: ...

class Quat(_message.Message):
    __slots__ = ("x", "y", "z", "w")
    X_FIELD_NUMBER: _ClassVar[int]
    Y_FIELD_NUMBER: _ClassVar[int]
    Z_FIELD_NUMBER: _ClassVar[int]
    W_FIELD_NUMBER: _ClassVar[int]
    x: float
    y: float
    z: float
    w: float
    def __init__(self, x: _Optional[float] = ..., y: _Optional[float] = ..., z: _Optional[float] = ..., w: _Optional[float] = ...) -> None: ...

class Pose(_message.Message):
    __slots__ = ("position", "rotation")
    POSITION_FIELD_NUMBER: _ClassVar[int]
    ROTATION_FIELD_NUMBER: _ClassVar[int]
    position: Vec3
    rotation: Quat
    def __init__(self, position: _Optional[_Union[Vec3, _Mapping]] = ..., rotation: _Optional[_Union[Quat, _Mapping]] = ...) -> None: ...

class Anchor(_message.Message):
    __slots__ = ("position", "yaw_rad")
    POSITION_FIELD_NUMBER: _ClassVar[int]
    YAW_RAD_FIELD_NUMBER: _ClassVar[int]
    position: Vec3
    yaw_rad: float
    def __init__(self, position: _Optional[_Union[Vec3, _Mapping]] = ..., yaw_rad: _Optional[float] = ...) -> None: ...

class Layout(_message.Message):
    __slots__ = ("anchors", "description")
    ANCHORS_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    anchors: _containers.RepeatedCompositeFieldContainer[Anchor]
    description: str
    def __init__(self, anchors: _Optional[_Iterable[_Union[Anchor, _Mapping]]] = ..., description: _Optional[str] = ...) -> None: ...

class LayoutSpec(_message.Message):
    __slots__ = ("prompt", "preset", "layout")
    PROMPT_FIELD_NUMBER: _ClassVar[int]
    PRESET_FIELD_NUMBER: _ClassVar[int]
    LAYOUT_FIELD_NUMBER: _ClassVar[int]
    prompt: str
    preset: str
    layout: Layout
    def __init__(self, prompt: _Optional[str] = ..., preset: _Optional[str] = ..., layout: _Optional[_Union[Layout, _Mapping]] = ...) -> None: ...

class AudioFormat(_message.Message):
    __slots__ = ("sample_rate_hz", "channel_count", "encoding")
    SAMPLE_RATE_HZ_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_COUNT_FIELD_NUMBER: _ClassVar[int]
    ENCODING_FIELD_NUMBER: _ClassVar[int]
    sample_rate_hz: int
    channel_count: int
    encoding: AudioEncoding
    def __init__(self, sample_rate_hz: _Optional[int] = ..., channel_count: _Optional[int] = ..., encoding: _Optional[_Union[AudioEncoding, str]] = ...) -> None: ...

class AnimateOptions(_message.Message):
    __slots__ = ("animator", "seed")
    ANIMATOR_FIELD_NUMBER: _ClassVar[int]
    SEED_FIELD_NUMBER: _ClassVar[int]
    animator: str
    seed: int
    def __init__(self, animator: _Optional[str] = ..., seed: _Optional[int] = ...) -> None: ...

class ClientHeader(_message.Message):
    __slots__ = ("audio_format", "layout", "options")
    AUDIO_FORMAT_FIELD_NUMBER: _ClassVar[int]
    LAYOUT_FIELD_NUMBER: _ClassVar[int]
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    audio_format: AudioFormat
    layout: LayoutSpec
    options: AnimateOptions
    def __init__(self, audio_format: _Optional[_Union[AudioFormat, _Mapping]] = ..., layout: _Optional[_Union[LayoutSpec, _Mapping]] = ..., options: _Optional[_Union[AnimateOptions, _Mapping]] = ...) -> None: ...

class AudioChunk(_message.Message):
    __slots__ = ("data", "client_capture_time_ns")
    DATA_FIELD_NUMBER: _ClassVar[int]
    CLIENT_CAPTURE_TIME_NS_FIELD_NUMBER: _ClassVar[int]
    data: bytes
    client_capture_time_ns: int
    def __init__(self, data: _Optional[bytes] = ..., client_capture_time_ns: _Optional[int] = ...) -> None: ...

class EndOfAudio(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class AnimateRequest(_message.Message):
    __slots__ = ("header", "audio", "end")
    HEADER_FIELD_NUMBER: _ClassVar[int]
    AUDIO_FIELD_NUMBER: _ClassVar[int]
    END_FIELD_NUMBER: _ClassVar[int]
    header: ClientHeader
    audio: AudioChunk
    end: EndOfAudio
    def __init__(self, header: _Optional[_Union[ClientHeader, _Mapping]] = ..., audio: _Optional[_Union[AudioChunk, _Mapping]] = ..., end: _Optional[_Union[EndOfAudio, _Mapping]] = ...) -> None: ...

class ServerHeader(_message.Message):
    __slots__ = ("schema_version", "session_id", "fps", "expression_names", "joint_names", "layout", "epoch_offset_ns", "animator", "calibration_id", "source_audio_format")
    SCHEMA_VERSION_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    FPS_FIELD_NUMBER: _ClassVar[int]
    EXPRESSION_NAMES_FIELD_NUMBER: _ClassVar[int]
    JOINT_NAMES_FIELD_NUMBER: _ClassVar[int]
    LAYOUT_FIELD_NUMBER: _ClassVar[int]
    EPOCH_OFFSET_NS_FIELD_NUMBER: _ClassVar[int]
    ANIMATOR_FIELD_NUMBER: _ClassVar[int]
    CALIBRATION_ID_FIELD_NUMBER: _ClassVar[int]
    SOURCE_AUDIO_FORMAT_FIELD_NUMBER: _ClassVar[int]
    schema_version: str
    session_id: str
    fps: int
    expression_names: _containers.RepeatedScalarFieldContainer[str]
    joint_names: _containers.RepeatedScalarFieldContainer[str]
    layout: Layout
    epoch_offset_ns: int
    animator: str
    calibration_id: str
    source_audio_format: AudioFormat
    def __init__(self, schema_version: _Optional[str] = ..., session_id: _Optional[str] = ..., fps: _Optional[int] = ..., expression_names: _Optional[_Iterable[str]] = ..., joint_names: _Optional[_Iterable[str]] = ..., layout: _Optional[_Union[Layout, _Mapping]] = ..., epoch_offset_ns: _Optional[int] = ..., animator: _Optional[str] = ..., calibration_id: _Optional[str] = ..., source_audio_format: _Optional[_Union[AudioFormat, _Mapping]] = ...) -> None: ...

class ParticipantFrame(_message.Message):
    __slots__ = ("translation", "neck", "head", "left_eye", "right_eye", "expression", "head_world", "speaking")
    TRANSLATION_FIELD_NUMBER: _ClassVar[int]
    NECK_FIELD_NUMBER: _ClassVar[int]
    HEAD_FIELD_NUMBER: _ClassVar[int]
    LEFT_EYE_FIELD_NUMBER: _ClassVar[int]
    RIGHT_EYE_FIELD_NUMBER: _ClassVar[int]
    EXPRESSION_FIELD_NUMBER: _ClassVar[int]
    HEAD_WORLD_FIELD_NUMBER: _ClassVar[int]
    SPEAKING_FIELD_NUMBER: _ClassVar[int]
    translation: Vec3
    neck: Quat
    head: Quat
    left_eye: Quat
    right_eye: Quat
    expression: _containers.RepeatedScalarFieldContainer[float]
    head_world: Pose
    speaking: float
    def __init__(self, translation: _Optional[_Union[Vec3, _Mapping]] = ..., neck: _Optional[_Union[Quat, _Mapping]] = ..., head: _Optional[_Union[Quat, _Mapping]] = ..., left_eye: _Optional[_Union[Quat, _Mapping]] = ..., right_eye: _Optional[_Union[Quat, _Mapping]] = ..., expression: _Optional[_Iterable[float]] = ..., head_world: _Optional[_Union[Pose, _Mapping]] = ..., speaking: _Optional[float] = ...) -> None: ...

class Frame(_message.Message):
    __slots__ = ("sequence", "capture_time_ns", "emit_time_ns", "participants", "client_capture_time_ns")
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    CAPTURE_TIME_NS_FIELD_NUMBER: _ClassVar[int]
    EMIT_TIME_NS_FIELD_NUMBER: _ClassVar[int]
    PARTICIPANTS_FIELD_NUMBER: _ClassVar[int]
    CLIENT_CAPTURE_TIME_NS_FIELD_NUMBER: _ClassVar[int]
    sequence: int
    capture_time_ns: int
    emit_time_ns: int
    participants: _containers.RepeatedCompositeFieldContainer[ParticipantFrame]
    client_capture_time_ns: int
    def __init__(self, sequence: _Optional[int] = ..., capture_time_ns: _Optional[int] = ..., emit_time_ns: _Optional[int] = ..., participants: _Optional[_Iterable[_Union[ParticipantFrame, _Mapping]]] = ..., client_capture_time_ns: _Optional[int] = ...) -> None: ...

class FinalStatus(_message.Message):
    __slots__ = ("code", "message", "frame_count", "audio_seconds")
    CODE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    FRAME_COUNT_FIELD_NUMBER: _ClassVar[int]
    AUDIO_SECONDS_FIELD_NUMBER: _ClassVar[int]
    code: int
    message: str
    frame_count: int
    audio_seconds: float
    def __init__(self, code: _Optional[int] = ..., message: _Optional[str] = ..., frame_count: _Optional[int] = ..., audio_seconds: _Optional[float] = ...) -> None: ...

class AnimateResponse(_message.Message):
    __slots__ = ("header", "frame", "status")
    HEADER_FIELD_NUMBER: _ClassVar[int]
    FRAME_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    header: ServerHeader
    frame: Frame
    status: FinalStatus
    def __init__(self, header: _Optional[_Union[ServerHeader, _Mapping]] = ..., frame: _Optional[_Union[Frame, _Mapping]] = ..., status: _Optional[_Union[FinalStatus, _Mapping]] = ...) -> None: ...

class SubscribeRequest(_message.Message):
    __slots__ = ("client_name",)
    CLIENT_NAME_FIELD_NUMBER: _ClassVar[int]
    client_name: str
    def __init__(self, client_name: _Optional[str] = ...) -> None: ...

class GetInfoRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class Limits(_message.Message):
    __slots__ = ("max_sessions", "max_chunk_bytes", "max_stream_seconds", "max_sample_rate_hz", "max_channels", "max_subscribers", "max_sessions_per_peer", "max_audio_speed", "idle_timeout_s", "min_chunk_samples", "max_sessions_measured", "session_cost", "full_load", "full_backlog_s")
    MAX_SESSIONS_FIELD_NUMBER: _ClassVar[int]
    MAX_CHUNK_BYTES_FIELD_NUMBER: _ClassVar[int]
    MAX_STREAM_SECONDS_FIELD_NUMBER: _ClassVar[int]
    MAX_SAMPLE_RATE_HZ_FIELD_NUMBER: _ClassVar[int]
    MAX_CHANNELS_FIELD_NUMBER: _ClassVar[int]
    MAX_SUBSCRIBERS_FIELD_NUMBER: _ClassVar[int]
    MAX_SESSIONS_PER_PEER_FIELD_NUMBER: _ClassVar[int]
    MAX_AUDIO_SPEED_FIELD_NUMBER: _ClassVar[int]
    IDLE_TIMEOUT_S_FIELD_NUMBER: _ClassVar[int]
    MIN_CHUNK_SAMPLES_FIELD_NUMBER: _ClassVar[int]
    MAX_SESSIONS_MEASURED_FIELD_NUMBER: _ClassVar[int]
    SESSION_COST_FIELD_NUMBER: _ClassVar[int]
    FULL_LOAD_FIELD_NUMBER: _ClassVar[int]
    FULL_BACKLOG_S_FIELD_NUMBER: _ClassVar[int]
    max_sessions: int
    max_chunk_bytes: int
    max_stream_seconds: float
    max_sample_rate_hz: int
    max_channels: int
    max_subscribers: int
    max_sessions_per_peer: int
    max_audio_speed: float
    idle_timeout_s: float
    min_chunk_samples: int
    max_sessions_measured: bool
    session_cost: float
    full_load: float
    full_backlog_s: float
    def __init__(self, max_sessions: _Optional[int] = ..., max_chunk_bytes: _Optional[int] = ..., max_stream_seconds: _Optional[float] = ..., max_sample_rate_hz: _Optional[int] = ..., max_channels: _Optional[int] = ..., max_subscribers: _Optional[int] = ..., max_sessions_per_peer: _Optional[int] = ..., max_audio_speed: _Optional[float] = ..., idle_timeout_s: _Optional[float] = ..., min_chunk_samples: _Optional[int] = ..., max_sessions_measured: _Optional[bool] = ..., session_cost: _Optional[float] = ..., full_load: _Optional[float] = ..., full_backlog_s: _Optional[float] = ...) -> None: ...

class ServiceInfo(_message.Message):
    __slots__ = ("version", "schema_version", "animator", "model", "fps", "expression_names", "joint_names", "limits", "room_session_active", "active_sessions", "active_subscribers", "admitted_sessions", "busiest_session_load", "most_behind_s")
    VERSION_FIELD_NUMBER: _ClassVar[int]
    SCHEMA_VERSION_FIELD_NUMBER: _ClassVar[int]
    ANIMATOR_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    FPS_FIELD_NUMBER: _ClassVar[int]
    EXPRESSION_NAMES_FIELD_NUMBER: _ClassVar[int]
    JOINT_NAMES_FIELD_NUMBER: _ClassVar[int]
    LIMITS_FIELD_NUMBER: _ClassVar[int]
    ROOM_SESSION_ACTIVE_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_SESSIONS_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_SUBSCRIBERS_FIELD_NUMBER: _ClassVar[int]
    ADMITTED_SESSIONS_FIELD_NUMBER: _ClassVar[int]
    BUSIEST_SESSION_LOAD_FIELD_NUMBER: _ClassVar[int]
    MOST_BEHIND_S_FIELD_NUMBER: _ClassVar[int]
    version: str
    schema_version: str
    animator: str
    model: str
    fps: int
    expression_names: _containers.RepeatedScalarFieldContainer[str]
    joint_names: _containers.RepeatedScalarFieldContainer[str]
    limits: Limits
    room_session_active: bool
    active_sessions: int
    active_subscribers: int
    admitted_sessions: int
    busiest_session_load: float
    most_behind_s: float
    def __init__(self, version: _Optional[str] = ..., schema_version: _Optional[str] = ..., animator: _Optional[str] = ..., model: _Optional[str] = ..., fps: _Optional[int] = ..., expression_names: _Optional[_Iterable[str]] = ..., joint_names: _Optional[_Iterable[str]] = ..., limits: _Optional[_Union[Limits, _Mapping]] = ..., room_session_active: _Optional[bool] = ..., active_sessions: _Optional[int] = ..., active_subscribers: _Optional[int] = ..., admitted_sessions: _Optional[int] = ..., busiest_session_load: _Optional[float] = ..., most_behind_s: _Optional[float] = ...) -> None: ...
