# microseg-agent image: one per node (a privileged DaemonSet with the host network and /sys/fs/bpf).
# Build from the repository root:
#   docker build -f deploy/docker/agent.Dockerfile \
#     --build-arg SDK_IMAGE=<.NET 10 SDK image> --build-arg RUNTIME_IMAGE=<.NET 10 runtime image> -t microseg-agent .
# Both images must be Debian 12 based (the .NET images are): the build stage compiles the eBPF object with
# Debian's clang and libbpf headers, the runtime stage loads it with Debian's libbpf1.
ARG SDK_IMAGE
ARG RUNTIME_IMAGE

FROM ${SDK_IMAGE} AS build
RUN apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends clang llvm libbpf-dev make \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN make out/bpf/microseg.bpf.o DEPS_STAMP= \
    && dotnet publish NodeAgent/NodeAgent.csproj -c Release -nologo -o /out/bin \
    && cp -r out/bpf /out/bpf

FROM ${RUNTIME_IMAGE}
RUN apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends libbpf1 iproute2 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/microseg
COPY --from=build /out/ ./
# The agent finds the eBPF object at ../bpf/microseg.bpf.o next to its binary (its --bpf-object default).
# 9464 Prometheus metrics (--metrics-listen).
EXPOSE 9464
# Call counting starts at once (docs/architecture.md, "The silo's runtime"): a knob read only from the environment.
ENV DOTNET_TC_CallCountingDelayMs=0
ENTRYPOINT ["/opt/microseg/bin/microseg-agent"]
