# microseg-silo image: REST API, console, Orleans silo and gateway.
# Build from the repository root:
#   docker build -f deploy/docker/silo.Dockerfile \
#     --build-arg SDK_IMAGE=<.NET 10 SDK image> --build-arg RUNTIME_IMAGE=<ASP.NET Core 10 runtime image> -t microseg-silo .
# The base images are build arguments so that each site names the ones its registry serves.
ARG SDK_IMAGE
ARG RUNTIME_IMAGE

FROM ${SDK_IMAGE} AS build
WORKDIR /src
COPY . .
RUN dotnet publish Silo/Silo.csproj -c Release -nologo -o /out

FROM ${RUNTIME_IMAGE}
WORKDIR /opt/microseg
COPY --from=build /out/ ./
# 8080 REST API and console, 11111 silo-to-silo, 30000 gateway (agents and grain clients).
EXPOSE 8080 11111 30000
# Runs as a non-root user: the silo needs no privilege (only the agent touches the kernel).
RUN mkdir -p /var/lib/microseg && chown 10001:10001 /var/lib/microseg
USER 10001:10001
ENTRYPOINT ["/opt/microseg/microseg-silo"]
CMD ["--http", "http://0.0.0.0:8080", "--data", "/var/lib/microseg"]
