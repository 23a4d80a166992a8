#!/usr/bin/env python3
"""protoc plugin: C# gRPC *client* stubs for Unity, in the shape Grpc.Tools generates.

Why not grpc_csharp_plugin: Debian's protobuf-compiler-grpc (bookworm) ships the C++, PHP,
Python and Ruby plugins only, and the project reaches no NuGet feed. Unity is only ever a
client, so this generates what a client needs: marshallers, method descriptors and a
`ClientBase` subclass with the same member names and overloads as Grpc.Tools' client, over
Grpc.Core.Api (which Grpc.Net.Client brings in).

    python -m grpc_tools.protoc -Iprotos --csharp_out=OUT \
        --plugin=protoc-gen-ttgrpc=WRAPPER --ttgrpc_out=OUT protos/talking_together/v1/*.proto

where WRAPPER runs this file with a Python that has `protobuf`. tests/test_csharp_codegen_drift.py
regenerates with it and fails when the committed C# differs.
"""

from __future__ import annotations

import re
import sys
from pathlib import PurePosixPath

from google.protobuf.compiler import plugin_pb2
from google.protobuf.descriptor_pb2 import FileDescriptorProto, MethodDescriptorProto

SERVICE_FIELD = 6  # FileDescriptorProto.service
METHOD_FIELD = 2  # ServiceDescriptorProto.method


def pascal(name: str) -> str:
    """protoc's C# UnderscoresToPascalCase for file names."""
    return "".join(p[:1].upper() + p[1:] for p in re.split(r"[^A-Za-z0-9]+", name) if p)


def csharp_type(proto_type: str, files: dict[str, FileDescriptorProto]) -> str:
    """`.pkg.Message` -> `global::Namespace.Message` using the declaring file's csharp_namespace."""
    for f in files.values():
        prefix = f".{f.package}." if f.package else "."
        if proto_type.startswith(prefix) and any(m.name == proto_type[len(prefix):] for m in f.message_type):
            ns = f.options.csharp_namespace or ".".join(pascal(p) for p in f.package.split("."))
            return f"global::{ns}.{proto_type[len(prefix):]}"
    raise ValueError(f"unknown message type {proto_type}")


def comments(f: FileDescriptorProto) -> dict[tuple[int, ...], str]:
    return {tuple(loc.path): loc.leading_comments for loc in f.source_code_info.location if loc.leading_comments}


