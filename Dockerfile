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
COPY --from=build /src/app/target/vigil-app.jar /opt/vigil/vigil-app.jar
COPY --from=build /src/app/target/lib /opt/vigil/lib
USER vigil
WORKDIR /data
ENV VIGIL_DATA_DIR=/data
EXPOSE 8443
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-cp", "/opt/vigil/vigil-app.jar:/opt/vigil/lib/*", "dev.vigil.app.Vigil"]
CMD ["up"]
