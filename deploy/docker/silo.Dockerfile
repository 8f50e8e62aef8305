# microseg-silo image: REST API, console, Orleans silo and gateway.
# Build from the repository root:
#   docker build -f deploy/docker/silo.Dockerfile \
#     --build-arg NODE_IMAGE=<Node.js 20.19+ image> --build-arg SDK_IMAGE=<.NET 10 SDK image> \
#     --build-arg RUNTIME_IMAGE=<ASP.NET Core 10 runtime image> -t microseg-silo .
# The base images are build arguments so that each site names the ones its registry serves.
ARG NODE_IMAGE
ARG SDK_IMAGE
ARG RUNTIME_IMAGE

# The console (Dashboard/console) is built first: the silo embeds its dist/ (make build does the same with npm).
FROM ${NODE_IMAGE} AS console
WORKDIR /src/Dashboard/console
COPY Dashboard/console/package.json Dashboard/console/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY Dashboard/console/ ./
RUN npm run build

FROM ${SDK_IMAGE} AS build
WORKDIR /src
COPY . .
COPY --from=console /src/Dashboard/console/dist/ Dashboard/console/dist/
RUN dotnet publish Silo/Silo.csproj -c Release -nologo -o /out

FROM ${RUNTIME_IMAGE}
WORKDIR /opt/microseg
COPY --from=build /out/ ./
# 8080 REST API and console, 11111 silo-to-silo, 30000 gateway (agents and grain clients).
EXPOSE 8080 11111 30000
# Runs as a non-root user: the silo needs no privilege (only the agent touches the kernel).
RUN mkdir -p /var/lib/microseg && chown 10001:10001 /var/lib/microseg
USER 10001:10001
# Call counting starts at once (docs/architecture.md, "The silo's runtime"): a knob read only from the environment.
ENV DOTNET_TC_CallCountingDelayMs=0
ENTRYPOINT ["/opt/microseg/microseg-silo"]
CMD ["--http", "http://0.0.0.0:8080", "--data", "/var/lib/microseg"]
