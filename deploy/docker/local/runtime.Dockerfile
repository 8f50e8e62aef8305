# An ASP.NET Core 10 runtime image: the shared frameworks of the local SDK image on the local Debian base
# (deploy/docker/local/build-images.sh). No build context is used.
ARG BASE_IMAGE
ARG SDK_IMAGE
FROM ${SDK_IMAGE} AS sdk

FROM ${BASE_IMAGE}
RUN apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends ca-certificates libicu72 \
    && rm -rf /var/lib/apt/lists/*
COPY --from=sdk /usr/share/dotnet/dotnet /usr/share/dotnet/dotnet
COPY --from=sdk /usr/share/dotnet/host /usr/share/dotnet/host
COPY --from=sdk /usr/share/dotnet/shared /usr/share/dotnet/shared
RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet
ENV DOTNET_ROOT=/usr/share/dotnet