def summary(text: str, indent: str) -> list[str]:
    if not text:
        return []
    body = [line.strip() for line in text.strip().splitlines()]
    escaped = [line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") for line in body]
    return [f"{indent}/// <summary>"] + [f"{indent}/// {line}".rstrip() for line in escaped] + [f"{indent}/// </summary>"]


def method_members(m: MethodDescriptorProto, req: str, resp: str, doc: list[str]) -> list[str]:
    method = f"__Method_{m.name}"
    call_args = (
        "grpc::Metadata headers = null, global::System.DateTime? deadline = null, "
        "global::System.Threading.CancellationToken cancellationToken = "
        "default(global::System.Threading.CancellationToken)"
    )
    options = "new grpc::CallOptions(headers, deadline, cancellationToken)"
    i = "      "
    if m.client_streaming and m.server_streaming:
        ret = f"grpc::AsyncDuplexStreamingCall<{req}, {resp}>"
        return [
            *doc, f"{i}public virtual {ret} {m.name}({call_args})", f"{i}{{",
            f"{i}  return {m.name}({options});", f"{i}}}",
            *doc, f"{i}public virtual {ret} {m.name}(grpc::CallOptions options)", f"{i}{{",
            f"{i}  return CallInvoker.AsyncDuplexStreamingCall({method}, null, options);", f"{i}}}",
        ]
    if m.client_streaming:
        ret = f"grpc::AsyncClientStreamingCall<{req}, {resp}>"
        return [
            *doc, f"{i}public virtual {ret} {m.name}({call_args})", f"{i}{{",
            f"{i}  return {m.name}({options});", f"{i}}}",
            *doc, f"{i}public virtual {ret} {m.name}(grpc::CallOptions options)", f"{i}{{",
            f"{i}  return CallInvoker.AsyncClientStreamingCall({method}, null, options);", f"{i}}}",
        ]
    if m.server_streaming:
        ret = f"grpc::AsyncServerStreamingCall<{resp}>"
        return [
            *doc, f"{i}public virtual {ret} {m.name}({req} request, {call_args})", f"{i}{{",
            f"{i}  return {m.name}(request, {options});", f"{i}}}",
            *doc, f"{i}public virtual {ret} {m.name}({req} request, grpc::CallOptions options)", f"{i}{{",
            f"{i}  return CallInvoker.AsyncServerStreamingCall({method}, null, options, request);", f"{i}}}",
        ]
    ret = f"grpc::AsyncUnaryCall<{resp}>"
    return [
        *doc, f"{i}public virtual {resp} {m.name}({req} request, {call_args})", f"{i}{{",
        f"{i}  return {m.name}(request, {options});", f"{i}}}",
        *doc, f"{i}public virtual {resp} {m.name}({req} request, grpc::CallOptions options)", f"{i}{{",
        f"{i}  return CallInvoker.BlockingUnaryCall({method}, null, options, request);", f"{i}}}",
        *doc, f"{i}public virtual {ret} {m.name}Async({req} request, {call_args})", f"{i}{{",
        f"{i}  return {m.name}Async(request, {options});", f"{i}}}",
        *doc, f"{i}public virtual {ret} {m.name}Async({req} request, grpc::CallOptions options)", f"{i}{{",
        f"{i}  return CallInvoker.AsyncUnaryCall({method}, null, options, request);", f"{i}}}",
    ]


def generate(f: FileDescriptorProto, files: dict[str, FileDescriptorProto]) -> str:
    ns = f.options.csharp_namespace or ".".join(pascal(p) for p in f.package.split("."))
    docs = comments(f)
    out = [
        "// <auto-generated>",
        "//     Generated by unity_package/Tools~/protoc_gen_grpc_csharp_client.py. DO NOT EDIT!",
        f"//     source: {f.name}",
        "// </auto-generated>",
        "#pragma warning disable 0414, 1591",
        "#region Designer generated code",
        "",
        "using grpc = global::Grpc.Core;",
        "",
        f"namespace {ns} {{",
    ]
    for s_index, service in enumerate(f.service):
        full_name = f"{f.package}.{service.name}" if f.package else service.name
        out += summary(docs.get((SERVICE_FIELD, s_index), ""), "  ")
        out += [f"  public static partial class {service.name}", "  {",
                f'    static readonly string __ServiceName = "{full_name}";', ""]
        types = sorted({t for m in service.method for t in (m.input_type, m.output_type)})
        for t in types:
            cs = csharp_type(t, files)
            out.append(
                f"    static readonly grpc::Marshaller<{cs}> __Marshaller_{t.strip('.').replace('.', '_')} = "
                f"grpc::Marshallers.Create(global::Google.Protobuf.MessageExtensions.ToByteArray, {cs}.Parser.ParseFrom);"
            )
        out.append("")
        for m in service.method:
            req, resp = csharp_type(m.input_type, files), csharp_type(m.output_type, files)
            kind = ("DuplexStreaming" if m.client_streaming and m.server_streaming else
                    "ClientStreaming" if m.client_streaming else
                    "ServerStreaming" if m.server_streaming else "Unary")
            out += [
                f"    static readonly grpc::Method<{req}, {resp}> __Method_{m.name} = new grpc::Method<{req}, {resp}>(",
                f"        grpc::MethodType.{kind},",
                "        __ServiceName,",
                f'        "{m.name}",',
                f"        __Marshaller_{m.input_type.strip('.').replace('.', '_')},",
                f"        __Marshaller_{m.output_type.strip('.').replace('.', '_')});",
                "",
            ]
        reflection = pascal(PurePosixPath(f.name).stem) + "Reflection"
        client = f"{service.name}Client"
        out += [
            "    /// <summary>Service descriptor</summary>",
            "    public static global::Google.Protobuf.Reflection.ServiceDescriptor Descriptor",
            "    {",
            f"      get {{ return global::{ns}.{reflection}.Descriptor.Services[{s_index}]; }}",
            "    }",
            "",
            f"    /// <summary>Client for {service.name}</summary>",
            f"    public partial class {client} : grpc::ClientBase<{client}>",
            "    {",
            f"      public {client}(grpc::ChannelBase channel) : base(channel)",
            "      {",
            "      }",
            f"      public {client}(grpc::CallInvoker callInvoker) : base(callInvoker)",
            "      {",
            "      }",
            f"      protected {client}() : base()",
            "      {",
            "      }",
            f"      protected {client}(ClientBaseConfiguration configuration) : base(configuration)",
            "      {",
            "      }",
            "",
        ]
        for m_index, m in enumerate(service.method):
            doc = summary(docs.get((SERVICE_FIELD, s_index, METHOD_FIELD, m_index), ""), "      ")
            out += method_members(m, csharp_type(m.input_type, files), csharp_type(m.output_type, files), doc)
            out.append("")
        out += [
            f"      protected override {client} NewInstance(ClientBaseConfiguration configuration)",
            "      {",
            f"        return new {client}(configuration);",
            "      }",
            "    }",
            "  }",
        ]
    out += ["}", "#endregion", ""]
    return "\n".join(out)


def main() -> None:
    request = plugin_pb2.CodeGeneratorRequest.FromString(sys.stdin.buffer.read())
    files = {f.name: f for f in request.proto_file}
    response = plugin_pb2.CodeGeneratorResponse()
    for name in request.file_to_generate:
        f = files[name]
        if f.service:
            out = response.file.add()
            out.name = pascal(PurePosixPath(name).stem) + "Grpc.cs"
            out.content = generate(f, files)
    sys.stdout.buffer.write(response.SerializeToString())


if __name__ == "__main__":
    main()
