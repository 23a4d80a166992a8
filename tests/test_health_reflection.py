"""Standard gRPC tooling works against the server: health checking, reflection, GetInfo."""

from __future__ import annotations

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from talking_together.contract import ARKIT_BLENDSHAPES, FPS, SCHEMA_VERSION
from talking_together.v1 import talking_together_pb2 as pb
from talking_together.v1 import talking_together_pb2_grpc as pb_grpc

SERVICE = "talking_together.v1.TalkingTogether"


def test_health_reports_serving(loopback_server: str) -> None:
    with grpc.insecure_channel(loopback_server) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        for name in ("", SERVICE):
            reply = stub.Check(health_pb2.HealthCheckRequest(service=name), timeout=10)
            assert reply.status == health_pb2.HealthCheckResponse.SERVING


def test_reflection_lists_the_service(loopback_server: str) -> None:
    with grpc.insecure_channel(loopback_server) as channel:
        stub = reflection_pb2_grpc.ServerReflectionStub(channel)
        replies = list(stub.ServerReflectionInfo(iter([reflection_pb2.ServerReflectionRequest(list_services="")]), timeout=10))
        names = {s.name for s in replies[0].list_services_response.service}
        assert SERVICE in names and "grpc.health.v1.Health" in names
        request = reflection_pb2.ServerReflectionRequest(file_containing_symbol=SERVICE)
        reply = list(stub.ServerReflectionInfo(iter([request]), timeout=10))[0]
        assert reply.file_descriptor_response.file_descriptor_proto  # clients can build stubs from it


def test_get_info(loopback_server: str) -> None:
    with grpc.insecure_channel(loopback_server) as channel:
        reply = pb_grpc.TalkingTogetherStub(channel).GetInfo(pb.GetInfoRequest(), timeout=10)
    assert reply.fps == FPS and reply.schema_version == SCHEMA_VERSION
    assert list(reply.expression_names) == list(ARKIT_BLENDSHAPES)
    assert reply.animator == "baseline" and reply.limits.max_sessions > 0
    assert not reply.room_session_active


def test_subscribe_without_room_says_how_to_start_one(loopback_server: str) -> None:
    with grpc.insecure_channel(loopback_server) as channel:
        stream = pb_grpc.TalkingTogetherStub(channel).Subscribe(pb.SubscribeRequest(), timeout=10)
        try:
            next(stream)
            raise AssertionError("Subscribe without a room session must fail")
        except grpc.RpcError as exc:
            assert exc.code() == grpc.StatusCode.FAILED_PRECONDITION
            assert "--source" in exc.details()
