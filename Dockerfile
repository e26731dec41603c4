# syntax=docker/dockerfile:1
# Multi-stage build: Maven builds the app and its runtime class path; a JRE image runs it as non-root.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -B -q -DskipTests -pl app -am package

FROM eclipse-temurin:17-jre
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system vigil && useradd --system --gid vigil --home-dir /data --shell /usr/sbin/nologin vigil \
 && mkdir -p /data /opt/vigil && chown vigil:vigil /data && chmod 700 /data
# The launcher script, as in a checkout: it starts the JVM with the heap of --memory-budget
# (VIGIL_MEMORY_BUDGET); the stamp tells it the build is done.
COPY --from=build /src/app/target/vigil-app.jar /opt/vigil/app/target/vigil-app.jar
COPY --from=build /src/app/target/lib /opt/vigil/app/target/lib
COPY vigil /opt/vigil/vigil
RUN touch /opt/vigil/app/target/.vigil-built
USER vigil
WORKDIR /data
ENV VIGIL_DATA_DIR=/data
# Give the container a memory limit of about the budget plus a quarter (README: Memory).
ENV VIGIL_MEMORY_BUDGET=1g
EXPOSE 8443
ENTRYPOINT ["/opt/vigil/vigil"]
CMD ["up"]
